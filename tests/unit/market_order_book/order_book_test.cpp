// OrderBook: level semantics, sync state, depth bound, views.

#include "market/order_book.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nzeza::market
