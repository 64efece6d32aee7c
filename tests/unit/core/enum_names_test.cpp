#include "core/enum_names.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace nzeza {
namespace {

enum class Colour : std::uint8_t { red, green, blue };

constexpr EnumNames kColourNames{Colour::blue, {"red", "green", "blue"}, "no_colour"};

TEST(EnumNames, each_enumerator_prints_as_its_name_in_declaration_order) {
  EXPECT_EQ(kColourNames.name(Colour::red), "red");
  EXPECT_EQ(kColourNames.name(Colour::green), "green");
  EXPECT_EQ(kColourNames.name(Colour::blue), "blue");
  EXPECT_EQ(kColourNames.size(), 3U);
}

TEST(EnumNames, a_value_outside_the_enum_prints_as_the_fallback) {
  EXPECT_EQ(kColourNames.name(static_cast<Colour>(3)), "no_colour");
  EXPECT_EQ(kColourNames.name(static_cast<Colour>(255)), "no_colour");
}

TEST(EnumNames, fallback_is_unknown_unless_given) {
  constexpr EnumNames names{Colour::blue, {"red", "green", "blue"}};
  EXPECT_EQ(names.name(static_cast<Colour>(7)), "unknown");
}

TEST(EnumNames, parse_returns_the_enumerator_of_an_exact_name_and_nothing_else) {
  EXPECT_EQ(kColourNames.parse("green"), Colour::green);
  EXPECT_EQ(kColourNames.parse("blue"), Colour::blue);
  EXPECT_EQ(kColourNames.parse("Blue"), std::nullopt);
  EXPECT_EQ(kColourNames.parse(""), std::nullopt);
  EXPECT_EQ(kColourNames.parse("no_colour"), std::nullopt);
}

TEST(EnumNames, names_and_parsing_work_in_constant_expressions) {
  static_assert(kColourNames.name(Colour::green) == "green");
  static_assert(kColourNames.parse("red") == Colour::red);
  SUCCEED();
}

}  // namespace
}  // namespace nzeza
