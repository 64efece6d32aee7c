#pragma once
// OrderBook: one instrument's L2 book (price levels per side) with exact Decimal prices and
// sizes, fed by BookChange events, plus the sync state a venue's gap rule drives.
//
// Storage: two sorted flat arrays (best level first), reserved to `max_depth + 1` at
// construction, so apply() never allocates after construction. A side that would grow beyond
// max_depth drops its worst level (counted in truncated_levels()): the top of the book stays
// exact as long as the venue's depth of interest is well under max_depth.
//
// Sync state: a book starts `awaiting_snapshot`; the last change of a snapshot run (`last`)
// makes it `synced`; a venue's gap rule (sequence break, checksum mismatch) calls
// mark_needs_resync(), after which incremental changes are refused until the next snapshot
// (reset) arrives. The book itself does not know any venue's sequence rule; it records the last
// applied sequence for the venue code to compare with.
//
// Threading: none; one owner (the feed's decoding thread) mutates and reads it.

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"

namespace nzeza::market {

struct BookLevel {
  Decimal price;
  Decimal size;
  friend bool operator==(const BookLevel&, const BookLevel&) noexcept = default;
};

enum class BookSyncState : std::uint8_t {
  awaiting_snapshot,  // never synced (or cleared): no data to trust
  synced,             // a snapshot arrived and every change since applied in order
  needs_resync        // a gap or checksum mismatch: not to be used until a new snapshot
};
[[nodiscard]] std::string_view to_string(BookSyncState s) noexcept;

class BookStage;

class OrderBook {
 public:
  static constexpr std::size_t kDefaultMaxDepth = 1000;

  // Reserves both sides; max_depth >= 1 (0 is taken as 1).
  explicit OrderBook(std::size_t max_depth = kDefaultMaxDepth);

  // Applies one change. Semantics:
  //  - change.reset: clears both sides and starts a snapshot (state stays/turns
  //    awaiting_snapshot until the snapshot's `last` change);
  //  - size 0 deletes the level (deleting an absent level is not an error: venues do it);
  //  - otherwise sets the level's size (insert or replace);
  //  - change.last on a snapshot change: the book becomes synced;
  //  - change.sequence != 0 becomes last_sequence().
  // Errors (the book is unchanged): price <= 0 or size < 0 (invalid_argument); an incremental
  // change while needs_resync or awaiting_snapshot (invalid_state) — the caller should be
  // buffering or resyncing instead.
  // The valid path is inline (no error built, nothing to destroy); a refusal is out of line.
  Status apply(const BookChange& change) {
    if (try_apply(change)) [[likely]]
      return {};
    return refuse(change);
  }
  // apply() for a caller that has its own errors: false (the book unchanged) where apply()
  // refuses; no Status is built (a Status zeroes and destroys an Error, more than a level's
  // apply costs).
  // An incremental change (no reset, not a snapshot) takes try_update's path, then records its
  // sequence; a snapshot's change or a reset takes apply_valid.
  bool try_apply(const BookChange& change) noexcept {
    if (!change.reset && !change.snapshot) [[likely]] {
      if (!try_update(change.side, change.price, change.size)) return false;
      if (change.sequence != 0) last_sequence_ = change.sequence;
      return true;
    }
    if (change.price.is_positive() && !change.size.is_negative()) {
      apply_valid(change);
      return true;
    }
    return false;
  }

  // try_apply() of an incremental change {side, price, size} (not a snapshot, no reset, no
  // sequence), without building the BookChange: the same levels, the same refusals. The one
  // path of every incremental change that try_apply() and apply() take.
  bool try_update(Side side, Decimal price, Decimal size) noexcept {
    if (!price.is_positive() || size.is_negative() || state_ != BookSyncState::synced) [[unlikely]]
      return false;
    stale_keys();
    if (side == Side::buy) {
      set_sorted<true>(bids_, price, size);
    } else {
      set_sorted<false>(asks_, price, size);
    }
    return true;
  }

  // An incremental change of a synced book that the caller has checked (price > 0, size >= 0,
  // synced()): the levels as try_apply() of {side, price, size} leaves them (no BookChange, no
  // state checks); last_sequence() is left to the caller (once per message). Inline for the
  // changes venues send most: a replace, a delete or a delete of an absent level within the
  // top kUpdateWalk levels, found from the top; anything else (an insert, a deeper change)
  // takes the general path.
  // The top is searched on 64-bit walk keys (walk_key) kept beside the levels: four compares
  // at a time, branch-free, instead of a chain of 128-bit compares. A price without a key
  // (not a multiple of 2^8 raw units, or 2^71 raw units and above: more than 8 decimals, or
  // above 236118) ends the keyed run; the levels past it are walked on their Decimal prices,
  // and a change whose price has no key walks as before.
  // Returns false when the change certainly did not set its side's best price (it replaced,
  // deleted or inserted below the best): a book that was not crossed before is not crossed
  // after, so the caller may skip its crossed() check; true when it may have.
  static constexpr std::size_t kUpdateWalk = 16;
  [[gnu::always_inline]] bool apply_update(Side side, Decimal price, Decimal size) noexcept {
    const bool bid = side == Side::buy;
    std::int64_t key = 0;
    if (!walk_key(price, bid, key)) [[unlikely]] {
      walk_update(side, price, size, 0);
      keys_fresh_[bid ? 0 : 1] = false;
      return true;
    }
    return update_keyed(bid, key, price, size);
  }
  // apply_update() of a price the caller read as `raw8` units of 10^-8 (price ==
  // Decimal::from_raw8(raw8), raw8 > 0): the same levels and answer; its walk key is raw8 x
  // 390625 (raw16 / 2^8), one compare and one multiply instead of the 128-bit checks.
  static constexpr std::int64_t kMaxKeyedRaw8 = 23'611'832'414'348;  // raw16 < 2^71
  [[gnu::always_inline]] bool apply_update_raw8(Side side, std::int64_t raw8, Decimal price,
                                                Decimal size) noexcept {
    const bool bid = side == Side::buy;
    if (raw8 > kMaxKeyedRaw8) [[unlikely]] {
      walk_update(side, price, size, 0);
      keys_fresh_[bid ? 0 : 1] = false;
      return true;
    }
    const std::int64_t k = raw8 * 390'625;
    return update_keyed(bid, bid ? k : -k, price, size);
  }

  // Sorted-snapshot bulk load, the one way every codec loads a snapshot:
  // begin_snapshot(), then load_level() per level in wire order, then end_snapshot().
  // Venues send a snapshot's sides best first, so each level is appended to its side in O(1)
  // (no search, no shifting); a level out of that order takes the insert path of apply(), so
  // the result is the same sorted book whatever the order. A level equal in price to the
  // side's last replaces it; size 0 adds nothing; a level past max_depth on a sorted run is
  // dropped and counted in truncated_levels(). The caller has checked price > 0 and
  // size >= 0 (a level that is not is ignored and false returned). Never allocates.
  // Clears both sides; the book is awaiting_snapshot until end_snapshot().
  void begin_snapshot() noexcept {
    stale_keys();
    edited_unknown();
    bids_.clear();
    asks_.clear();
    state_ = BookSyncState::awaiting_snapshot;
  }
  bool load_level(Side side, Decimal price, Decimal size) noexcept {
    if (!price.is_positive() || size.is_negative()) return false;
    if (side == Side::buy) {
      if (bids_.empty() || price < bids_.back().price) return append_level(bids_, price, size);
      set_level(bids_, true, price, size);
    } else {
      if (asks_.empty() || price > asks_.back().price) return append_level(asks_, price, size);
      set_level(asks_, false, price, size);
    }
    return true;
  }
  // The snapshot is complete: the book is synced; a `sequence` other than 0 becomes
  // last_sequence() (as apply() does for a change's sequence).
  void end_snapshot(std::uint64_t sequence) noexcept {
    if (sequence != 0) last_sequence_ = sequence;
    state_ = BookSyncState::synced;
  }
  // Takes a staged snapshot (BookStage, below) as the book's levels and syncs the book at
  // `sequence`, exactly as begin_snapshot(), load_level() of each staged level and
  // end_snapshot(sequence) would: one copy per side when the stage is no deeper than the book,
  // else level by level (truncated as load_level does). The stage is emptied. Never allocates.
  void load_staged(BookStage& stage, std::uint64_t sequence) noexcept;

  // Marks a gap / checksum mismatch found by the venue's rule. Idempotent.
  void mark_needs_resync() noexcept { state_ = BookSyncState::needs_resync; }
  // Forgets every level and the sequence; back to awaiting_snapshot.
  void clear() noexcept;
  // Declares the current levels a complete snapshot at `sequence` (e.g. an empty snapshot,
  // which has no BookChange to carry `last`).
  void mark_synced(std::uint64_t sequence) noexcept {
    last_sequence_ = sequence;
    state_ = BookSyncState::synced;
  }
  // For venues whose snapshot carries its sequence out of band (Binance lastUpdateId).
  void set_last_sequence(std::uint64_t sequence) noexcept { last_sequence_ = sequence; }

  [[nodiscard]] BookSyncState state() const noexcept { return state_; }
  [[nodiscard]] bool synced() const noexcept { return state_ == BookSyncState::synced; }
  [[nodiscard]] std::uint64_t last_sequence() const noexcept { return last_sequence_; }

  // Inline, as crossed(): a book update asks them once per change.
  [[nodiscard]] std::optional<BookLevel> best_bid() const noexcept {
    if (bids_.empty()) return std::nullopt;
    return bids_.front();
  }
  [[nodiscard]] std::optional<BookLevel> best_ask() const noexcept {
    if (asks_.empty()) return std::nullopt;
    return asks_.front();
  }
  // All levels of a side, best first (bids descending, asks ascending). Valid until the next
  // mutation.
  [[nodiscard]] std::span<const BookLevel> bids() const noexcept { return bids_; }
  [[nodiscard]] std::span<const BookLevel> asks() const noexcept { return asks_; }
  [[nodiscard]] std::span<const BookLevel> levels(Side side) const noexcept {
    return side == Side::buy ? bids() : asks();
  }
  // The best `n` levels of a side (fewer when the side is shallower).
  [[nodiscard]] std::span<const BookLevel> top(Side side, std::size_t n) const noexcept;
  // Size at an exact price, zero when the level is absent.
  [[nodiscard]] Decimal size_at(Side side, Decimal price) const noexcept;

  // Best bid >= best ask (both sides present). A synced book must never be crossed; the venue
  // code treats a crossed book as a resync condition.
  [[nodiscard]] bool crossed() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.front().price >= asks_.front().price;
  }
  [[nodiscard]] bool empty() const noexcept { return bids_.empty() && asks_.empty(); }
  [[nodiscard]] std::size_t max_depth() const noexcept { return max_depth_; }
  // Levels dropped because a side exceeded max_depth (since construction).
  [[nodiscard]] std::uint64_t truncated_levels() const noexcept { return truncated_; }

  // Change tracking, for a reader that keeps something derived from a side's top levels (a
  // checksum cache) and wants to skip re-reading a side that did not change. Every change of a
  // side's levels adds one to its version; `last_edit` says what the last one was when it was
  // one level's replace (its size set), erase or insert at `index` (an insert into a full side
  // also drops its worst level), `unknown` for anything else (a snapshot, a clear). A change
  // that leaves the levels as they were (deleting an absent level, a level past max_depth not
  // kept) may leave the version as it was. `stamp` tells this book from any other, and from
  // any copy of it: a copy or assignment takes a new stamp (its versions then go on from the
  // copied ones).
  struct SideEdit {
    enum class Kind : std::uint8_t { unknown, replace, erase, insert };
    Kind kind = Kind::unknown;
    std::uint32_t index = 0;
  };
  [[nodiscard]] std::uint64_t side_version(Side side) const noexcept {
    return version_[side == Side::buy ? 0 : 1];
  }
  [[nodiscard]] SideEdit last_edit(Side side) const noexcept {
    return edit_[side == Side::buy ? 0 : 1];
  }
  [[nodiscard]] std::uint64_t stamp() const noexcept { return stamp_.value; }

 private:
  // A price's walk key: raw16 / 2^8 (exact: a price of at most 8 decimals is a multiple of
  // 10^8 raw units), negated for asks, so that on both sides a better price has a greater key;
  // false for a price that has none (not a multiple of 2^8, or >= 2^71 raw units, or <= 0).
  static bool walk_key(Decimal price, bool bid, std::int64_t& key) noexcept {
    // On the two 64-bit halves: 0 < raw < 2^71 and raw % 2^8 == 0.
    const auto u = static_cast<uint128>(price.raw16());
    const auto hi = static_cast<std::uint64_t>(u >> 64);
    const auto lo = static_cast<std::uint64_t>(u);
    if ((hi >> 7) != 0 || (lo & 0xFF) != 0 || (hi | lo) == 0) return false;
    const auto k = static_cast<std::int64_t>((hi << 56) | (lo >> 8));
    key = bid ? k : -k;
    return true;
  }
  // apply_update's search and change on the walk keys, `key` the price's.
  [[gnu::always_inline]] bool update_keyed(bool bid, std::int64_t key, Decimal price,
                                           Decimal size) noexcept {
    const Side side = bid ? Side::buy : Side::sell;
    const std::size_t s = bid ? 0 : 1;
    if (!keys_fresh_[s]) [[unlikely]]
      rebuild_keys(bid);
    std::int64_t* const k = keys_[s].data();
    // The keys better than `key` (kNoKey never is): the levels are sorted, so they are the
    // first `c`, and c <= keyed_[s].
    std::size_t c = 0;
    for (std::size_t j = 0; j < kUpdateWalk; j += 4) {
      const auto m =
          static_cast<std::size_t>(k[j] > key) + static_cast<std::size_t>(k[j + 1] > key) +
          static_cast<std::size_t>(k[j + 2] > key) + static_cast<std::size_t>(k[j + 3] > key);
      c += m;
      if (m < 4) break;
    }
    const std::size_t kn = keyed_[s];
    if (c < kn) {
      std::vector<BookLevel>& levels = bid ? bids_ : asks_;
      if (k[c] == key) {
        if (size.is_zero()) {
          levels.erase(levels.begin() + static_cast<std::ptrdiff_t>(c));
          for (std::size_t j = c; j + 1 < kn; ++j) k[j] = k[j + 1];
          k[kn - 1] = kNoKey;
          keyed_[s] = static_cast<std::uint8_t>(kn - 1);
          edited(s, SideEdit::Kind::erase, c);
        } else {
          levels[c].size = size;
          edited(s, SideEdit::Kind::replace, c);
        }
        return c == 0;
      }
      if (size.is_zero()) return false;        // absent: nothing to delete
      insert_keyed(bid, c, key, price, size);  // an insert at c, among the keyed levels
      return c == 0;
    }
    walk_update(side, price, size, kn);  // past the keyed run: keys [0, kn) stay
    std::vector<BookLevel>& levels = bid ? bids_ : asks_;
    if (keyed_[s] > levels.size()) clamp_keys(s);
    return kn == 0;  // the kn keyed levels are better than `price`
  }

  void stale_keys() noexcept { keys_fresh_ = {false, false}; }
  // One change of side s (0 bids, 1 asks): `kind` at `index`.
  [[gnu::always_inline]] void edited(std::size_t s, SideEdit::Kind kind,
                                     std::size_t index) noexcept {
    ++version_[s];
    edit_[s] = SideEdit{kind, static_cast<std::uint32_t>(index)};
  }
  void edited_unknown() noexcept {
    edited(0, SideEdit::Kind::unknown, 0);
    edited(1, SideEdit::Kind::unknown, 0);
  }
  void rebuild_keys(bool bid) noexcept;
  void clamp_keys(std::size_t s) noexcept;
  void insert_keyed(bool bid, std::size_t at, std::int64_t key, Decimal price,
                    Decimal size) noexcept;
  // apply_update's walk on Decimal prices from level `from` (the levels before it are better
  // than `price`) to kUpdateWalk; anything it does not find takes set_sorted. Keys untouched.
  void walk_update(Side side, Decimal price, Decimal size, std::size_t from) noexcept {
    const bool bid = side == Side::buy;
    std::vector<BookLevel>& levels = bid ? bids_ : asks_;
    const std::size_t n = levels.size() < kUpdateWalk ? levels.size() : kUpdateWalk;
    BookLevel* const top = levels.data();
    for (std::size_t i = from; i < n; ++i) {
      const Decimal at = top[i].price;
      if (bid ? at > price : at < price) continue;  // better than `price`: walk on
      if (at == price) {
        if (size.is_zero()) {
          levels.erase(levels.begin() + static_cast<std::ptrdiff_t>(i));
          edited(bid ? 0 : 1, SideEdit::Kind::erase, i);
        } else {
          top[i].size = size;
          edited(bid ? 0 : 1, SideEdit::Kind::replace, i);
        }
        return;
      }
      if (size.is_zero()) return;  // absent: nothing to delete
      break;                       // an insert at i
    }
    if (bid) {
      set_sorted<true>(bids_, price, size);
    } else {
      set_sorted<false>(asks_, price, size);
    }
  }
  void apply_valid(const BookChange& change) noexcept;
  [[nodiscard]] Status refuse(const BookChange& change) const;
  // Appends a level worse than every kept one (size 0: nothing to add).
  [[gnu::always_inline]] bool append_level(std::vector<BookLevel>& side, Decimal price,
                                           Decimal size) noexcept {
    stale_keys();
    if (size.is_zero()) return true;
    if (side.size() >= max_depth_) {
      ++truncated_;
      return true;
    }
    edited(&side == &bids_ ? 0 : 1, SideEdit::Kind::unknown, 0);
    side.push_back(BookLevel{price, size});  // capacity max_depth + 1: never allocates
    return true;
  }
  void set_level(std::vector<BookLevel>& side, bool descending, Decimal price,
                 Decimal size) noexcept;
  template <bool Descending>
  void set_sorted(std::vector<BookLevel>& side, Decimal price, Decimal size) noexcept;

  std::size_t max_depth_;
  std::vector<BookLevel> bids_;  // descending price
  std::vector<BookLevel> asks_;  // ascending price
  // Walk keys (apply_update): per side (0 bids, 1 asks), the walk_key of the first keyed_[s]
  // levels, best first, then kNoKey. Kept by apply_update; any other change of the levels marks
  // them stale, and the next apply_update of that side rebuilds them.
  static constexpr std::int64_t kNoKey = INT64_MIN;
  std::array<std::array<std::int64_t, kUpdateWalk>, 2> keys_{};
  std::array<std::uint8_t, 2> keyed_{};
  std::array<bool, 2> keys_fresh_{};
  std::uint64_t last_sequence_ = 0;
  std::uint64_t truncated_ = 0;
  BookSyncState state_ = BookSyncState::awaiting_snapshot;
  // Change tracking (side_version, last_edit, stamp): per side (0 bids, 1 asks).
  std::array<std::uint64_t, 2> version_{};
  std::array<SideEdit, 2> edit_{};
  // A number no other book (nor copy) has: a new one at construction, copy and assignment.
  struct Stamp {
    static std::uint64_t next() noexcept;
    std::uint64_t value = next();
    Stamp() noexcept = default;
    Stamp(const Stamp&) noexcept : value(next()) {}
    Stamp& operator=(const Stamp&) noexcept {
      value = next();
      return *this;
    }
    ~Stamp() = default;
  };
  Stamp stamp_;
};

// A snapshot read straight off the wire before it is known to be whole: each side's levels
// appended best first, then copied into a book at once (OrderBook::load_staged). A codec stages
// a snapshot while it reads a frame, so a frame it gives up on half-way leaves every book as it
// was; the stage accepts only what a sorted bulk load appends as it comes, so a staged
// snapshot's levels are exactly the wire's levels of size > 0 in wire order (the events a codec
// emits for it can be read back from the book). Both sides hold max_depth levels from
// construction: append() is a compare and a store, never an allocation.
// Threading: none; one owner.
class BookStage {
 public:
  explicit BookStage(std::size_t max_depth = OrderBook::kDefaultMaxDepth);

  // Appends a level worse than the side's last (bids: lower price, asks: higher); size 0 adds
  // nothing. False (nothing added) where a sorted bulk load would do more than append: price
  // <= 0, size < 0, a price not worse than the side's last, or a level past max_depth. The
  // caller then loads that snapshot through begin_snapshot()/load_level(), which decides.
  bool append(Side side, Decimal price, Decimal size) noexcept {
    const bool bid = side == Side::buy;
    std::size_t& n = bid ? bid_count_ : ask_count_;
    BookLevel* const levels = bid ? bids_.data() : asks_.data();
    if (!price.is_positive() || size.is_negative()) return false;
    if (n != 0 && (bid ? !(price < levels[n - 1].price) : !(price > levels[n - 1].price)))
      return false;
    if (size.is_zero()) return true;
    if (n >= max_depth_) return false;
    levels[n++] = BookLevel{price, size};
    return true;
  }
  void clear() noexcept {
    bid_count_ = 0;
    ask_count_ = 0;
  }
  [[nodiscard]] std::span<const BookLevel> levels(Side side) const noexcept {
    return side == Side::buy ? std::span<const BookLevel>(bids_.data(), bid_count_)
                             : std::span<const BookLevel>(asks_.data(), ask_count_);
  }
  [[nodiscard]] bool empty() const noexcept { return bid_count_ == 0 && ask_count_ == 0; }
  // Best staged bid >= best staged ask (both sides present): a book loaded from it would be
  // crossed.
  [[nodiscard]] bool crossed() const noexcept {
    return bid_count_ != 0 && ask_count_ != 0 && bids_[0].price >= asks_[0].price;
  }
  [[nodiscard]] std::size_t max_depth() const noexcept { return max_depth_; }

 private:
  std::size_t max_depth_;
  std::vector<BookLevel> bids_;  // max_depth slots; the first bid_count_ are staged, descending
  std::vector<BookLevel> asks_;  // the same, ascending
  std::size_t bid_count_ = 0;
  std::size_t ask_count_ = 0;
};

}  // namespace nzeza::market
