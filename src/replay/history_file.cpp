#include "replay/history_file.hpp"

#include <chrono>
#include <string_view>

#include "replay/line_reader.hpp"
#include "replay/recording_reader.hpp"
#include "replay/tardis_csv_reader.hpp"

namespace nzeza::replay {

Result<HistoryFile> open_history_file(const std::string& path, InstrumentRegistry& registry) {
  {
    auto lines = LineReader::open(path, compression_for(path));
    if (!lines) return lines.error();
    std::string_view first;
    switch ((*lines)->next(first)) {
      case ReadOutcome::error:
        return (*lines)->error();
      case ReadOutcome::end:
        return Error{ErrorCode::parse_error,
                     path + ":1: empty file: neither a recording nor a Tardis CSV file"};
      case ReadOutcome::event:
        break;
    }
    const std::size_t at = first.find_first_not_of(" \t");
    if (at == std::string_view::npos || first[at] != '{') {
      auto tardis = TardisCsvReader::open(path, registry);
      if (!tardis) return tardis.error();
      return HistoryFile{std::move(*tardis), std::nullopt};
    }
  }
  auto recording = RecordingReader::open(path, registry);
  if (!recording) return recording.error();
  const Timestamp end = (*recording)->header().hour + std::chrono::hours(1);
  return HistoryFile{std::move(*recording), end};
}

}  // namespace nzeza::replay
