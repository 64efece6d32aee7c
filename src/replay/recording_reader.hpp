#pragma once
// RecordingReader: streams the events of one recording file (RecordingWriter's format), never
// loading the file whole.
//
// Instruments: the header's instruments are mapped onto `registry` by (venue, venue symbol);
// those it lacks are added with the recorded metadata, so an empty registry is rebuilt from the
// recording and a configured one keeps its own metadata. Every event carries the registry's
// InstrumentId and canonical SymbolId, the file's venue, and both recorded times.
//
// Errors name the file and the line: a corrupt line ("<file>:<line>: \"b\": not an exact
// decimal"), an undeclared instrument, a missing header; a zstd stream cut mid-frame yields every
// event before the cut, then an error naming the file, the last line and the byte offset.
// Not thread-safe; the registry must outlive the reader.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "replay/event_source.hpp"
#include "replay/line_reader.hpp"
#include "replay/recording_format.hpp"

namespace nzeza::replay {

class RecordingReader final : public EventSource {
 public:
  // Opens the file and reads its header line.
  static Result<std::unique_ptr<RecordingReader>> open(std::string path,
                                                       InstrumentRegistry& registry);

  ReadOutcome next(MarketEvent& out) override;
  [[nodiscard]] const Error& error() const noexcept override { return error_; }
  [[nodiscard]] std::string_view name() const noexcept override { return lines_->path(); }
  [[nodiscard]] const RecordingHeader& header() const noexcept { return header_; }
  [[nodiscard]] std::uint64_t events() const noexcept { return events_; }

 private:
  struct Entry {
    InstrumentId id;
    SymbolId symbol;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  RecordingReader(std::unique_ptr<LineReader> lines, InstrumentRegistry& registry)
      : lines_(std::move(lines)), registry_(registry) {}
  Status map(const Instrument& instrument);
  // Sets the venue, instrument and symbol of a decoded event.
  ReadOutcome resolve(MarketEvent& out, std::string_view venue_symbol);
  ReadOutcome fail(std::string message, ErrorCode code = ErrorCode::parse_error);

  std::unique_ptr<LineReader> lines_;
  InstrumentRegistry& registry_;
  RecordingHeader header_;
  // Symbols of at most 16 bytes, packed into two words: found by a short linear scan with
  // integer compares (a file holds a handful of instruments); longer ones use the map.
  struct Packed {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::uint32_t size = 0;
    Entry entry;
  };
  static bool pack(std::string_view symbol, Packed& out) noexcept;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> by_symbol_;
  std::vector<Packed> packed_;
  std::string scratch_;
  std::uint64_t events_ = 0;
  bool failed_ = false;
  Error error_;
};

}  // namespace nzeza::replay
