#pragma once
// The recording format (docs/recording.md): NDJSON, zstd-compressed, one file per venue and hour.
//
// Line 1 is the header: the format name and version, the nzeza version, the venue, the hour and
// every instrument's metadata. Each following line is one event, keyed by the instrument's venue
// symbol, decimals as exact strings, venue and receive times as integer nanoseconds:
//
//   {"k":"q","s":"BTCUSDT","vt":1700000000000000000,"rt":1700000000000150000,
//    "b":"45000.5","bs":"1.25","a":"45000.6","as":"0.5"}
//
// An instrument line ({"k":"i","instrument":{...}}) may appear anywhere to declare an instrument
// added after the file began; a repeated header line re-declares (a writer that reopened).
// This file only turns lines into values and back; files, frames and registries live in the
// writer and the reader.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"

namespace nzeza::replay {

inline constexpr std::string_view kRecordingFormat = "nzeza-recording";
inline constexpr int kRecordingFormatVersion = 1;

// The version of the nzeza that writes ("0.1.0", from the project's CMake version).
[[nodiscard]] std::string_view nzeza_version() noexcept;

struct RecordingHeader {
  int format_version = kRecordingFormatVersion;
  std::string nzeza_version;
  Venue venue = Venue::paper;
  Timestamp hour;  // start of the hour of receive time the file holds
  std::vector<Instrument> instruments;
};

[[nodiscard]] std::string encode_header(const RecordingHeader& header);  // no '\n'
// Errors (parse_error) say what is missing or wrong; the caller adds the file and line.
[[nodiscard]] Result<RecordingHeader> decode_header(std::string_view line);
[[nodiscard]] std::string encode_instrument_line(const Instrument& instrument);  // no '\n'
[[nodiscard]] Result<Instrument> decode_instrument_line(std::string_view line);

enum class LineKind : std::uint8_t { header, instrument, event, unknown };
// From the first bytes only (the writer's layout; any other JSON object reads as `event`): the
// caller then decodes with the matching function.
[[nodiscard]] LineKind classify_line(std::string_view line) noexcept;
// By parsing the line as JSON: for a line the writer did not write (spaces, another key order)
// that failed to decode as an event.
[[nodiscard]] LineKind classify_json_line(std::string_view line);

// Appends the event's line and '\n' to `out`, naming the instrument by `venue_symbol` (empty
// for a venue-wide status). Allocation-free once `out` has grown.
void append_event_line(std::string& out, const MarketEvent& event, std::string_view venue_symbol);

// Decodes an event line into `out` (times and body; venue, instrument and symbol are the
// caller's) and `venue_symbol` (a view into `line` or into `scratch` when it was escaped; empty
// when absent). The error message names the field at fault, without file or line.
[[nodiscard]] Status decode_event_line(std::string_view line, MarketEvent& out,
                                       std::string_view& venue_symbol, std::string& scratch);

}  // namespace nzeza::replay
