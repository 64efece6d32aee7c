// The paper venue's fill model on a depth book (ns per event; allocs/event counts every
// operator new in the timed loop, so 0 means the hot path allocates nothing):
// - BM_BookDelta/<orders>: one BookChange delta on a 20-level book, with 0 or 3 resting orders
//   on the symbol (queue positions tracked, none filled) — the backtest's commonest event.
// - BM_TradeAtQueuedLevel: a trade printed at the level of 3 queued resting orders, then the
//   delta that takes it off the level (2 events per iteration).
// - BM_MarketOrderWalk: a market buy walking 5 levels (5 fills) through place(), the clock's
//   timers and the completion, then 5 deltas restoring those levels.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "common/alloc_counter.hpp"
#include "core/client_id.hpp"
#include "venues/paper/paper_venue.hpp"

namespace {

using namespace std::chrono_literals;
using namespace nzeza;
using venues::paper::PaperConfig;
using venues::paper::PaperVenue;

Decimal dec(const char* text) {
  return *Decimal::parse(text);
}

// Tick 0.01, lot 0.0001; a book of 20 levels a side around 100.
struct Bench {
  ManualClock clock;
  InstrumentRegistry registry;
  InstrumentId id;
  SymbolId symbol;
  std::unique_ptr<PaperVenue> venue;
  ClientIdCodec codec = *ClientIdCodec::create("b1");
  std::uint64_t seq = 1;

  Bench() {
    Instrument i;
    i.venue = Venue::paper;
    i.canonical = "BTC-USDT";
    i.venue_symbol = "BTC-USDT";
    i.base = "BTC";
    i.quote = "USDT";
    i.tick_size = dec("0.01");
    i.lot_size = dec("0.0001");
    i.min_size = dec("0.0001");
    id = *registry.add(i);
    symbol = registry.get(id)->symbol;
    PaperConfig c;
    c.taker_fee_bps = dec("5");
    c.maker_fee_bps = dec("2");
    venue = std::make_unique<PaperVenue>(clock, registry, c);
    (void)venue->deposit("USDT", Decimal::from_integer(1'000'000'000));
    for (int l = 0; l < 20; ++l) {
      send(BookChange{Side::buy, bid(l), Decimal::from_integer(1), 0, true, l == 0, false});
    }
    for (int l = 0; l < 20; ++l) {
      send(BookChange{Side::sell, ask(l), Decimal::from_integer(1), 0, true, false, l == 19});
    }
  }
  static Decimal bid(int level) {
    return Decimal::from_raw8(static_cast<std::int64_t>(10'000 - level) * 1'000'000);
  }
  static Decimal ask(int level) {
    return Decimal::from_raw8(static_cast<std::int64_t>(10'001 + level) * 1'000'000);
  }
  MarketEvent event(std::variant<Quote, Trade, BookChange, VenueStatus> body) const {
    MarketEvent e;
    e.venue = Venue::binance;
    e.symbol = symbol;
    e.body = body;
    return e;
  }
  void send(std::variant<Quote, Trade, BookChange, VenueStatus> body) {
    venue->on_market_event(event(body));
  }
  void place(Side side, domain::OrderType type, Decimal qty, std::optional<Decimal> price) {
    domain::OrderSpec s;
    s.client_order_id = *codec.encode(Venue::paper, seq++);
    s.venue = Venue::paper;
    s.instrument = id;
    s.side = side;
    s.type = type;
    s.quantity = qty;
    s.price = price;
    venue->place(s, [](Result<venues::PlaceAck> r) {
      if (!r) std::fprintf(stderr, "place refused: %s\n", r.error().message.c_str());
    });
    clock.run_due();
  }
  // Orders resting on the venue now (to show the figures measured what they claim).
  std::size_t resting() {
    std::size_t n = 0;
    venue->open_orders(std::nullopt, [&](Result<std::vector<venues::VenueOrder>> r) {
      if (r) n = r->size();
    });
    clock.run_due();
    return n;
  }
};

// Deltas that change the sizes of the book's levels (both sides, all depths), precomputed.
std::vector<MarketEvent> deltas(const Bench& b) {
  std::vector<MarketEvent> out;
  for (int i = 0; i < 4096; ++i) {
    const int level = (i * 7) % 20;
    const Side side = i % 2 == 0 ? Side::buy : Side::sell;
    const Decimal size = Decimal::from_raw8((1 + (i * 13) % 50) * 10'000'000);
    out.push_back(
        b.event(BookChange{side, side == Side::buy ? Bench::bid(level) : Bench::ask(level), size}));
  }
  return out;
}

void BM_BookDelta(benchmark::State& state) {
  Bench b;
  for (int i = 0; i < state.range(0); ++i) {  // resting buys deep in the book: never filled
    b.place(Side::buy, domain::OrderType::limit, dec("0.1"), Bench::bid(5 + i));
  }
  const auto events = deltas(b);
  std::size_t i = 0;
  for (std::size_t w = 0; w < events.size(); ++w) b.venue->on_market_event(events[w]);  // warm
  const std::uint64_t before = nzeza::test::allocation_count();
  for (auto _ : state) {
    b.venue->on_market_event(events[i]);
    i = (i + 1) & (events.size() - 1);
  }
  const auto allocations = static_cast<double>(nzeza::test::allocation_count() - before);
  state.counters["allocs/event"] = allocations / static_cast<double>(state.iterations());
  state.counters["resting"] = static_cast<double>(b.resting());
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BookDelta)->Arg(0)->Arg(3);

void BM_TradeAtQueuedLevel(benchmark::State& state) {
  Bench b;
  // A deep level and small prints: the queue never empties however long the benchmark runs.
  b.send(BookChange{Side::buy, Bench::bid(3), Decimal::from_integer(1'000'000'000)});
  for (int i = 0; i < 3; ++i)
    b.place(Side::buy, domain::OrderType::limit, dec("0.1"), Bench::bid(3));
  Trade t;
  t.price = Bench::bid(3);
  t.size = dec("0.001");
  t.aggressor = Side::sell;
  const MarketEvent trade = b.event(t);
  const MarketEvent refill =
      b.event(BookChange{Side::buy, Bench::bid(3), Decimal::from_integer(1'000'000'000)});
  b.venue->on_market_event(trade);
  b.venue->on_market_event(refill);
  const std::uint64_t before = nzeza::test::allocation_count();
  for (auto _ : state) {
    b.venue->on_market_event(trade);
    b.venue->on_market_event(refill);
  }
  const auto allocations = static_cast<double>(nzeza::test::allocation_count() - before);
  state.counters["allocs/event"] = allocations / static_cast<double>(2 * state.iterations());
  state.counters["resting"] = static_cast<double>(b.resting());
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(2 * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TradeAtQueuedLevel);

void BM_MarketOrderWalk(benchmark::State& state) {
  Bench b;
  std::vector<MarketEvent> restore;
  for (int l = 0; l < 5; ++l) {
    restore.push_back(b.event(BookChange{Side::sell, Bench::ask(l), dec("0.1")}));
  }
  for (const auto& e : restore) b.venue->on_market_event(e);
  const std::uint64_t before = nzeza::test::allocation_count();
  for (auto _ : state) {
    b.place(Side::buy, domain::OrderType::market, dec("0.5"), std::nullopt);
    for (const auto& e : restore) b.venue->on_market_event(e);
  }
  state.counters["allocs/order"] =
      benchmark::Counter(static_cast<double>(nzeza::test::allocation_count() - before) /
                         static_cast<double>(state.iterations()));
  state.counters["orders/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
// Bounded: every order and fill stays in the venue's history.
BENCHMARK(BM_MarketOrderWalk)->Iterations(50'000);

}  // namespace

int main(int argc, char** argv) {
  std::printf(
      "paper venue fill model: 20-level depth book, tick 0.01, fees 2/5 bps, "
      "no latency (ManualClock)\n");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
