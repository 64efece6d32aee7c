#pragma once
// JSON text written by hand (CLI output lines, order console answers): the one string quoting they
// share, so a symbol, reason or venue message can never break a line of JSON.

#include <string>
#include <string_view>

namespace nzeza {

// `s` as a JSON string: '"' and '\' escaped, control characters (a newline in a venue's message)
// shown as a space so one value stays on one line. Bytes >= 0x80 pass through unchanged.
[[nodiscard]] std::string json_quoted(std::string_view s);

}  // namespace nzeza
