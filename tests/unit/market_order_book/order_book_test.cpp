// OrderBook: level semantics, sync state, depth bound, views.

#include "market/order_book.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace nzeza::market {
namespace {

BookChange snap(Side side, const char* price, const char* size, bool reset, bool last,
                std::uint64_t seq = 10) {
  return BookChange{
      side, Decimal::parse(price).value(), Decimal::parse(size).value(), seq, true, reset, last};
}
BookChange upd(Side side, const char* price, const char* size, std::uint64_t seq = 0) {
  return BookChange{
      side, Decimal::parse(price).value(), Decimal::parse(size).value(), seq, false, false, false};
}

OrderBook synced_book() {
  OrderBook book(8);
  EXPECT_TRUE(book.apply(snap(Side::buy, "100", "1", true, false)).ok());
  EXPECT_TRUE(book.apply(snap(Side::buy, "99", "2", false, false)).ok());
  EXPECT_TRUE(book.apply(snap(Side::sell, "101", "3", false, false)).ok());
  EXPECT_TRUE(book.apply(snap(Side::sell, "102", "4", false, true)).ok());
  return book;
}

// The reference the incremental paths are checked against: each side a sorted vector set by a
// plain scan, the depth bound as documented (an insert into a full side drops its worst level,
// or is not kept when it is worse than every kept one, counted in truncated_levels()).
class RefBook {
 public:
  explicit RefBook(std::size_t max_depth) : max_depth_(max_depth) {}
  void begin_snapshot() {
    bids_.clear();
    asks_.clear();
  }
  bool load_level(Side side, Decimal price, Decimal size) {
    set(side, price, size);
    return true;
  }
  void end_snapshot(std::uint64_t) {}
  Status apply(const BookChange& c) {
    if (c.reset) begin_snapshot();
    set(c.side, c.price, c.size);
    return {};
  }
  [[nodiscard]] std::span<const BookLevel> bids() const { return bids_; }
  [[nodiscard]] std::span<const BookLevel> asks() const { return asks_; }
  [[nodiscard]] std::span<const BookLevel> levels(Side side) const {
    return side == Side::buy ? bids() : asks();
  }
  [[nodiscard]] bool crossed() const {
    return !bids_.empty() && !asks_.empty() && bids_.front().price >= asks_.front().price;
  }
  [[nodiscard]] std::uint64_t truncated_levels() const { return truncated_; }

 private:
  void set(Side side, Decimal price, Decimal size) {
    std::vector<BookLevel>& v = side == Side::buy ? bids_ : asks_;
    std::size_t i = 0;
    while (i < v.size() && (side == Side::buy ? v[i].price > price : v[i].price < price)) ++i;
    if (i < v.size() && v[i].price == price) {
      if (size.is_zero()) {
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        v[i].size = size;
      }
      return;
    }
    if (size.is_zero()) return;
    if (v.size() >= max_depth_) {
      ++truncated_;
      if (i == v.size()) return;
      v.pop_back();
    }
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(i), BookLevel{price, size});
  }
  std::size_t max_depth_;
  std::vector<BookLevel> bids_;
  std::vector<BookLevel> asks_;
  std::uint64_t truncated_ = 0;
};

TEST(OrderBook, snapshot_run_syncs_the_book_with_sorted_sides) {
  OrderBook book = synced_book();
  EXPECT_EQ(book.state(), BookSyncState::synced);
  EXPECT_EQ(book.last_sequence(), 10u);
  EXPECT_EQ(book.best_bid()->price, "100"_d);
  EXPECT_EQ(book.best_ask()->price, "101"_d);
  ASSERT_EQ(book.bids().size(), 2u);
  EXPECT_EQ(book.bids()[1], (BookLevel{"99"_d, "2"_d}));
  EXPECT_FALSE(book.crossed());
}

TEST(OrderBook, update_replaces_inserts_and_size_zero_deletes) {
  OrderBook book = synced_book();
  ASSERT_TRUE(book.apply(upd(Side::buy, "100", "5", 11)).ok());
  ASSERT_TRUE(book.apply(upd(Side::buy, "99.5", "7", 12)).ok());
  ASSERT_TRUE(book.apply(upd(Side::sell, "101", "0", 13)).ok());
  ASSERT_TRUE(book.apply(upd(Side::sell, "150", "0", 14)).ok());  // absent: no error
  EXPECT_EQ(book.size_at(Side::buy, "100"_d), "5"_d);
  EXPECT_EQ(book.bids()[1].price, "99.5"_d);
  EXPECT_EQ(book.best_ask()->price, "102"_d);
  EXPECT_EQ(book.last_sequence(), 14u);
  EXPECT_EQ(book.top(Side::buy, 2).size(), 2u);
  EXPECT_EQ(book.top(Side::sell, 5).size(), 1u);
}

TEST(OrderBook, invalid_levels_are_refused_and_leave_the_book_unchanged) {
  OrderBook book = synced_book();
  EXPECT_EQ(book.apply(upd(Side::buy, "0", "1")).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(book.apply(upd(Side::buy, "98", "-1")).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(book.bids().size(), 2u);
}

TEST(OrderBook, incremental_change_before_a_snapshot_or_after_a_gap_is_refused) {
  OrderBook book(8);
  EXPECT_EQ(book.apply(upd(Side::buy, "100", "1")).error().code, ErrorCode::invalid_state);
  book = synced_book();
  book.mark_needs_resync();
  auto refused = book.apply(upd(Side::buy, "100", "1"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("needs_resync"), std::string::npos);
  // A new snapshot resets and syncs again.
  ASSERT_TRUE(book.apply(snap(Side::buy, "90", "1", true, false, 20)).ok());
  EXPECT_EQ(book.state(), BookSyncState::awaiting_snapshot);
  ASSERT_TRUE(book.apply(snap(Side::sell, "91", "1", false, true, 20)).ok());
  EXPECT_TRUE(book.synced());
  EXPECT_EQ(book.best_bid()->price, "90"_d);
  EXPECT_EQ(book.bids().size(), 1u);
}

TEST(OrderBook, crossed_book_is_detected) {
  OrderBook book = synced_book();
  ASSERT_TRUE(book.apply(upd(Side::buy, "101", "1")).ok());
  EXPECT_TRUE(book.crossed());
}

TEST(OrderBook, side_beyond_max_depth_drops_its_worst_levels) {
  OrderBook book(3);
  ASSERT_TRUE(book.apply(snap(Side::buy, "100", "1", true, false)).ok());
  ASSERT_TRUE(book.apply(snap(Side::buy, "99", "1", false, false)).ok());
  ASSERT_TRUE(book.apply(snap(Side::buy, "98", "1", false, true)).ok());
  ASSERT_TRUE(book.apply(upd(Side::buy, "97", "1")).ok());     // worse than all: not kept
  ASSERT_TRUE(book.apply(upd(Side::buy, "100.5", "1")).ok());  // best: 98 dropped
  ASSERT_EQ(book.bids().size(), 3u);
  EXPECT_EQ(book.bids()[0].price, "100.5"_d);
  EXPECT_EQ(book.bids()[2].price, "99"_d);
  EXPECT_EQ(book.truncated_levels(), 2u);
}

TEST(OrderBook, clear_and_mark_synced_handle_an_empty_snapshot) {
  OrderBook book = synced_book();
  book.clear();
  EXPECT_TRUE(book.empty());
  EXPECT_EQ(book.state(), BookSyncState::awaiting_snapshot);
  book.mark_synced(42);
  EXPECT_TRUE(book.synced());
  EXPECT_EQ(book.last_sequence(), 42u);
  EXPECT_FALSE(book.best_bid().has_value());
  EXPECT_EQ(to_string(BookSyncState::needs_resync), "needs_resync");
}

// The bulk load gives the book apply() would give for the same levels, in any order.
OrderBook applied(const std::vector<BookChange>& changes, std::size_t depth) {
  OrderBook book(depth);
  for (const auto& c : changes) EXPECT_TRUE(book.apply(c).ok());
  return book;
}
OrderBook loaded(const std::vector<BookChange>& changes, std::size_t depth, std::uint64_t seq) {
  OrderBook book(depth);
  book.begin_snapshot();
  for (const auto& c : changes) EXPECT_TRUE(book.load_level(c.side, c.price, c.size));
  book.end_snapshot(seq);
  return book;
}
std::vector<BookChange> as_snapshot(std::vector<BookChange> changes) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    changes[i].reset = i == 0;
    changes[i].last = i + 1 == changes.size();
  }
  return changes;
}

TEST(OrderBook, sorted_snapshot_bulk_load_gives_the_book_of_the_same_changes_applied) {
  const auto changes = as_snapshot(
      {snap(Side::buy, "100", "1", false, false), snap(Side::buy, "99.5", "2", false, false),
       snap(Side::buy, "99", "3", false, false), snap(Side::sell, "101", "4", false, false),
       snap(Side::sell, "101.5", "5", false, false)});
  const OrderBook a = applied(changes, 8);
  const OrderBook b = loaded(changes, 8, 10);
  EXPECT_EQ(b.state(), BookSyncState::synced);
  EXPECT_EQ(b.last_sequence(), 10u);
  ASSERT_EQ(b.bids().size(), 3u);
  ASSERT_EQ(b.asks().size(), 2u);
  EXPECT_TRUE(std::equal(a.bids().begin(), a.bids().end(), b.bids().begin()));
  EXPECT_TRUE(std::equal(a.asks().begin(), a.asks().end(), b.asks().begin()));
}

TEST(OrderBook, unsorted_snapshot_levels_fall_back_to_insert_and_the_sides_end_sorted) {
  const auto changes = as_snapshot(
      {snap(Side::buy, "99", "1", false, false), snap(Side::buy, "100", "2", false, false),
       snap(Side::buy, "99", "7", false, false),  // replaces
       snap(Side::buy, "98", "0", false, false),  // nothing
       snap(Side::sell, "103", "4", false, false), snap(Side::sell, "101", "5", false, false),
       snap(Side::sell, "102", "6", false, false)});
  const OrderBook a = applied(changes, 8);
  const OrderBook b = loaded(changes, 8, 0);
  ASSERT_EQ(b.bids().size(), 2u);
  EXPECT_EQ(b.bids()[0], (BookLevel{"100"_d, "2"_d}));
  EXPECT_EQ(b.bids()[1], (BookLevel{"99"_d, "7"_d}));
  ASSERT_EQ(b.asks().size(), 3u);
  EXPECT_EQ(b.asks()[0].price, "101"_d);
  EXPECT_EQ(b.asks()[2].price, "103"_d);
  EXPECT_TRUE(std::equal(a.bids().begin(), a.bids().end(), b.bids().begin()));
  EXPECT_TRUE(std::equal(a.asks().begin(), a.asks().end(), b.asks().begin()));
  EXPECT_EQ(b.last_sequence(), 0u);
}

TEST(OrderBook, bulk_load_past_max_depth_keeps_the_best_levels_and_counts_the_rest) {
  std::vector<BookChange> changes;
  for (int i = 0; i < 6; ++i) {
    changes.push_back(
        BookChange{Side::sell, Decimal::from_integer(100 + i), "1"_d, 0, true, false, false});
  }
  changes.push_back(BookChange{Side::sell, "99"_d, "1"_d, 0, true, false, false});  // unsorted
  const OrderBook a = applied(as_snapshot(changes), 4);
  const OrderBook b = loaded(changes, 4, 0);
  ASSERT_EQ(b.asks().size(), 4u);
  EXPECT_EQ(b.best_ask()->price, "99"_d);
  EXPECT_EQ(b.asks()[3].price, "102"_d);
  EXPECT_EQ(b.truncated_levels(), a.truncated_levels());
  EXPECT_TRUE(std::equal(a.asks().begin(), a.asks().end(), b.asks().begin()));
}

TEST(OrderBook, bulk_load_refuses_an_invalid_level_and_a_new_snapshot_replaces_the_old) {
  OrderBook book = synced_book();
  book.begin_snapshot();
  EXPECT_EQ(book.state(), BookSyncState::awaiting_snapshot);
  EXPECT_TRUE(book.empty());
  EXPECT_FALSE(book.load_level(Side::buy, "0"_d, "1"_d));
  EXPECT_FALSE(book.load_level(Side::buy, "1"_d, "-1"_d));
  EXPECT_TRUE(book.load_level(Side::buy, "50"_d, "1"_d));
  book.end_snapshot(20);
  EXPECT_TRUE(book.synced());
  EXPECT_EQ(book.last_sequence(), 20u);
  ASSERT_EQ(book.bids().size(), 1u);
  EXPECT_TRUE(book.asks().empty());
}

TEST(OrderBook, staged_snapshot_gives_the_book_of_the_same_levels_bulk_loaded) {
  const auto changes = as_snapshot(
      {snap(Side::buy, "100", "1", false, false), snap(Side::buy, "99.5", "0", false, false),
       snap(Side::buy, "99", "3", false, false), snap(Side::sell, "101", "4", false, false),
       snap(Side::sell, "101.5", "5", false, false)});
  BookStage stage(8);
  for (const auto& c : changes) EXPECT_TRUE(stage.append(c.side, c.price, c.size));
  EXPECT_EQ(stage.levels(Side::buy).size(), 2u);  // size 0 adds nothing
  EXPECT_FALSE(stage.crossed());
  OrderBook book = synced_book();
  book.load_staged(stage, 30);
  const OrderBook ref = loaded(changes, 8, 30);
  EXPECT_EQ(book.state(), BookSyncState::synced);
  EXPECT_EQ(book.last_sequence(), 30u);
  EXPECT_TRUE(std::ranges::equal(book.bids(), ref.bids()));
  EXPECT_TRUE(std::ranges::equal(book.asks(), ref.asks()));
  EXPECT_TRUE(stage.empty());  // emptied for the next snapshot
}

TEST(OrderBook, stage_refuses_what_a_bulk_load_would_not_simply_append) {
  BookStage stage(2);
  EXPECT_FALSE(stage.append(Side::buy, "0"_d, "1"_d));    // price <= 0
  EXPECT_FALSE(stage.append(Side::buy, "10"_d, "-1"_d));  // size < 0
  EXPECT_TRUE(stage.append(Side::buy, "10"_d, "1"_d));
  EXPECT_FALSE(stage.append(Side::buy, "10"_d, "2"_d));  // the same price
  EXPECT_FALSE(stage.append(Side::buy, "10"_d, "0"_d));  // a delete of it too
  EXPECT_FALSE(stage.append(Side::buy, "11"_d, "1"_d));  // better than the last bid
  EXPECT_TRUE(stage.append(Side::sell, "12"_d, "1"_d));
  EXPECT_FALSE(stage.append(Side::sell, "11"_d, "1"_d));  // better than the last ask
  EXPECT_TRUE(stage.append(Side::buy, "9"_d, "1"_d));
  EXPECT_FALSE(stage.append(Side::buy, "8"_d, "1"_d));  // past max_depth
  EXPECT_TRUE(stage.append(Side::buy, "8"_d, "0"_d));   // size 0 never counts
  EXPECT_EQ(stage.levels(Side::buy).size(), 2u);
  EXPECT_EQ(stage.levels(Side::sell).size(), 1u);
  EXPECT_FALSE(stage.crossed());
  EXPECT_TRUE(stage.append(Side::sell, "13"_d, "1"_d));
  stage.clear();
  EXPECT_TRUE(stage.append(Side::buy, "12"_d, "1"_d));
  EXPECT_TRUE(stage.append(Side::sell, "12"_d, "1"_d));
  EXPECT_TRUE(stage.crossed());
}

TEST(OrderBook, deeper_stage_than_the_book_is_truncated_as_a_bulk_load) {
  BookStage stage(8);
  for (int i = 0; i < 6; ++i)
    EXPECT_TRUE(stage.append(Side::sell, Decimal::from_integer(100 + i), "1"_d));
  OrderBook book(4);
  book.load_staged(stage, 0);
  ASSERT_EQ(book.asks().size(), 4u);
  EXPECT_EQ(book.asks()[3].price, "103"_d);
  EXPECT_EQ(book.truncated_levels(), 2u);
  EXPECT_TRUE(book.synced());
}

TEST(OrderBook, changes_deep_in_a_side_land_where_a_sorted_insert_puts_them) {
  // Past the levels walked from the top, the rest is searched: every price of a 40-level side,
  // present or not, is replaced, inserted or deleted at its sorted place.
  for (const Side side : {Side::buy, Side::sell}) {
    OrderBook book(100);
    book.begin_snapshot();
    for (int i = 0; i < 40; ++i) {
      const int p = side == Side::buy ? 1000 - 2 * i : 1000 + 2 * i;
      EXPECT_TRUE(book.load_level(side, Decimal::from_integer(p), "1"_d));
    }
    book.end_snapshot(1);
    for (int i = 0; i < 80; ++i) {
      const int p = side == Side::buy ? 1000 - i : 1000 + i;
      const Decimal size = i % 3 == 0 ? "0"_d : Decimal::from_integer(2 + i);
      ASSERT_TRUE(book.apply(BookChange{side, Decimal::from_integer(p), size}).ok());
      EXPECT_EQ(book.size_at(side, Decimal::from_integer(p)), size) << i;
      const auto levels = book.levels(side);
      EXPECT_TRUE(std::is_sorted(levels.begin(), levels.end(),
                                 [side](const BookLevel& a, const BookLevel& b) {
                                   return side == Side::buy ? a.price > b.price : a.price < b.price;
                                 }))
          << i;
    }
    EXPECT_EQ(book.levels(side).size(), 53u);  // 40 + 40 new odd prices - 27 deletes of the 80
  }
}

TEST(OrderBook, try_update_leaves_the_levels_a_plain_scan_does_at_every_side_size) {
  // The level search (a walk of the top levels, then a binary search) against the reference
  // book's plain scan: random replaces, inserts (at the top, in gaps, past the worst level,
  // into a full side), deletes of present and absent prices and zero sizes, at depths on both
  // sides of the walk's length and of powers of two, so every side size from empty to full is
  // searched.
  std::mt19937 rng(13);
  const auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (const std::size_t depth : {1u, 2u, 3u, 7u, 8u, 9u, 16u, 17u, 25u, 33u, 64u}) {
    OrderBook book(depth);
    RefBook ref(depth);
    book.begin_snapshot();
    book.end_snapshot(1);
    const int span = static_cast<int>(depth) * 3 + 4;  // prices 1..span a side: many clash
    std::size_t full_bids = 0;                         // changes made to a full bid side
    for (int op = 0; op < 4000; ++op) {
      const Side side = uniform(0, 1) == 0 ? Side::buy : Side::sell;
      // Bids below 1000, asks above: the book never crosses.
      const int tick = uniform(1, span);
      const Decimal price = Decimal::from_integer(side == Side::buy ? 1000 - tick : 1000 + tick);
      const Decimal size =
          uniform(0, 2) == 0 ? Decimal::zero() : Decimal::from_integer(uniform(1, 9));
      if (book.bids().size() == depth) ++full_bids;
      ASSERT_TRUE(book.try_update(side, price, size)) << depth << " " << op;
      ASSERT_TRUE(ref.apply(BookChange{side, price, size}).ok());
      ASSERT_TRUE(std::ranges::equal(book.levels(side), ref.levels(side))) << depth << " " << op;
      ASSERT_EQ(book.truncated_levels(), ref.truncated_levels()) << depth << " " << op;
    }
    EXPECT_TRUE(std::ranges::equal(book.bids(), ref.bids())) << depth;
    EXPECT_TRUE(std::ranges::equal(book.asks(), ref.asks())) << depth;
    EXPECT_GT(full_bids, 100u) << depth;  // 2/3 of the changes set a level: the sides fill
  }
}

TEST(OrderBook, try_update_finds_its_level_in_sides_of_thousands_of_levels) {
  // Deep sides (2047 to 5000 levels, around powers of two): every kind of change at random
  // places against the reference's plain scan.
  std::mt19937 rng(1313);
  const auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (const std::size_t levels : {2047u, 2048u, 2049u, 4096u, 5000u}) {
    OrderBook book(levels + 10);
    RefBook ref(levels + 10);
    book.begin_snapshot();
    ref.begin_snapshot();
    for (std::size_t i = 0; i < levels; ++i) {  // even prices, bids below 100000, asks above
      const auto t = static_cast<int>(2 * i + 2);
      for (const Side side : {Side::buy, Side::sell}) {
        const Decimal price = Decimal::from_integer(side == Side::buy ? 100'000 - t : 100'000 + t);
        ASSERT_TRUE(book.load_level(side, price, "1"_d));
        ASSERT_TRUE(ref.load_level(side, price, "1"_d));
      }
    }
    book.end_snapshot(1);
    for (int op = 0; op < 600; ++op) {
      const Side side = uniform(0, 1) == 0 ? Side::buy : Side::sell;
      const int tick = uniform(1, static_cast<int>(2 * levels + 20));
      const Decimal price =
          Decimal::from_integer(side == Side::buy ? 100'000 - tick : 100'000 + tick);
      const Decimal size =
          uniform(0, 2) == 0 ? Decimal::zero() : Decimal::from_integer(uniform(2, 9));
      ASSERT_TRUE(book.try_update(side, price, size)) << levels << " " << op;
      ASSERT_TRUE(ref.apply(BookChange{side, price, size}).ok());
      ASSERT_TRUE(std::ranges::equal(book.levels(side), ref.levels(side))) << levels << " " << op;
      ASSERT_EQ(book.truncated_levels(), ref.truncated_levels()) << levels << " " << op;
    }
  }
}

TEST(OrderBook, apply_update_leaves_the_levels_of_a_synced_book_as_apply_does) {
  // A replace, an insert and a delete (present or absent) at every depth of a book held to 40
  // levels a side (within the walk from the top and past it), through apply() on one book and
  // apply_update() on a copy: the same levels, the same truncation count; the sequence is apply()'s
  // alone (apply_update leaves it).
  // apply() is the reference book's (RefBook); apply() of OrderBook is apply_update's path.
  RefBook by_apply(40);
  OrderBook by_update(40);
  const auto snapshot = [](auto& book) {
    book.begin_snapshot();
    for (int i = 0; i < 36; ++i) {
      EXPECT_TRUE(book.load_level(Side::buy, Decimal::from_integer(1000 - 2 * i), "1"_d));
      EXPECT_TRUE(book.load_level(Side::sell, Decimal::from_integer(1002 + 2 * i), "1"_d));
    }
    book.end_snapshot(5);
  };
  snapshot(by_apply);
  snapshot(by_update);
  for (int i = 0; i < 1000; ++i) {
    const Side side = i % 2 == 0 ? Side::buy : Side::sell;
    const int offset = (i * 7) % 90;
    const int p = side == Side::buy ? 1000 - offset : 1002 + offset;
    const Decimal size = i % 5 == 0 ? "0"_d : Decimal::from_integer(1 + i % 9);
    ASSERT_TRUE(by_apply.apply(BookChange{side, Decimal::from_integer(p), size}).ok());
    by_update.apply_update(side, Decimal::from_integer(p), size);
    ASSERT_EQ(std::vector<BookLevel>(by_update.bids().begin(), by_update.bids().end()),
              std::vector<BookLevel>(by_apply.bids().begin(), by_apply.bids().end()))
        << i;
    ASSERT_EQ(std::vector<BookLevel>(by_update.asks().begin(), by_update.asks().end()),
              std::vector<BookLevel>(by_apply.asks().begin(), by_apply.asks().end()))
        << i;
  }
  EXPECT_GT(by_apply.truncated_levels(), 0u);
  EXPECT_EQ(by_update.truncated_levels(), by_apply.truncated_levels());
  EXPECT_EQ(by_update.last_sequence(), 5u);
  EXPECT_TRUE(by_update.synced());
}

TEST(OrderBook, apply_update_on_walk_keys_leaves_the_levels_as_apply_does_whatever_the_prices) {
  // Half the changes of a price with a raw8 go through apply_update_raw8() (its key from raw8),
  // and every false answer ("the side's best was not set") is checked against the best before.
  // apply_update() searches the top on 64-bit walk keys kept beside the levels, which every
  // other change of the book makes stale: random replaces, inserts and deletes at every depth,
  // of prices with a key (integers, quarters) and without one (16 decimals; above 236118), on
  // books of 3, 12, 17 and 40 levels a side (truncation within and past the walk), with now
  // and then a change through OrderBook::apply() or a new snapshot on both books. After every
  // step the book fed by apply_update() has the levels and truncation count of the reference
  // (RefBook) fed by apply().
  std::mt19937 rng(20261207);
  const auto price_of = [&rng](Side side) {
    const int off = static_cast<int>(rng() % 40);
    const int base = side == Side::buy ? 1000 - off : 1011 + off;
    switch (rng() % 6) {
      case 0:  // 16 decimals: no key
        return Decimal::from_raw16(Decimal::from_integer(base).raw16() + 1 + rng() % 1000);
      case 1:  // above 236118: no key
        return Decimal::from_integer(base + (side == Side::buy ? 300'000 : 310'000));

      case 2:  // quarters
        return Decimal::from_raw16(Decimal::from_integer(base).raw16() +
                                   Decimal::from_raw8(25'000'000 * (rng() % 4)).raw16());
      default:
        return Decimal::from_integer(base);
    }
  };
  for (const std::size_t depth : {3u, 12u, 17u, 40u}) {
    RefBook by_apply(depth);  // the reference
    const auto snapshot = [&](auto& book, std::uint32_t seed) {
      std::mt19937 r(seed);
      book.begin_snapshot();
      for (int i = 0; i < 30; ++i) {
        (void)book.load_level(Side::buy, Decimal::from_integer(1000 - static_cast<int>(r() % 50)),
                              Decimal::from_integer(1 + static_cast<int>(r() % 5)));
        (void)book.load_level(Side::sell, Decimal::from_integer(1011 + static_cast<int>(r() % 50)),
                              Decimal::from_integer(1 + static_cast<int>(r() % 5)));
      }
      book.end_snapshot(7);
    };
    snapshot(by_apply, 1);
    OrderBook by_update(depth);
    snapshot(by_update, 1);
    for (int i = 0; i < 4000; ++i) {
      const Side side = rng() % 2 == 0 ? Side::buy : Side::sell;
      const Decimal price = price_of(side);
      const Decimal size =
          rng() % 3 == 0 ? "0"_d : Decimal::from_integer(1 + static_cast<int>(rng() % 9));
      const unsigned what = static_cast<unsigned>(rng() % 100);
      if (what == 0) {
        const auto seed = static_cast<std::uint32_t>(rng());
        snapshot(by_apply, seed);
        snapshot(by_update, seed);
      } else {
        ASSERT_TRUE(by_apply.apply(BookChange{side, price, size}).ok());
        if (what < 5) {
          ASSERT_TRUE(by_update.apply(BookChange{side, price, size}).ok());
        } else {
          const auto side_levels = by_update.levels(side);
          const std::optional<BookLevel> best_before =
              side_levels.empty() ? std::nullopt : std::optional<BookLevel>(side_levels.front());
          const auto raw8 = price.raw8();
          const bool may_be_best = raw8.ok() && what % 2 == 0
                                       ? by_update.apply_update_raw8(side, *raw8, price, size)
                                       : by_update.apply_update(side, price, size);
          if (!may_be_best) {
            ASSERT_TRUE(best_before.has_value()) << depth << " " << i;
            ASSERT_EQ(by_update.levels(side).front().price, best_before->price)
                << depth << " " << i;
          }
        }
      }
      if (by_apply.crossed()) {  // keep both uncrossed, as a codec does: drop the other side's top
        const Side other = opposite(side);
        const Decimal top = by_apply.levels(other).front().price;
        ASSERT_TRUE(by_apply.apply(BookChange{other, top, "0"_d}).ok());
        by_update.apply_update(other, top, "0"_d);
      }
      ASSERT_EQ(std::vector<BookLevel>(by_update.bids().begin(), by_update.bids().end()),
                std::vector<BookLevel>(by_apply.bids().begin(), by_apply.bids().end()))
          << depth << " " << i;
      ASSERT_EQ(std::vector<BookLevel>(by_update.asks().begin(), by_update.asks().end()),
                std::vector<BookLevel>(by_apply.asks().begin(), by_apply.asks().end()))
          << depth << " " << i;
      ASSERT_EQ(by_update.truncated_levels(), by_apply.truncated_levels()) << depth << " " << i;
    }
    EXPECT_GT(by_apply.truncated_levels(), 0u) << depth;
  }
}

}  // namespace
}  // namespace nzeza::market

namespace nzeza::market {
namespace {

TEST(OrderBook, side_versions_and_last_edits_describe_every_change) {
  // What a reader of side_version()/last_edit() relies on, after random changes through every
  // path (apply, apply_update, apply_update_raw8, try_update, snapshots sorted or not, staged
  // snapshots, clear) on books of 3, 12 and 40 levels a side: a side whose version did not move
  // has the levels it had; a side whose version moved by one with a known edit has the levels
  // that edit gives (a replace sets the size at `index`; an erase removes it; an insert puts
  // the new level at `index` and, when the side did not grow, drops its worst level).
  std::mt19937 rng(20261208);
  for (const std::size_t depth : {3u, 12u, 40u}) {
    OrderBook book(depth);
    BookStage stage(depth);
    const auto snapshot = [&](std::uint32_t seed, bool sorted) {
      std::mt19937 r(seed);
      book.begin_snapshot();
      for (int i = 0; i < 30; ++i) {
        const int off = static_cast<int>(r() % 50);
        (void)book.load_level(Side::buy, Decimal::from_integer(sorted ? 1000 - i : 1000 - off),
                              Decimal::from_integer(1 + static_cast<int>(r() % 5)));
        (void)book.load_level(Side::sell, Decimal::from_integer(sorted ? 1011 + i : 1011 + off),
                              Decimal::from_integer(1 + static_cast<int>(r() % 5)));
      }
      book.end_snapshot(7);
    };
    snapshot(1, true);
    std::size_t checked_edits = 0;
    for (int i = 0; i < 6000; ++i) {
      const std::vector<BookLevel> before[2] = {
          std::vector<BookLevel>(book.bids().begin(), book.bids().end()),
          std::vector<BookLevel>(book.asks().begin(), book.asks().end())};
      const std::uint64_t version[2] = {book.side_version(Side::buy),
                                        book.side_version(Side::sell)};
      const std::uint64_t stamp = book.stamp();
      const Side side = rng() % 2 == 0 ? Side::buy : Side::sell;
      const int off = static_cast<int>(rng() % 45);
      const Decimal price = Decimal::from_integer(side == Side::buy ? 1000 - off : 1011 + off);
      const Decimal size =
          rng() % 3 == 0 ? "0"_d : Decimal::from_integer(1 + static_cast<int>(rng() % 9));
      const unsigned what = static_cast<unsigned>(rng() % 100);
      if (what == 0) {
        snapshot(static_cast<std::uint32_t>(rng()), rng() % 2 == 0);
      } else if (what == 1) {
        for (int l = 0; l < 5; ++l) {
          (void)stage.append(Side::buy, Decimal::from_integer(1000 - l), "1"_d);
          (void)stage.append(Side::sell, Decimal::from_integer(1011 + l), "2"_d);
        }
        book.load_staged(stage, 9);
      } else if (what == 2) {
        book.clear();
        snapshot(static_cast<std::uint32_t>(rng()), true);
      } else if (what < 30) {
        ASSERT_TRUE(book.apply(BookChange{side, price, size}).ok());
      } else if (what < 55) {
        (void)book.apply_update(side, price, size);
      } else if (what < 80) {
        (void)book.apply_update_raw8(side, *price.raw8(), price, size);
      } else {
        ASSERT_TRUE(book.try_update(side, price, size));
      }
      ASSERT_EQ(book.stamp(), stamp);
      for (const Side s : {Side::buy, Side::sell}) {
        const std::size_t k = s == Side::buy ? 0 : 1;
        const auto now = book.levels(s);
        const std::vector<BookLevel> after(now.begin(), now.end());
        if (book.side_version(s) == version[k]) {
          ASSERT_EQ(after, before[k]) << depth << " " << i;
          continue;
        }
        const OrderBook::SideEdit edit = book.last_edit(s);
        if (book.side_version(s) != version[k] + 1 ||
            edit.kind == OrderBook::SideEdit::Kind::unknown)
          continue;
        std::vector<BookLevel> expect = before[k];
        switch (edit.kind) {
          case OrderBook::SideEdit::Kind::replace:
            ASSERT_LT(edit.index, expect.size());
            ASSERT_LT(edit.index, after.size());
            expect[edit.index].size = after[edit.index].size;
            break;
          case OrderBook::SideEdit::Kind::erase:
            ASSERT_LT(edit.index, expect.size());
            expect.erase(expect.begin() + edit.index);
            break;
          case OrderBook::SideEdit::Kind::insert:
            ASSERT_LT(edit.index, after.size());
            expect.insert(expect.begin() + edit.index, after[edit.index]);
            if (expect.size() > after.size()) expect.pop_back();
            break;
          case OrderBook::SideEdit::Kind::unknown:
            break;
        }
        ASSERT_EQ(after, expect) << depth << " " << i;
        ++checked_edits;
      }
    }
    EXPECT_GT(checked_edits, 500u) << depth;
    if (depth < 40) {
      EXPECT_GT(book.truncated_levels(), 0u) << depth;
    }
    const OrderBook copy = book;  // a copy is another book
    EXPECT_NE(copy.stamp(), book.stamp());
    OrderBook assigned(depth);
    const std::uint64_t assigned_stamp = assigned.stamp();
    assigned = book;
    EXPECT_NE(assigned.stamp(), assigned_stamp);
    EXPECT_NE(assigned.stamp(), book.stamp());
  }
}

}  // namespace
}  // namespace nzeza::market
