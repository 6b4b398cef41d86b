#ifndef HUBWIRE_CORE_ERROR_HPP
#define HUBWIRE_CORE_ERROR_HPP

// One error category per domain (auth, mqtt, amqp, http, iothub, hub). A domain declares
//   enum class errc { ... };
//   constexpr const char* category_name(errc) noexcept;   // "hubwire.auth"
//   const char* describe(errc) noexcept;                   // one message per value
// and gets its category and make_error_code from the template below, so no domain
// writes the std::error_category boilerplate again.

#include <string>
#include <system_error>

namespace hubwire::core {

template <class Enum>
class enum_category final : public std::error_category {
public:
  const char* name() const noexcept override { return category_name(Enum{}); }
  std::string message(int ev) const override { return describe(static_cast<Enum>(ev)); }
};

template <class Enum>
const std::error_category& category_of() noexcept {
  static const enum_category<Enum> instance;
  return instance;
}

} // namespace hubwire::core

// Declares make_error_code for a domain enum and marks it as an error code enum.
// Use at global scope, after the enum and its describe/category_name functions.
#define HUBWIRE_ERROR_ENUM(ns, enum_type)                                                \
  namespace ns {                                                                         \
  inline std::error_code make_error_code(enum_type e) noexcept {                         \
    return {static_cast<int>(e), ::hubwire::core::category_of<enum_type>()};             \
  }                                                                                      \
  }                                                                                      \
  template <>                                                                            \
  struct std::is_error_code_enum<ns::enum_type> : std::true_type {};

#endif
