#pragma once
// EventMerger: a k-way merge of several EventSources by receive time, itself an EventSource, so
// a backtest reads many files in one time order with memory bounded by the number of sources
// (one buffered event each, a binary heap of source indexes).
//
// Order: ascending receive time; equal times come in source order (the order given to the
// constructor), then in each source's own order — the merge is stable and deterministic. A
// source whose own times go backwards is passed through as it is (the merge never reorders
// within a source). The first source error stops the merge: next() returns `error` with that
// source's error (which names its file and line) from then on.

#include <memory>
#include <string>
#include <vector>

#include "replay/event_source.hpp"

namespace nzeza::replay {

class EventMerger final : public EventSource {
 public:
  explicit EventMerger(std::vector<std::unique_ptr<EventSource>> sources);

  ReadOutcome next(MarketEvent& out) override;
  [[nodiscard]] const Error& error() const noexcept override { return error_; }
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }
  [[nodiscard]] std::size_t sources() const noexcept { return sources_.size(); }
  // Index (into the constructor's vector) of the source of the event next() returned last.
  [[nodiscard]] std::size_t last_source() const noexcept { return last_source_; }

 private:
  [[nodiscard]] bool before(std::uint32_t a, std::uint32_t b) const noexcept;
  void sift_down(std::size_t at) noexcept;
  void sift_up(std::size_t at) noexcept;
  // Reads the next event of source `i` into heads_[i]; false at its end or on error.
  bool pull(std::uint32_t i);

  std::vector<std::unique_ptr<EventSource>> sources_;
  std::vector<MarketEvent> heads_;
  std::vector<std::uint32_t> heap_;
  std::string name_;
  std::size_t last_source_ = 0;
  bool started_ = false;
  bool failed_ = false;
  Error error_;
};

}  // namespace nzeza::replay
