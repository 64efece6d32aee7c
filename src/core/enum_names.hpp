#pragma once
// EnumNames: the printed names of an enum, written once, for to_string and for parsing.
//
// Contract: the enum's enumerators take the default values 0, 1, 2, ... in declaration order,
// and the table lists one name per enumerator in that order. The constructor runs at compile
// time and is given the enum's last enumerator: a table with a name too many or too few does
// not compile. A value outside the table (a cast from bad input) prints as the fallback and
// never reads past the table. No allocation; usable in constant expressions.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

namespace nzeza {

template <typename E, std::size_t N>
class EnumNames {
  static_assert(std::is_enum_v<E>, "EnumNames names the values of an enum");
  static_assert(N > 0, "EnumNames needs at least one name");

 public:
  // `last`: the enum's last enumerator; `fallback`: what a value outside the enum prints as.
  consteval EnumNames(E last, const std::string_view (&names)[N],
                      std::string_view fallback = "unknown")
      : fallback_(fallback) {
    if (static_cast<std::size_t>(last) + 1 != N) {
      throw "EnumNames: the table must hold exactly one name per enumerator";
    }
    for (std::size_t i = 0; i < N; ++i) names_[i] = names[i];
  }

  [[nodiscard]] constexpr std::string_view name(E value) const noexcept {
    const auto i = static_cast<std::size_t>(value);
    return i < N ? names_[i] : fallback_;
  }

  // The enumerator printed as `text` (exact, case-sensitive), or nullopt.
  [[nodiscard]] constexpr std::optional<E> parse(std::string_view text) const noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (names_[i] == text) return static_cast<E>(i);
    }
    return std::nullopt;
  }

  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }

 private:
  std::array<std::string_view, N> names_{};
  std::string_view fallback_;
};

}  // namespace nzeza
