#pragma once
// JSON text written by hand (CLI output lines, order console answers, backtest reports,
// recordings): the string quoting they share, so a symbol, reason or venue message can never
// break a line of JSON.

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

}  // namespace nzeza
