// Zero allocations on the tick path after warm-up, for the whole chain up to the order intent:
// a quote through the paper venue's book, the MarketDataHop, the market shard (reference price,
// candles), and the ReferenceMarks to execution and portfolio (exit monitor, account update).
// Own executable: alloc_counter.cpp replaces the global operator new.

#include <gtest/gtest.h>

#include <memory>

#include "../../common/alloc_counter.hpp"
#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "support/temp_dir.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;

MarketEvent quote(const Instrument& inst, Timestamp at, std::int64_t cents) {
  MarketEvent e;
  e.venue = Venue::paper;
  e.instrument = inst.id;
  e.symbol = inst.symbol;
  e.receive_time = at;
  Quote q;
  q.bid = Decimal::from_raw8(cents * 1'000'000);
  q.ask = Decimal::from_raw8((cents + 1) * 1'000'000);
  q.bid_size = Decimal::from_integer(5);
  q.ask_size = Decimal::from_integer(5);
  e.body = q;
  return e;
}

TEST(ServerTickPath, a_quote_that_triggers_nothing_allocates_nothing_from_feed_to_execution) {
  ManualClock clock(Timestamp::from_seconds(1'767'225'600));
  const testsupport::TempDir journal_dir("nzeza-alloc");
  Config c;
  c.data_dir = journal_dir.str();
  c.paper.symbols = {"BTC-USD"};
  c.risk.min_confidence = 0.0;
  c.exits.trailing_stop = Decimal::from_raw8(1'000'000);  // a local exit watched on every mark
  ServerOptions o;
  o.manual_dispatch = true;
  o.simulate_market = false;
  auto server = TradingServer::start(c, clock, std::move(o));
  ASSERT_TRUE(server.ok()) << server.error().message;
  const Instrument& btc = *(*server)->registry().find_canonical(Venue::paper, "BTC-USD");
  // Warm-up: prices, an open position with its exits armed, a few seconds of marks.
  std::int64_t cents = 4'500'000;
  Duration spacing = 10ms;
  auto tick = [&] {
    cents += (cents % 5 == 0) ? -2 : 1;
    clock.advance(spacing);
    (*server)->inject(quote(btc, clock.now(), cents));
    (*server)->poll();
  };
  for (int i = 0; i < 200; ++i) tick();
  ASSERT_TRUE((*server)->submit_signal("BTC-USD", strategy::SignalKind::buy, 0.9).ok());
  for (int i = 0; i < 2000; ++i) tick();
  auto status = (*server)->status();
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->portfolio.positions.size(), 1u);
  ASSERT_TRUE(status->portfolio.positions[0].quantity.is_positive());

  // 5000 quotes 1 ms apart inside one candle interval: the per-tick path alone. (Closing a
  // candle re-arms the shard's clock timer: a timer-queue node and its callback, 3 allocations
  // per interval, not per tick.)
  clock.advance_to(clock.now().floor_to(10s) + 10s + 1ms);
  (*server)->poll();
  const Timestamp window = clock.now();
  spacing = 1ms;
  const std::uint64_t before = test::allocation_count();
  for (int i = 0; i < 5000; ++i) tick();
  const std::uint64_t after = test::allocation_count();
  ASSERT_EQ(clock.now().floor_to(10s), window.floor_to(10s)) << "the window crossed a candle";
  EXPECT_EQ(after - before, 0u) << "allocations on the tick path after warm-up";
}

}  // namespace
}  // namespace nzeza::app
