#pragma once
// JSON text written by hand (CLI output lines, order console answers, backtest reports,
// recordings): the string quoting they share, so a symbol, reason or venue message can never
// break a line of JSON.

#include <initializer_list>
#include <string>
#include <string_view>

namespace nzeza {

// `s` as a JSON string: '"' and '\' escaped, control characters (a newline in a venue's message)
// shown as a space so one value stays on one line. Bytes >= 0x80 pass through unchanged.
[[nodiscard]] std::string json_quoted(std::string_view s);

// Appends `s` as the body of a JSON string (no quotes) with the escapes RFC 8259 requires: '"'
// and '\' escaped, control characters as \u00xx (lowercase hex), so the value reads back exactly.
// Bytes >= 0x80 pass through unchanged. Allocates only as `out` grows.
void append_json_escaped(std::string& out, std::string_view s);

// One character and what stands for it in an escaped text.
struct CharEscape {
  char c;
  std::string_view with;
};
// `s` with every character listed in `escapes` replaced by its escape, the others unchanged
// (Prometheus label values and help text, JSON inside an HTML <script>).
[[nodiscard]] std::string escape_chars(std::string_view s,
                                       std::initializer_list<CharEscape> escapes);

}  // namespace nzeza
