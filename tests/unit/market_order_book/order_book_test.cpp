// OrderBook: level semantics, sync state, depth bound, views.

#include "market/order_book.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace nzeza::market
