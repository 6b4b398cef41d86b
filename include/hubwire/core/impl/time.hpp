#ifndef HUBWIRE_CORE_IMPL_TIME_HPP
#define HUBWIRE_CORE_IMPL_TIME_HPP

namespace hubwire::core {
namespace detail {

using ticks = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>; // .NET's 100 ns

inline void put_digits(std::string& out, std::int64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

inline bool read_digits(std::string_view s, std::size_t& pos, int width, int& out) noexcept {
  if (pos + static_cast<std::size_t>(width) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(width);
  out = v;
  return true;
}

} // namespace detail

inline std::string format_iso8601(system_time t) {
  using namespace std::chrono;
  const auto tt = floor<detail::ticks>(t);
  const auto day = floor<days>(tt);
  const year_month_day ymd{day};
  const auto tod = tt - day;
  const auto h = duration_cast<hours>(tod);
  const auto m = duration_cast<minutes>(tod - h);
  const auto s = duration_cast<seconds>(tod - h - m);
  const auto frac = (tod - h - m - s).count();
  std::string out;
  out.reserve(28);
  detail::put_digits(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  detail::put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  detail::put_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  detail::put_digits(out, h.count(), 2);
  out += ':';
  detail::put_digits(out, m.count(), 2);
  out += ':';
  detail::put_digits(out, s.count(), 2);
  out += '.';
  detail::put_digits(out, frac, 7);
  out += 'Z';
  return out;
}

inline std::optional<system_time> parse_iso8601(std::string_view s) noexcept {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  auto expect = [&](char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
  };
  if (!detail::read_digits(s, pos, 4, y) || !expect('-') || !detail::read_digits(s, pos, 2, mo) || !expect('-') ||
      !detail::read_digits(s, pos, 2, d) || !(expect('T') || expect('t')) || !detail::read_digits(s, pos, 2, h) ||
      !expect(':') || !detail::read_digits(s, pos, 2, mi) || !expect(':') || !detail::read_digits(s, pos, 2, se))
    return std::nullopt;
  std::int64_t frac_ticks = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 7) frac_ticks = frac_ticks * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0 || n > 9) return std::nullopt;
    for (int i = n; i < 7; ++i) frac_ticks *= 10;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!detail::read_digits(s, pos, 2, oh) || !expect(':') || !detail::read_digits(s, pos, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt; // an instant without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + detail::ticks{frac_ticks} - minutes{offset_minutes};
  // system_clock counts nanoseconds on libstdc++: years past 2262 (or before 1677) do not fit.
  if (t < time_point_cast<detail::ticks>(system_time::min()) || t > time_point_cast<detail::ticks>(system_time::max()))
    return std::nullopt;
  return time_point_cast<system_time::duration>(t);
}

} // namespace hubwire::core

#endif
