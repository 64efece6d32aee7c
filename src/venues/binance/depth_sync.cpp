#include "venues/binance/depth_sync.hpp"

namespace nzeza::venues::binance {

DepthSync::DepthSync(const Instrument& instrument, DepthSyncConfig config)
    : config_(config),
      instrument_(instrument.id),
      symbol_(instrument.symbol),
      book_(config.max_depth) {
  levels_.reserve(config_.max_buffered_levels);
  events_.reserve(config_.max_buffered_events);
}

void DepthSync::emit(const BookChange& change, Timestamp venue_time, Timestamp receive_time,
                     MarketEventSink& sink) {
  MarketEvent event;
  event.venue = Venue::binance;
  event.instrument = instrument_;
  event.symbol = symbol_;
  event.venue_time = venue_time;
  event.receive_time = receive_time;
  event.body = change;
  sink.on_event(event);
}

void DepthSync::buffer(const DepthDiff& diff) {
  if (events_.size() >= config_.max_buffered_events ||
      levels_.size() + diff.levels.size() > config_.max_buffered_levels) {
    events_.clear();
    levels_.clear();
    ++stats_.buffer_overflows;
    if (diff.levels.size() > config_.max_buffered_levels) return;
  }
  const std::size_t begin = levels_.size();
  levels_.insert(levels_.end(), diff.levels.begin(), diff.levels.end());
  events_.push_back(Buffered{diff.first_id, diff.final_id, diff.event_time, begin, levels_.size()});
  ++stats_.buffered;
}

void DepthSync::emit_status(FeedState state, Timestamp receive_time, MarketEventSink& sink) {
  MarketEvent event;
  event.venue = Venue::binance;
  event.instrument = instrument_;
  event.symbol = symbol_;
  event.receive_time = receive_time;
  event.body = VenueStatus{state, TradingStatus::trading};
  sink.on_event(event);
}

void DepthSync::start_resync(Timestamp receive_time, MarketEventSink& sink) {
  book_.mark_needs_resync();
  events_.clear();
  levels_.clear();
  emit_status(FeedState::resyncing, receive_time, sink);
}

void DepthSync::keep_buffered_from(std::size_t first) {
  if (first == 0) return;
  if (first >= events_.size()) {
    events_.clear();
    levels_.clear();
    return;
  }
  const std::size_t shift = events_[first].begin;
  levels_.erase(levels_.begin(), levels_.begin() + static_cast<std::ptrdiff_t>(shift));
  events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(first));
  for (Buffered& b : events_) {
    b.begin -= shift;
    b.end -= shift;
  }
}

void DepthSync::on_lost_diff(Timestamp receive_time, MarketEventSink& sink) {
  if (book_.state() == market::BookSyncState::needs_resync) return;
  ++stats_.gaps;
  start_resync(receive_time, sink);
}

std::size_t DepthSync::apply_synced(const DepthDiff& diff, Timestamp receive_time,
                                    MarketEventSink& sink) {
  const std::uint64_t local = book_.last_sequence();
  if (diff.final_id <= local) {
    ++stats_.stale;
    return 0;
  }
  if (diff.first_id > local + 1) {
    ++stats_.gaps;
    start_resync(receive_time, sink);
    buffer(diff);  // the new snapshot will be checked against this event
    return 1;
  }
  std::size_t emitted = 0;
  MarketEvent event;
  event.venue = Venue::binance;
  event.instrument = instrument_;
  event.symbol = symbol_;
  event.venue_time = diff.event_time;
  event.receive_time = receive_time;
  event.body = BookChange{};
  auto& change = std::get<BookChange>(event.body);
  change.sequence = diff.final_id;
  for (const DepthLevel& level : diff.levels) {
    change.side = level.side;
    change.price = level.price;
    change.size = level.size;
    // Levels were validated by the parser (price > 0, size >= 0) and the book is synced, so
    // apply cannot fail here.
    (void)book_.apply(change);
    sink.on_event(event);
    ++emitted;
  }
  book_.set_last_sequence(diff.final_id);
  ++stats_.applied;
  if (book_.crossed()) {
    ++stats_.crossed;
    start_resync(receive_time, sink);
    ++emitted;
  }
  return emitted;
}

std::size_t DepthSync::on_diff(const DepthDiff& diff, Timestamp receive_time,
                               MarketEventSink& sink) {
  if (book_.synced()) return apply_synced(diff, receive_time, sink);
  buffer(diff);
  return 0;
}

SnapshotOutcome DepthSync::on_snapshot(std::uint64_t last_update_id,
                                       std::span<const DepthLevel> levels, Timestamp receive_time,
                                       MarketEventSink& sink, std::size_t* events_emitted) {
  std::size_t emitted = 0;
  // Drop what the snapshot already contains, then check the first kept event straddles it.
  std::size_t first_kept = 0;
  while (first_kept < events_.size() && events_[first_kept].final_id <= last_update_id) {
    ++first_kept;
  }
  if (first_kept < events_.size() && events_[first_kept].first_id > last_update_id + 1) {
    ++stats_.snapshots_too_old;
    if (events_emitted != nullptr) *events_emitted = 0;
    return SnapshotOutcome::too_old;
  }

  book_.clear();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const DepthLevel& level = levels[i];
    BookChange change{level.side, level.price,           level.size, last_update_id, true,
                      i == 0,     i + 1 == levels.size()};
    (void)book_.apply(change);
    emit(change, Timestamp{}, receive_time, sink);
    ++emitted;
  }
  book_.mark_synced(last_update_id);
  ++stats_.snapshots;

  // Replay the kept events through the normal rule.
  for (std::size_t i = first_kept; i < events_.size(); ++i) {
    const Buffered b = events_[i];
    if (b.final_id > book_.last_sequence() && b.first_id > book_.last_sequence() + 1) {
      // A gap inside the buffer: keep events from here on for the next snapshot.
      ++stats_.gaps;
      keep_buffered_from(i);
      book_.mark_needs_resync();
      emit_status(FeedState::resyncing, receive_time, sink);
      ++emitted;
      break;
    }
    DepthDiff diff{b.first_id, b.final_id, b.event_time,
                   std::span<const DepthLevel>(levels_.data() + b.begin, b.end - b.begin)};
    emitted += apply_synced(diff, receive_time, sink);  // no gap possible here
    if (!book_.synced()) break;                         // crossed: resync started
  }
  if (book_.synced()) {
    events_.clear();
    levels_.clear();
  }
  if (events_emitted != nullptr) *events_emitted = emitted;
  return SnapshotOutcome::applied;
}

}  // namespace nzeza::venues::binance
