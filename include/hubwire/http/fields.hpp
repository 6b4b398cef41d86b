#ifndef HUBWIRE_HTTP_FIELDS_HPP
#define HUBWIRE_HTTP_FIELDS_HPP

// An HTTP field section (headers or trailers) in wire order. Names keep the case they
// were given or received: lookup is case-insensitive as RFC 9110 5.1 requires, but
// some peers compare names case-sensitively (the Azure IoT C SDK looks up exactly
// "ETag" and "ContentType"), so the serializer writes them back byte for byte.

#include <hubwire/http/grammar.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hubwire::http {

struct field {
  std::string name;
  std::string value;
  friend bool operator==(const field&, const field&) = default;
};

class fields {
public:
  using const_iterator = std::vector<field>::const_iterator;

  const_iterator begin() const noexcept { return list_.begin(); }
  const_iterator end() const noexcept { return list_.end(); }
  std::size_t size() const noexcept { return list_.size(); }
  bool empty() const noexcept { return list_.empty(); }

  // Appends, keeping any field of the same name (repeated fields are legal).
  void add(std::string_view name, std::string_view value) { list_.push_back({std::string(name), std::string(value)}); }

  // Replaces every field of this name by one, at the position of the first.
  void set(std::string_view name, std::string_view value) {
    bool placed = false;
    for (auto it = list_.begin(); it != list_.end();) {
      if (!grammar::iequals(it->name, name)) { ++it; continue; }
      if (!placed) {
        it->name = std::string(name);
        it->value = std::string(value);
        placed = true;
        ++it;
      } else {
        it = list_.erase(it);
      }
    }
    if (!placed) add(name, value);
  }

  // Removes every field of this name; returns how many.
  std::size_t erase(std::string_view name) {
    return std::erase_if(list_, [&](const field& f) { return grammar::iequals(f.name, name); });
  }

  // The first field of this name, or nullptr.
  const field* find(std::string_view name) const noexcept {
    for (const auto& f : list_)
      if (grammar::iequals(f.name, name)) return &f;
    return nullptr;
  }

  // The value of the first field of this name, or empty (use find() to tell absent from empty).
  std::string_view value(std::string_view name) const noexcept {
    const field* f = find(name);
    return f ? std::string_view(f->value) : std::string_view();
  }

  std::size_t count(std::string_view name) const noexcept {
    std::size_t n = 0;
    for (const auto& f : list_) n += grammar::iequals(f.name, name) ? 1 : 0;
    return n;
  }

  // Whether the comma-separated list values of every field `name` contain `token`
  // (case-insensitive), e.g. contains_token("Connection", "close").
  bool contains_token(std::string_view name, std::string_view token) const noexcept {
    for (const auto& f : list_) {
      if (!grammar::iequals(f.name, name)) continue;
      std::string_view rest = f.value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (grammar::iequals(grammar::trim_ows(rest.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    return false;
  }

  void clear() noexcept { list_.clear(); }

  friend bool operator==(const fields&, const fields&) = default;

private:
  std::vector<field> list_;
};

} // namespace hubwire::http

#endif
