#include "replay/event_merger.hpp"

namespace nzeza::replay {

EventMerger::EventMerger(std::vector<std::unique_ptr<EventSource>> sources)
    : sources_(std::move(sources)), heads_(sources_.size()) {
  name_ = "merge of " + std::to_string(sources_.size()) + " sources";
  heap_.reserve(sources_.size());
}

bool EventMerger::before(std::uint32_t a, std::uint32_t b) const noexcept {
  const Timestamp ta = heads_[a].receive_time;
  const Timestamp tb = heads_[b].receive_time;
  return ta < tb || (ta == tb && a < b);
}

void EventMerger::sift_down(std::size_t at) noexcept {
  const std::size_t n = heap_.size();
  const std::uint32_t item = heap_[at];
  for (;;) {
    std::size_t child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], item)) break;
    heap_[at] = heap_[child];
    at = child;
  }
  heap_[at] = item;
}

void EventMerger::sift_up(std::size_t at) noexcept {
  const std::uint32_t item = heap_[at];
  while (at > 0) {
    const std::size_t parent = (at - 1) / 2;
    if (!before(item, heap_[parent])) break;
    heap_[at] = heap_[parent];
    at = parent;
  }
  heap_[at] = item;
}

bool EventMerger::pull(std::uint32_t i) {
  switch (sources_[i]->next(heads_[i])) {
    case ReadOutcome::event:
      return true;
    case ReadOutcome::end:
      return false;
    case ReadOutcome::error:
      failed_ = true;
      error_ = sources_[i]->error();
      return false;
  }
  return false;
}

ReadOutcome EventMerger::next(MarketEvent& out) {
  if (failed_) return ReadOutcome::error;
  if (!started_) {
    started_ = true;
    for (std::uint32_t i = 0; i < sources_.size(); ++i) {
      if (pull(i)) {
        heap_.push_back(i);
        sift_up(heap_.size() - 1);
      } else if (failed_) {
        return ReadOutcome::error;
      }
    }
  }
  if (heap_.empty()) return ReadOutcome::end;
  const std::uint32_t top = heap_.front();
  out = heads_[top];
  last_source_ = top;
  if (pull(top)) {
    sift_down(0);
  } else if (!failed_) {  // on a failure this event still goes out; the error comes next call
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
  }
  return ReadOutcome::event;
}

}  // namespace nzeza::replay
