#include "core/json_text.hpp"

#include <gtest/gtest.h>

namespace nzeza {
namespace {

TEST(JsonText, plain_text_is_wrapped_in_quotes_unchanged) {
  EXPECT_EQ(json_quoted("BTC-USD"), "\"BTC-USD\"");
  EXPECT_EQ(json_quoted(""), "\"\"");
}

TEST(JsonText, quotes_and_backslashes_are_escaped) {
  EXPECT_EQ(json_quoted(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
}

TEST(JsonText, control_characters_become_spaces_so_a_value_stays_on_one_line) {
  EXPECT_EQ(json_quoted("line one\nline\ttwo\r"), "\"line one line two \"");
  EXPECT_EQ(json_quoted(std::string_view("a\0b", 3)), "\"a b\"");
}

TEST(JsonText, utf8_bytes_pass_through) {
  EXPECT_EQ(json_quoted("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(JsonText, escape_chars_replaces_each_listed_character_and_keeps_every_other_byte) {
  EXPECT_EQ(escape_chars("a<b>&c\n", {{'<', "&lt;"}, {'>', "&gt;"}, {'\n', "\\n"}}),
            "a&lt;b&gt;&c\\n");
  EXPECT_EQ(escape_chars("caf\xc3\xa9", {{'"', "\\\""}}), "caf\xc3\xa9");
  EXPECT_EQ(escape_chars("", {{'x', "y"}}), "");
  // A replacement may be empty: the character is dropped.
  EXPECT_EQ(escape_chars("a-b-c", {{'-', ""}}), "abc");
}

}  // namespace
}  // namespace nzeza
