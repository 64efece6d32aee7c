// JournalView reads what the store wrote: the kill -9 test's comparison stands on this reader,
// so it is checked against a journal written by store::Journal itself (when the build has it).

#include "e2e/crash/journal_view.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#ifdef NZEZA_HAVE_STORE
#include "store/journal.hpp"
#endif

namespace nzeza::e2e::crash {
namespace {

std::filesystem::path temp_journal(const std::string& name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("nzeza_journal_view_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir / "journal.sqlite";
}

TEST(JournalView, a_missing_journal_is_an_error_naming_the_file) {
  const auto file = temp_journal("missing");
  const auto view = read_journal(file);
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.error().message.find(file.string()), std::string::npos) << view.error().message;
}

#ifdef NZEZA_HAVE_STORE
Decimal dec(const char* text) {
  return Decimal::parse(text).value();
}

TEST(JournalView, reads_every_intent_with_its_latest_client_id_and_every_fill_the_store_wrote) {
  const auto file = temp_journal("written");
  {
    auto opened = store::Journal::open(file);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store::Journal& j = **opened;
    for (std::uint64_t seq : {7u, 8u}) {
      store::IntentRecord i;
      i.sequence = seq;
      i.canonical = "BTC-USDT";
      i.quantity = dec("0.04");
      i.purpose = seq == 7 ? "entry" : "stop_loss";
      i.at = Timestamp::from_seconds(1'767'225'600 + static_cast<std::int64_t>(seq));
      ASSERT_TRUE(j.write_intent(i).ok());
    }
    store::OrderEventRecord done;
    done.sequence = 7;
    done.phase = store::OrderPhase::done;
    done.venue = Venue::binance;
    done.client_order_id = "nz-nz-7";
    done.venue_symbol = "BTCUSDT";
    done.filled = dec("0.04");
    done.at = Timestamp::from_seconds(1'767'225'610);
    j.record(done);
    store::FillRecord f;
    f.fill.venue = Venue::binance;
    f.fill.venue_symbol = "BTCUSDT";
    f.fill.trade_id = "500";
    f.fill.client_order_id = "nz-nz-7";
    f.fill.side = Side::buy;
    f.fill.price = dec("50000.01");
    f.fill.quantity = dec("0.04");
    f.fill.fee = dec("0.00004");
    f.fill.fee_currency = "BTC";
    f.fill.time = Timestamp::from_seconds(1'767'225'610);
    f.sequence = 7;
    f.recorded = f.fill.time;
    j.record(f);
    j.record(f);  // the same trade twice: the journal keeps it once
    ASSERT_TRUE(j.flush().ok());
  }
  const auto view = read_journal(file);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(view->last_sequence, 8u);
  ASSERT_EQ(view->orders.size(), 2u);
  const JournalOrder& entry = view->orders.at(7);
  EXPECT_EQ(entry.purpose, "entry");
  EXPECT_EQ(entry.phase, "done");
  ASSERT_TRUE(entry.venue.has_value());
  EXPECT_EQ(*entry.venue, Venue::binance);
  EXPECT_EQ(entry.client_order_id, "nz-nz-7");
  EXPECT_EQ(view->orders.at(8).phase, "pending");
  EXPECT_TRUE(view->orders.at(8).client_order_id.empty());
  ASSERT_EQ(view->fills.size(), 1u);
  EXPECT_EQ(view->fills[0].trade_id, "500");
  EXPECT_TRUE(view->fills[0].buy);
  EXPECT_EQ(view->fills[0].price, dec("50000.01"));
  EXPECT_EQ(view->fills[0].fee_currency, "BTC");
  EXPECT_EQ(view->fills[0].sequence, 7u);
  std::filesystem::remove_all(file.parent_path());
}
#endif

}  // namespace
}  // namespace nzeza::e2e::crash
