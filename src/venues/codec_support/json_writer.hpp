#pragma once
// JSON text the codecs write into their subscribe messages: a list of strings
// (append_json_string, one string, is in codec_support.hpp). Threading: none.

#include <span>
#include <string>

namespace nzeza::venues::codec {

// Appends `items` as the members of a JSON array, comma-separated, each a JSON string (quotes,
// backslashes and control characters escaped): "a","b". Nothing for no item.
void append_json_strings(std::string& out, std::span<const std::string> items);

}  // namespace nzeza::venues::codec
