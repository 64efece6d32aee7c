#pragma once
// EventSource: a stream of MarketEvents read from history (a recording, a Tardis CSV file, a
// merge of several), one at a time, in the order the source holds them.
//
// Contract: next() fills `out` and returns `event`, or returns `end` once, or `error`; after
// `error` the source stays failed and error() names the file and the line (or byte offset) at
// fault. A source never loads a whole file: memory is bounded by its buffers, not the file size.
// Not thread-safe: one reader thread.

#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "core/market_event.hpp"

namespace nzeza::replay {

enum class ReadOutcome : std::uint8_t { event, end, error };

class EventSource {
 public:
  EventSource() = default;
  virtual ~EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;

  virtual ReadOutcome next(MarketEvent& out) = 0;
  // The failure after next() returned `error`; meaningless before.
  [[nodiscard]] virtual const Error& error() const noexcept = 0;
  // What the source reads (a file path), for messages and progress.
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

}  // namespace nzeza::replay
