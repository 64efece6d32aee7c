// Restart to trading: how long TradingServer::start takes, in paper mode, on a journal that
// already holds <n> finished orders and their fills — open and migrate the journal, rebuild the
// paper account from its fills, reconcile the journal with the venue (recover()), seed the actors
// and spawn them. The timer stops when start() returns: the server takes orders from then on.
//
// - BM_RestartToTrading/<n>: the whole start on a journal of <n> orders (an order = intent, 2
//   order events, 1 fill; buys and sells of 0.01 BTC-USD alternate, so the account stays funded).
//   The server is stopped outside the timer. Each start adds one reconciliation report and its
//   audit lines to the journal (a few rows: the journal barely grows across iterations).
// - BM_ReconcileOnly/<n>: the same start with ServerOptions::reconcile_only (`nzeza reconcile`):
//   the journal and venue work without spawning actors.
//
// The journal lives under $TMPDIR (default /tmp); the program prints its path and filesystem.
#include <benchmark/benchmark.h>
#include <sys/statfs.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nzeza;
using namespace std::chrono_literals;

const char* filesystem_of(const std::string& path) {
  struct statfs s {};
  if (::statfs(path.c_str(), &s) != 0) return "unknown";
  switch (s.f_type) {
    case 0x01021994:
      return "tmpfs";
    case 0xEF53:
      return "ext2/3/4";
    case 0x58465342:
      return "xfs";
    case 0x794c7630:
      return "overlayfs";
    default:
      return "other";
  }
}

// A data_dir holding a journal of `orders` finished orders, written once per size.
const std::string& journal_of(std::int64_t orders) {
  static std::map<std::int64_t, std::unique_ptr<testsupport::TempDir>> dirs;
  auto& dir = dirs[orders];
  if (dir) return dir->path().native();
  dir = std::make_unique<testsupport::TempDir>("nzeza-bench-restart");
  std::printf("journal of %lld orders: %s (%s)\n", static_cast<long long>(orders),
              dir->str().c_str(), filesystem_of(dir->str()));
  auto journal = store::Journal::open(store::journal_path(dir->str())).value();
  const Timestamp start = SystemClock().now() - std::chrono::hours(1);
  const Decimal qty = Decimal::parse("0.01").value();
  const Decimal price = Decimal::parse("60000").value();
  for (std::int64_t i = 1; i <= orders; ++i) {
    const auto seq = static_cast<std::uint64_t>(i);
    const Timestamp at = start + std::chrono::milliseconds(i);
    const Side side = i % 2 == 1 ? Side::buy : Side::sell;
    store::IntentRecord intent;
    intent.sequence = seq;
    intent.canonical = "BTC-USD";
    intent.side = side;
    intent.type = domain::OrderType::market;
    intent.time_in_force = domain::TimeInForce::ioc;
    intent.quantity = qty;
    intent.purpose = side == Side::buy ? "entry" : "close";
    intent.at = at;
    if (auto st = journal->write_intent(intent); !st) {
      std::fprintf(stderr, "write_intent: %s\n", st.error().message.c_str());
      std::abort();
    }
    const std::string cid = "nz-" + std::to_string(seq);
    store::OrderEventRecord working;
    working.sequence = seq;
    working.phase = store::OrderPhase::working;
    working.venue = Venue::paper;
    working.client_order_id = cid;
    working.venue_order_id = "p" + std::to_string(seq);
    working.venue_symbol = "BTC-USD";
    working.status = domain::VenueOrderStatus::open;
    working.at = at;
    journal->record(working);
    store::FillRecord fill;
    fill.fill.venue = Venue::paper;
    fill.fill.venue_symbol = "BTC-USD";
    fill.fill.trade_id = "t" + std::to_string(seq);
    fill.fill.client_order_id = cid;
    fill.fill.side = side;
    fill.fill.price = price;
    fill.fill.quantity = qty;
    fill.fill.fee = Decimal::parse("0.6").value();
    fill.fill.fee_currency = "USD";
    fill.fill.time = at;
    fill.sequence = seq;
    fill.recorded = at;
    journal->record(fill);
    store::OrderEventRecord done = working;
    done.phase = store::OrderPhase::done;
    done.status = domain::VenueOrderStatus::filled;
    done.filled = qty;
    journal->record(done);
  }
  (void)journal->flush();
  return dir->path().native();
}

app::Config config_for(const std::string& data_dir) {
  app::Config c;
  c.data_dir = data_dir;
  c.paper.symbols = {"BTC-USD"};
  c.paper.starting_cash = Decimal::from_integer(1'000'000);
  return c;
}

void restart(benchmark::State& state, bool reconcile_only) {
  const app::Config c = config_for(journal_of(state.range(0)));
  SystemClock clock;
  for (auto _ : state) {
    app::ServerOptions o;
    o.simulate_market = false;
    o.warm_up_candles = 0;
    o.feed = app::MarketFeed::in_process;
    o.reconcile_only = reconcile_only;
    auto server = app::TradingServer::start(c, clock, std::move(o));
    state.PauseTiming();
    if (!server) {
      state.SkipWithError(server.error().message.c_str());
      break;
    }
    if (!(*server)->recovery_report().blocked.empty()) {
      state.SkipWithError("a symbol is blocked: the journal is not what the bench wrote");
      break;
    }
    (void)(*server)->stop();
    server->reset();
    state.ResumeTiming();
  }
}

void BM_RestartToTrading(benchmark::State& state) {
  restart(state, false);
}
BENCHMARK(BM_RestartToTrading)
    ->Arg(0)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Iterations(20)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ReconcileOnly(benchmark::State& state) {
  restart(state, true);
}
BENCHMARK(BM_ReconcileOnly)
    ->Arg(0)
    ->Arg(1'000)
    ->Iterations(20)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
