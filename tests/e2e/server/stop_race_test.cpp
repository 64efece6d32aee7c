// stop() while the venue is still answering: the trading server on the real clock and real
// threads, the paper venue with latencies ([paper] order_latency / cancel_latency), so that
// completions and private-stream events arrive on the clock's thread while stop() runs, and the
// order tracker resolves lost answers on its timers. Each round trades three symbols (entries,
// native stop-losses resting, cancels of those exits and closes on opposite signals), stops the
// server at a seeded moment once an order is in flight, destroys it, and reads the journal back
// from a fresh handle: every fill the execution actor applied is there, and every order with a
// fill has its answer. A use of a freed actor cell fails under ASan, a race on the ref holders
// under TSan (labels: concurrency, sanitize).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "venues/forwarding_client.hpp"

namespace nzeza::app {
namespace {

using strategy::SignalKind;
using namespace std::chrono_literals;

// Loses the answer of every third place after it reached the venue (a reset after the request
// was written): the order tracker resolves those by client id on its timers.
class LoseEveryThirdAnswer final : public venues::ForwardingClient {
 public:
  using ForwardingClient::ForwardingClient;
  void place(const domain::OrderSpec& order, venues::Callback<venues::PlaceAck> done) override {
    if (++places_ % 3 != 0) return ForwardingClient::place(order, std::move(done));
    ForwardingClient::place(order, [done](Result<venues::PlaceAck>) {
      done(Error{ErrorCode::network, "paper place: connection reset after the request was sent"}
               .with_delivery(Delivery::sent_no_answer));
    });
  }

 private:
  std::atomic<int> places_{0};
};

// The fills and orders execution reported (its events, on the execution thread).
struct Seen {
  std::mutex mu;
  std::map<std::string, std::uint64_t> fills;  // trade id → order sequence
  void on_event(const TradeEvent& e) {
    if (e.kind != "fill" && e.kind != "exit") return;
    std::string trade;
    std::uint64_t sequence = 0;
    for (const auto& [k, v] : e.fields) {
      if (k == "trade_id") trade = v;
      if (k == "sequence") sequence = std::stoull(v);
    }
    if (trade.empty()) return;
    std::lock_guard lock(mu);
    fills[trade] = sequence;
  }
};

Config stress_config(const std::string& data_dir, std::uint64_t seed) {
  Config c;
  c.data_dir = data_dir;
  c.paper.symbols = {"BTC-USD", "ETH-USD", "SOL-USD"};
  c.paper.order_latency = venues::paper::LatencyModel::uniform(1ms, 15ms);
  c.paper.cancel_latency = venues::paper::LatencyModel::uniform(1ms, 10ms);
  c.paper.latency_seed = seed;
  c.risk.min_confidence = 0.5;
  c.risk.max_trades_per_hour = 1000;
  c.risk.max_trades_per_day = 5000;
  c.shutdown = ShutdownPolicy::cancel_resting;
  return c;
}

struct Symbol {
  std::string name;
  Decimal bid;
  Decimal tick;
};

TEST(ServerStop, stop_while_paper_completions_and_stream_events_are_in_flight_keeps_every_answer) {
  constexpr int kRounds = 25;
  int stopped_in_flight = 0;
  std::size_t fills_checked = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    SystemClock clock;
    testsupport::TempDir dir("nzeza-stop");
    Seen seen;
    std::mt19937_64 rng(static_cast<std::uint64_t>(round) + 1);

    ServerOptions o;
    o.simulate_market = false;
    o.feed = MarketFeed::in_process;
    o.warm_up_candles = 0;
    o.on_event = [&seen](const TradeEvent& e) { seen.on_event(e); };
    o.wrap_venue = [](venues::VenueClient& v) { return std::make_unique<LoseEveryThirdAnswer>(v); };
    auto made = TradingServer::start(stress_config(dir.str(), round + 1), clock, std::move(o));
    ASSERT_TRUE(made.ok()) << made.error().message;
    std::unique_ptr<TradingServer> server = std::move(*made);

    std::vector<Symbol> symbols;
    for (const auto* name : {"BTC-USD", "ETH-USD", "SOL-USD"}) {
      const Instrument* inst = server->registry().find_canonical(Venue::paper, name);
      ASSERT_NE(inst, nullptr) << name;
      const auto start = std::string(name) == "BTC-USD"   ? Decimal::from_integer(45000)
                         : std::string(name) == "ETH-USD" ? Decimal::from_integer(3000)
                                                          : Decimal::from_integer(150);
      symbols.push_back({name, start, inst->tick_size});
    }
    // One step of the market: each symbol's quote moves a tick, then an opposite signal
    // (a buy opens, a sell cancels the resting stop-loss and closes).
    std::uint64_t step = 0;
    auto drive = [&] {
      for (auto& s : symbols) {
        const Instrument* inst = server->registry().find_canonical(Venue::paper, s.name);
        s.bid = (rng() % 2 == 0) ? s.bid + s.tick : s.bid - s.tick;
        MarketEvent e;
        e.venue = Venue::coinbase;
        e.instrument = inst->id;
        e.symbol = inst->symbol;
        e.receive_time = clock.now();
        e.body = Quote{s.bid, Decimal{}, s.bid + s.tick, Decimal{}};
        server->inject(e);
        (void)server->submit_signal(s.name, step % 2 == 0 ? SignalKind::buy : SignalKind::sell,
                                    0.9);
      }
      ++step;
    };
    // Trade for a seeded number of steps, then stop the moment an order is in flight.
    const std::uint64_t min_steps = 2 + rng() % 30;
    bool in_flight = false;
    ASSERT_TRUE(testsupport::wait_until(
        [&] {
          drive();
          if (step < min_steps) return false;
          auto s = server->status();
          in_flight = s.ok() && s->execution.in_flight > 0;
          return in_flight || step > min_steps + 200;
        },
        10s));
    if (in_flight) ++stopped_in_flight;

    auto final_status = server->stop();
    ASSERT_TRUE(final_status.ok()) << final_status.error().message;
    std::map<std::string, std::uint64_t> fills;
    {
      std::lock_guard lock(seen.mu);
      fills = seen.fills;
    }
    // The server goes with its journal handle, which writes nothing more (what stop() did not
    // flush is lost here, as in a crash); a fresh handle reads what reached the file.
    server.reset();
    auto journal = store::Journal::open(store::journal_path(dir.str()));
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    auto journaled_fills = (*journal)->fills_since(Timestamp{}, 1'000'000);
    ASSERT_TRUE(journaled_fills.ok()) << journaled_fills.error().message;
    std::set<std::string> in_journal;
    for (const auto& f : *journaled_fills) in_journal.insert(f.fill.trade_id);
    auto orders = (*journal)->orders_since(Timestamp{}, 1'000'000);
    ASSERT_TRUE(orders.ok()) << orders.error().message;
    std::map<std::uint64_t, store::OrderPhase> phase;
    for (const auto& r : *orders) phase[r.intent.sequence] = r.phase;
    fills_checked += fills.size();
    for (const auto& [trade, sequence] : fills) {
      EXPECT_EQ(in_journal.count(trade), 1u) << "fill " << trade << " of #" << sequence;
      ASSERT_EQ(phase.count(sequence), 1u) << "#" << sequence;
      EXPECT_NE(phase[sequence], store::OrderPhase::pending)
          << "#" << sequence << " has a fill but no answer in the journal";
    }
  }
  // The scenario happened: rounds stopped with an order on the way, and fills were checked.
  std::printf("%d of %d rounds stopped with an order in flight; %zu fills checked in the journal\n",
              stopped_in_flight, kRounds, fills_checked);
  EXPECT_GT(stopped_in_flight, 0);
  EXPECT_GT(fills_checked, 0u);
}

}  // namespace
}  // namespace nzeza::app
