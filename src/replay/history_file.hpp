#pragma once
// open_history_file: opens one file of market history as an EventSource, telling a recording
// (RecordingReader: its first line is a JSON header) from a Tardis CSV file (TardisCsvReader: a
// CSV header line) by content, not by name. Shared by `nzeza backtest` and `nzeza screen`.
//
// Instruments: the file's are added to (or mapped onto) `registry`, which must outlive the
// source. Errors name the file and the line (an empty file, an unreadable one, a bad header).

#include <memory>
#include <optional>
#include <string>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "replay/event_source.hpp"

namespace nzeza::replay {

struct HistoryFile {
  std::unique_ptr<EventSource> source;
  std::optional<Timestamp> hour_end;  // a recording's: the end of the hour it holds
};

[[nodiscard]] Result<HistoryFile> open_history_file(const std::string& path,
                                                    InstrumentRegistry& registry);

}  // namespace nzeza::replay
