#include "market/order_book.hpp"

#include <algorithm>
#include <atomic>
#include <string>

namespace nzeza::market {

std::string_view to_string(BookSyncState s) noexcept {
  switch (s) {
    case BookSyncState::awaiting_snapshot:
      return "awaiting_snapshot";
    case BookSyncState::synced:
      return "synced";
    case BookSyncState::needs_resync:
      return "needs_resync";
  }
  return "unknown";
}

OrderBook::OrderBook(std::size_t max_depth) : max_depth_(max_depth == 0 ? 1 : max_depth) {
  bids_.reserve(max_depth_ + 1);
  asks_.reserve(max_depth_ + 1);
}

std::uint64_t OrderBook::Stamp::next() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

void OrderBook::clear() noexcept {
  stale_keys();
  edited_unknown();
  bids_.clear();
  asks_.clear();
  last_sequence_ = 0;
  state_ = BookSyncState::awaiting_snapshot;
}

Status OrderBook::refuse(const BookChange& change) const {
  if (!change.price.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "order book: price must be > 0, got " + change.price.to_string());
  }
  if (change.size.is_negative()) {
    return fail(ErrorCode::invalid_argument,
                "order book: size must be >= 0, got " + change.size.to_string());
  }
  return fail(ErrorCode::invalid_state, std::string("order book: incremental change while ") +
                                            std::string(to_string(state_)) +
                                            " (needs a snapshot first)");
}

void OrderBook::apply_valid(const BookChange& change) noexcept {
  stale_keys();
  if (change.reset) {
    bids_.clear();
    asks_.clear();
    edited_unknown();
    state_ = BookSyncState::awaiting_snapshot;
  }
  if (change.side == Side::buy) {
    set_sorted<true>(bids_, change.price, change.size);
  } else {
    set_sorted<false>(asks_, change.price, change.size);
  }
  if (change.sequence != 0) last_sequence_ = change.sequence;
  if (change.snapshot && change.last) state_ = BookSyncState::synced;
}

void OrderBook::set_level(std::vector<BookLevel>& side, bool descending, Decimal price,
                          Decimal size) noexcept {
  stale_keys();
  if (descending) {
    set_sorted<true>(side, price, size);
  } else {
    set_sorted<false>(side, price, size);
  }
}

template <bool Descending>
void OrderBook::set_sorted(std::vector<BookLevel>& side, Decimal price, Decimal size) noexcept {
  // First level not better than `price` (for bids: price <= p; for asks: price >= p).
  // Changes land near the top of the book mostly: the first kLinear levels are walked (a few
  // compares, predictable), the rest searched.
  constexpr std::size_t kLinear = 8;
  constexpr auto better = [](const BookLevel& l, Decimal p) {
    return Descending ? l.price > p : l.price < p;
  };
  auto it = side.begin();
  const auto linear_end = side.size() <= kLinear ? side.end() : side.begin() + kLinear;
  while (it != linear_end && better(*it, price)) ++it;
  if (it == linear_end && it != side.end()) it = std::lower_bound(it, side.end(), price, better);
  const bool found = it != side.end() && it->price == price;
  constexpr std::size_t s = Descending ? 0 : 1;  // set_sorted<true> is always the bids'
  const auto index = static_cast<std::size_t>(it - side.begin());
  if (size.is_zero()) {
    if (found) {
      side.erase(it);
      edited(s, SideEdit::Kind::erase, index);
    }
    return;
  }
  if (found) {
    it->size = size;
    edited(s, SideEdit::Kind::replace, index);
    return;
  }
  if (side.size() >= max_depth_) {
    ++truncated_;
    if (it == side.end()) return;  // worse than every kept level: not kept
    // The worst level dropped to make room: the levels from `it` move down one in place (one
    // move of the side's tail, no pop_back + insert).
    std::copy_backward(it, side.end() - 1, side.end());
    *it = BookLevel{price, size};
    edited(s, SideEdit::Kind::insert, index);
    return;
  }
  side.insert(it, BookLevel{price, size});
  edited(s, SideEdit::Kind::insert, index);
}

void OrderBook::load_staged(BookStage& stage, std::uint64_t sequence) noexcept {
  stale_keys();
  edited_unknown();
  const auto bids = stage.levels(Side::buy);
  const auto asks = stage.levels(Side::sell);
  if (stage.max_depth() <= max_depth_) {
    bids_.assign(bids.begin(), bids.end());  // capacity max_depth + 1: never allocates
    asks_.assign(asks.begin(), asks.end());
  } else {
    begin_snapshot();
    for (const auto& l : bids) (void)load_level(Side::buy, l.price, l.size);
    for (const auto& l : asks) (void)load_level(Side::sell, l.price, l.size);
  }
  stage.clear();
  end_snapshot(sequence);
}

void OrderBook::rebuild_keys(bool bid) noexcept {
  const std::size_t s = bid ? 0 : 1;
  const std::vector<BookLevel>& levels = bid ? bids_ : asks_;
  std::array<std::int64_t, kUpdateWalk>& k = keys_[s];
  const std::size_t n = std::min(levels.size(), kUpdateWalk);
  std::size_t j = 0;
  while (j < n && walk_key(levels[j].price, bid, k[j])) ++j;  // a price without a key ends it
  keyed_[s] = static_cast<std::uint8_t>(j);
  for (; j < kUpdateWalk; ++j) k[j] = kNoKey;
  keys_fresh_[s] = true;
}

void OrderBook::clamp_keys(std::size_t s) noexcept {
  const std::size_t n = s == 0 ? bids_.size() : asks_.size();
  for (std::size_t j = n; j < keyed_[s]; ++j) keys_[s][j] = kNoKey;
  if (keyed_[s] > n) keyed_[s] = static_cast<std::uint8_t>(n);
}

void OrderBook::insert_keyed(bool bid, std::size_t at, std::int64_t key, Decimal price,
                             Decimal size) noexcept {
  // `at` < keyed_ <= the side's size: set_sorted inserts there (never the dropped level when
  // the side is full: the worst one is), so the keys shift right from `at`.
  const std::size_t s = bid ? 0 : 1;
  if (bid) {
    set_sorted<true>(bids_, price, size);
  } else {
    set_sorted<false>(asks_, price, size);
  }
  std::array<std::int64_t, kUpdateWalk>& k = keys_[s];
  const std::size_t kn = keyed_[s];
  const std::size_t last = kn < kUpdateWalk ? kn : kUpdateWalk - 1;  // the new last keyed slot
  for (std::size_t j = last; j > at; --j) k[j] = k[j - 1];
  k[at] = key;
  keyed_[s] = static_cast<std::uint8_t>(last + 1);
  clamp_keys(s);  // a full side dropped its worst level
}

BookStage::BookStage(std::size_t max_depth)
    : max_depth_(max_depth == 0 ? 1 : max_depth), bids_(max_depth_), asks_(max_depth_) {}

std::span<const BookLevel> OrderBook::top(Side side, std::size_t n) const noexcept {
  const auto all = levels(side);
  return all.first(std::min(n, all.size()));
}

Decimal OrderBook::size_at(Side side, Decimal price) const noexcept {
  for (const auto& level : levels(side)) {
    if (level.price == price) return level.size;
  }
  return Decimal::zero();
}

}  // namespace nzeza::market

namespace nzeza::market {
// apply_update() (inline in the header) calls both.
template void OrderBook::set_sorted<true>(std::vector<BookLevel>&, Decimal, Decimal) noexcept;
template void OrderBook::set_sorted<false>(std::vector<BookLevel>&, Decimal, Decimal) noexcept;
}  // namespace nzeza::market
