#include "app/backtest.hpp"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <ostream>
#include <unordered_map>

#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "replay/event_merger.hpp"
#include "replay/history_file.hpp"
#include "replay/recording_format.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::app {
namespace {

constexpr std::uint32_t kUnmapped = UINT32_MAX;       // looked up: the server does not know it
constexpr std::uint32_t kNotLooked = UINT32_MAX - 1;  // not looked up yet
constexpr std::size_t kMaxReportCandles = 2000;       // per symbol
constexpr std::size_t kMaxReportPoints = 5000;        // equity and drawdown
constexpr double kSecondsPerYear = 365.0 * 86400.0;

// A directory removed with its contents when it goes (the backtest's throw-away journal).
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    auto base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "nzeza-backtest-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// (bid + ask) / 2 without a 128-bit division: exact, or 10^-16 below when the sum is odd in the
// last place (far under any tick).
Decimal mid(Decimal bid, Decimal ask) {
  return Decimal::from_raw16((bid.raw16() + ask.raw16()) / 2);
}

Decimal parse_or_zero(std::string_view text) {
  auto d = Decimal::parse(text);
  return d ? *d : Decimal{};
}

std::string_view field(const TradeEvent& e, std::string_view key) {
  for (const auto& [k, v] : e.fields)
    if (k == key) return v;
  return {};
}

Decimal average(Decimal total, Decimal quantity) {
  if (quantity.is_zero()) return {};
  auto q = total.checked_div(quantity, RoundingMode::nearest_even);
  if (!q) return {};
  auto r = q->round_to_decimals(8, RoundingMode::nearest_even);
  return r ? *r : *q;
}

// Accounting from the fills the server logs: cash, positions, round trips.
class Ledger {
 public:
  explicit Ledger(Decimal cash) : cash_(cash) {}

  struct Position {
    Decimal quantity;  // signed
    // The open round trip.
    Side side = Side::buy;
    Timestamp entry_time;
    Decimal entry_quantity;
    Decimal entry_cost;
    Decimal exit_quantity;
    Decimal exit_value;
    Decimal fees;
    Timestamp exit_time;
    std::string strategy;
    std::string exit_reason;
  };

  void on_fill(const std::string& symbol, Side side, Decimal quantity, Decimal price, Decimal fee,
               Timestamp at, const std::string& strategy, std::string_view exit_reason) {
    if (!quantity.is_positive()) return;
    const Decimal notional = quantity * price;
    cash_ += side == Side::buy ? -notional : notional;
    cash_ -= fee;
    fees_ += fee;
    Position& p = positions_[symbol];
    const bool opening =
        p.quantity.is_zero() || (p.quantity.is_positive() ? side == Side::buy : side == Side::sell);
    if (opening) {
      if (p.quantity.is_zero()) start(p, side, at, strategy);
      p.entry_quantity += quantity;
      p.entry_cost += notional;
      p.fees += fee;
      p.quantity += side == Side::buy ? quantity : -quantity;
      return;
    }
    const Decimal held = p.quantity.abs();
    const Decimal closing = std::min(quantity, held);
    const Decimal rest = quantity - closing;
    Decimal closing_fee = fee;
    if (rest.is_positive()) {
      auto share = fee.checked_mul_div(closing, quantity, RoundingMode::nearest_even);
      closing_fee = share ? *share : fee;
    }
    p.exit_quantity += closing;
    p.exit_value += closing * price;
    p.fees += closing_fee;
    p.exit_time = at;
    p.exit_reason = exit_reason.empty() ? std::string("signal") : std::string(exit_reason);
    p.quantity += side == Side::buy ? closing : -closing;
    if (p.quantity.is_zero()) finish(symbol, p);
    if (rest.is_positive()) {
      start(p, side, at, strategy);
      p.entry_quantity = rest;
      p.entry_cost = rest * price;
      p.fees = fee - closing_fee;
      p.quantity = side == Side::buy ? rest : -rest;
    }
  }

  [[nodiscard]] Decimal cash() const noexcept { return cash_; }
  [[nodiscard]] Decimal fees() const noexcept { return fees_; }
  [[nodiscard]] const std::map<std::string, Position>& positions() const noexcept {
    return positions_;
  }
  [[nodiscard]] bool exposed() const noexcept {
    return std::any_of(positions_.begin(), positions_.end(),
                       [](const auto& p) { return !p.second.quantity.is_zero(); });
  }
  std::vector<BacktestTrade>& trades() noexcept { return trades_; }

 private:
  static void start(Position& p, Side side, Timestamp at, const std::string& strategy) {
    p.side = side;
    p.entry_time = at;
    p.entry_quantity = {};
    p.entry_cost = {};
    p.exit_quantity = {};
    p.exit_value = {};
    p.fees = {};
    p.strategy = strategy;
    p.exit_reason.clear();
  }
  void finish(const std::string& symbol, const Position& p) {
    BacktestTrade t;
    t.symbol = symbol;
    t.side = p.side;
    t.entry_time = p.entry_time;
    t.entry_price = average(p.entry_cost, p.entry_quantity);
    t.exit_time = p.exit_time;
    t.exit_price = average(p.exit_value, p.exit_quantity);
    t.quantity = p.entry_quantity;
    const Decimal gross =
        p.side == Side::buy ? p.exit_value - p.entry_cost : p.entry_cost - p.exit_value;
    t.fees = p.fees;
    t.pnl = gross - p.fees;
    t.strategy = p.strategy;
    t.exit_reason = p.exit_reason;
    trades_.push_back(std::move(t));
  }

  Decimal cash_;
  Decimal fees_;
  std::map<std::string, Position> positions_;
  std::vector<BacktestTrade> trades_;
};

// OHLCV per symbol in fixed buckets.
class CandleSeries {
 public:
  explicit CandleSeries(Duration interval) : interval_(interval) {}
  void price(std::vector<CandleRow>& rows, Timestamp t, Decimal price, Decimal volume) const {
    if (!price.is_positive()) return;
    const Timestamp start = t.floor_to(interval_);
    if (rows.empty() || rows.back().t < start) {
      rows.push_back(CandleRow{start, price, price, price, price, volume});
      return;
    }
    CandleRow& c = rows.back();
    if (c.t != start) return;  // older than the open candle: time went back in a source
    c.h = std::max(c.h, price);
    c.l = std::min(c.l, price);
    c.c = price;
    c.v += volume;
  }
  [[nodiscard]] Duration interval() const noexcept { return interval_; }

 private:
  Duration interval_;
};

// At most `limit` candles: consecutive groups merged into wider aligned buckets.
std::vector<CandleRow> thin_candles(const std::vector<CandleRow>& rows, Duration interval,
                                    std::size_t limit) {
  if (rows.size() <= limit || rows.empty()) return rows;
  const Timestamp first = rows.front().t;
  const Duration span = rows.back().t - first + interval;
  const std::int64_t factor =
      (span.count() / interval.count() + static_cast<std::int64_t>(limit) - 1) /
      static_cast<std::int64_t>(limit);
  const Duration wide = interval * factor;
  std::vector<CandleRow> out;
  for (const auto& r : rows) {
    const Timestamp start = r.t.floor_to(wide);
    if (out.empty() || out.back().t != start) {
      CandleRow c = r;
      c.t = start;
      out.push_back(c);
      continue;
    }
    CandleRow& c = out.back();
    c.h = std::max(c.h, r.h);
    c.l = std::min(c.l, r.l);
    c.c = r.c;
    c.v += r.v;
  }
  return out;
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

void json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  out += buf;
}

void json_number(std::string& out, std::optional<double> v) {
  if (!v) {
    out += "null";
    return;
  }
  json_number(out, *v);
}

void json_decimal(std::string& out, Decimal d) {
  json_string(out, d.to_string());
}

std::string format_rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f M", per_second / 1e6);
  else if (per_second >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1f k", per_second / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", per_second);
  return buf;
}

}  // namespace

EquityStats equity_stats(std::span<const EquityPoint> equity, Duration interval) {
  EquityStats s;
  s.drawdown.reserve(equity.size());
  Decimal peak;
  bool have_peak = false;
  for (const auto& p : equity) {
    if (!have_peak || p.equity > peak) {
      peak = p.equity;
      have_peak = true;
    }
    const Decimal dd = peak - p.equity;
    if (dd > s.max_drawdown) s.max_drawdown = dd;
    const double fraction = peak.is_positive() ? dd.to_double() / peak.to_double() : 0.0;
    s.drawdown.push_back(fraction);
    s.max_drawdown_fraction = std::max(s.max_drawdown_fraction, fraction);
  }
  std::vector<double> returns;
  returns.reserve(equity.size());
  for (std::size_t i = 1; i < equity.size(); ++i) {
    const double before = equity[i - 1].equity.to_double();
    if (before <= 0.0) continue;
    returns.push_back(equity[i].equity.to_double() / before - 1.0);
  }
  if (returns.size() < 2 || interval <= Duration::zero()) return s;
  double mean = 0.0;
  for (const double r : returns) mean += r;
  mean /= static_cast<double>(returns.size());
  double var = 0.0;
  double down = 0.0;
  for (const double r : returns) {
    var += (r - mean) * (r - mean);
    if (r < 0.0) down += r * r;
  }
  var /= static_cast<double>(returns.size());
  down /= static_cast<double>(returns.size());
  const double periods = kSecondsPerYear / std::chrono::duration<double>(interval).count();
  const double annual = std::sqrt(periods);
  const double sd = std::sqrt(var);
  const double dd = std::sqrt(down);
  // Below these, the spread is rounding noise of a flat series, not risk.
  if (sd > 1e-15) s.sharpe = mean / sd * annual;
  if (dd > 1e-15) s.sortino = mean / dd * annual;
  return s;
}

Result<BacktestResult> run_backtest(const BacktestOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (options.files.empty())
    return Error{ErrorCode::invalid_argument, "backtest: no input file given"};
  if (options.from && options.to && *options.to <= *options.from)
    return Error{ErrorCode::invalid_argument, "backtest: --to " + options.to->to_iso8601() +
                                                  " is not after --from " +
                                                  options.from->to_iso8601()};

  // Sources, their instruments in a registry of their own (mapped onto the server's below).
  InstrumentRegistry sources_registry;
  std::vector<std::unique_ptr<replay::EventSource>> sources;
  std::optional<Timestamp> data_end;
  for (const auto& path : options.files) {
    auto opened = replay::open_history_file(path, sources_registry);
    if (!opened) return opened.error();
    if (opened->hour_end && (!data_end || *opened->hour_end > *data_end))
      data_end = opened->hour_end;
    sources.push_back(std::move(opened->source));
  }
  replay::EventMerger merger(std::move(sources));

  // The first event in range (a Tardis file's instruments exist once its first row is read).
  MarketEvent ev;
  replay::ReadOutcome outcome = merger.next(ev);
  while (outcome == replay::ReadOutcome::event && options.from && ev.receive_time < *options.from)
    outcome = merger.next(ev);
  if (outcome == replay::ReadOutcome::error) return merger.error();
  if (outcome == replay::ReadOutcome::event && options.to && ev.receive_time >= *options.to)
    outcome = replay::ReadOutcome::end;

  std::vector<Instrument> instruments;
  for (std::uint32_t i = 0; i < sources_registry.size(); ++i)
    if (const Instrument* inst = sources_registry.get(InstrumentId{i}))
      instruments.push_back(*inst);
  if (instruments.empty())
    return Error{ErrorCode::invalid_argument,
                 "backtest: the files declare no instrument (no header instrument, no row)"};

  const Timestamp start = options.from                            ? *options.from
                          : outcome == replay::ReadOutcome::event ? ev.receive_time
                          : data_end ? *data_end - std::chrono::hours(1)
                                     : Timestamp::from_seconds(1'700'000'000);
  const std::optional<Timestamp> range_end = options.to ? options.to : data_end;

  ScratchDir scratch;
  if (scratch.path().empty())
    return Error{ErrorCode::unavailable, "backtest: cannot create a temporary journal directory"};
  Config config = options.config;
  config.mode = Mode::paper;
  config.market_data.source = MarketDataSource::simulated;
  config.record = false;
  config.data_dir = scratch.path();
  // The whitelist a paper config holds is paper.symbols (the loader sets it so): it becomes the
  // files' symbols (the server's default for an empty one). One that differs stays.
  if (config.risk.whitelist == config.paper.symbols) config.risk.whitelist.clear();
  // The paper account holds its cash in the instruments' quote currency (USDT for Binance spot
  // data) when they share one; with several, in paper.quote_currency (the others cannot be bought).
  if (std::all_of(instruments.begin(), instruments.end(),
                  [&](const Instrument& i) { return i.quote == instruments.front().quote; }))
    config.paper.quote_currency = instruments.front().quote;

  BacktestResult result;
  ManualClock clock(start);
  Ledger ledger(config.paper.starting_cash);
  TradingServer* server_ptr = nullptr;
  std::unordered_map<std::string, std::string> lead_of_symbol;  // the last signal's lead
  std::unordered_map<std::uint64_t, std::string> strategy_of_order;

  ServerOptions so;
  so.feed = MarketFeed::in_process;
  so.manual_dispatch = true;
  so.simulate_market = false;
  so.warm_up_candles = 0;
  so.instruments = instruments;
  so.durable_journal = false;
  so.on_signal = [&](const SignalMsg& m) {
    if (server_ptr == nullptr) return;
    lead_of_symbol[std::string(server_ptr->registry().symbols().name(m.symbol))] =
        m.strategy.empty() ? std::string("operator") : std::string(m.strategy);
  };
  so.on_intent = [&](const venues::PlaceIntent& i, Timestamp /*tick*/) {
    if (options.keep_orders) result.orders.push_back(i);
    if (i.reduce_only) return;
    auto it = lead_of_symbol.find(i.canonical);
    strategy_of_order[i.sequence] = it != lead_of_symbol.end() ? it->second : "unknown";
  };
  so.on_event = [&](const TradeEvent& e) {
    if (e.kind != "fill" && e.kind != "exit") return;
    // A fill applied ("fill", or "exit" for an exit order's): the only ones with a trade id.
    const std::string_view symbol = field(e, "symbol");
    if (symbol.empty() || field(e, "trade_id").empty()) return;
    BacktestFill f;
    f.at = e.at;
    f.symbol = std::string(symbol);
    f.sequence = std::strtoull(std::string(field(e, "sequence")).c_str(), nullptr, 10);
    f.side = std::string(field(e, "side"));
    f.quantity = parse_or_zero(field(e, "quantity"));
    f.price = parse_or_zero(field(e, "price"));
    f.fee = parse_or_zero(field(e, "fee"));
    auto st = strategy_of_order.find(f.sequence);
    const std::string strategy = st != strategy_of_order.end() ? st->second : "unknown";
    ledger.on_fill(f.symbol, f.side == "buy" ? Side::buy : Side::sell, f.quantity, f.price, f.fee,
                   f.at, strategy, field(e, "exit_reason"));
    if (options.keep_orders) result.fills.push_back(std::move(f));
  };
  auto started = TradingServer::start(config, clock, std::move(so));
  if (!started) return started.error().with_context("backtest: trading server");
  std::unique_ptr<TradingServer> server = std::move(*started);
  server_ptr = server.get();
  const InstrumentRegistry& registry = server->registry();
  venues::paper::PaperVenue& paper = *server->paper_venue();

  // The traded symbols: their paper instruments, marks and candles.
  struct Traded {
    std::string name;
    InstrumentId paper;
    Decimal last_trade;
    bool priced = false;  // quotes or trades seen: candles from them, else from the mark
  };
  std::vector<Traded> traded;
  std::vector<std::uint32_t> traded_of_symbol;  // server SymbolId → index into traded
  for (const Instrument* inst : registry.by_venue(Venue::paper)) {
    if (inst->symbol.value >= traded_of_symbol.size())
      traded_of_symbol.resize(inst->symbol.value + 1, kUnmapped);
    traded_of_symbol[inst->symbol.value] = static_cast<std::uint32_t>(traded.size());
    traded.push_back(Traded{inst->canonical, inst->id, {}});
    result.symbols.push_back(inst->canonical);
  }
  const Duration candle_step = std::max<Duration>(
      std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(config.candle_interval));
  const CandleSeries series(candle_step);
  std::vector<std::vector<CandleRow>> candles(traded.size());

  auto mark = [&](const Traded& t) -> Decimal {
    if (auto q = paper.quote(t.paper); q && q->bid.is_positive() && q->ask.is_positive())
      return mid(q->bid, q->ask);
    return t.last_trade;
  };
  auto equity_now = [&]() -> Decimal {
    Decimal e = ledger.cash();
    for (const auto& [symbol, p] : ledger.positions()) {
      if (p.quantity.is_zero()) continue;
      for (const auto& t : traded)
        if (t.name == symbol) e += p.quantity * mark(t);
    }
    return e;
  };
  const Duration sample_every = config.candle_interval > Duration::zero()
                                    ? config.candle_interval
                                    : Duration(std::chrono::seconds(10));
  Timestamp next_sample = start.floor_to(sample_every) + sample_every;
  result.equity.push_back(EquityPoint{start, equity_now()});
  auto sample_until = [&](Timestamp t) {
    while (next_sample <= t) {
      result.equity.push_back(EquityPoint{next_sample, equity_now()});
      for (std::size_t i = 0; i < traded.size(); ++i) {
        // Book-only data has no trades or quotes to draw: the mark is the candle's price.
        if (traded[i].priced) continue;
        series.price(candles[i], next_sample - Duration(1), mark(traded[i]), {});
      }
      next_sample += sample_every;
    }
  };

  // poll() runs actor work until none is left; only a timer falling due can add more.
  auto drain = [&] {
    do {
      (void)server->poll();
    } while (clock.run_due() > 0);
  };
  // Every timer due before `t` fires at its own time, the actors drained after each; then the
  // clock moves to `t`, firing the timers due at `t` (drained with the events of `t`, as a live
  // run's clock step fires them together with the feed's events of that instant).
  auto step_to = [&](Timestamp t) {
    for (;;) {
      const Timestamp d = clock.next_deadline();
      if (d.is_zero() || d >= t) break;
      if (d > clock.now())
        clock.advance_to(d);
      else
        (void)clock.run_due();
      drain();
    }
    if (t > clock.now()) clock.advance_to(t);
  };

  std::vector<std::uint32_t> instrument_map;
  std::vector<std::uint32_t> symbol_map;
  auto map_instrument = [&](InstrumentId id) -> InstrumentId {
    if (!id.valid()) return id;
    if (id.value >= instrument_map.size()) instrument_map.resize(id.value + 1, kNotLooked);
    std::uint32_t& m = instrument_map[id.value];
    if (m == kNotLooked) {
      const Instrument* src = sources_registry.get(id);
      const Instrument* dst =
          src == nullptr ? nullptr : registry.find(src->venue, src->venue_symbol);
      m = dst == nullptr ? kUnmapped : dst->id.value;
    }
    return InstrumentId{m};
  };
  auto map_symbol = [&](SymbolId id) -> SymbolId {
    if (!id.valid()) return id;
    if (id.value >= symbol_map.size()) symbol_map.resize(id.value + 1, kNotLooked);
    std::uint32_t& m = symbol_map[id.value];
    if (m == kNotLooked) {
      auto found = registry.symbols().find(sources_registry.symbols().name(id));
      m = found ? found->value : kUnmapped;
    }
    return m == kUnmapped ? SymbolId{} : SymbolId{m};
  };

  // Progress: a line redrawn in place at most 5 times a second.
  auto last_draw = wall_start;
  auto draw = [&](Timestamp t, bool final) {
    if (options.progress == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_draw < std::chrono::milliseconds(200)) return;
    last_draw = now;
    const double secs = std::chrono::duration<double>(now - wall_start).count();
    const double rate = secs > 0 ? static_cast<double>(result.events.total) / secs : 0.0;
    char line[160];
    if (range_end && *range_end > start) {
      const double done = std::clamp(static_cast<double>((t - start).count()) /
                                         static_cast<double>((*range_end - start).count()),
                                     0.0, 1.0);
      const double eta = done > 0 ? secs * (1.0 - done) / done : 0.0;
      std::snprintf(line, sizeof line, "\r%12llu events  %5.1f %%  %s events/s  ETA %4.0f s ",
                    static_cast<unsigned long long>(result.events.total), done * 100.0,
                    format_rate(rate).c_str(), eta);
    } else {
      std::snprintf(line, sizeof line, "\r%12llu events  %s events/s ",
                    static_cast<unsigned long long>(result.events.total),
                    format_rate(rate).c_str());
    }
    *options.progress << line;
    if (final) *options.progress << '\n';
    options.progress->flush();
  };

  std::int64_t exposed_ns = 0;
  Timestamp last_time = start;
  std::optional<Error> failure;
  while (outcome == replay::ReadOutcome::event) {
    const Timestamp t = std::max(ev.receive_time, clock.now());
    sample_until(t);
    if (ledger.exposed()) exposed_ns += (t - last_time).count();
    last_time = t;
    step_to(t);
    // Every event of this instant (and any a source gives late), then the actors drained.
    do {
      ev.instrument = map_instrument(ev.instrument);
      ev.symbol = map_symbol(ev.symbol);
      if (!result.first_event) result.first_event = ev.receive_time;
      result.last_event = ev.receive_time;
      ++result.events.total;
      const std::uint32_t ti = ev.symbol.valid() && ev.symbol.value < traded_of_symbol.size()
                                   ? traded_of_symbol[ev.symbol.value]
                                   : kUnmapped;
      if (const auto* q = std::get_if<Quote>(&ev.body)) {
        ++result.events.quote;
        if (ti != kUnmapped && q->bid.is_positive() && q->ask.is_positive()) {
          traded[ti].priced = true;
          series.price(candles[ti], t, mid(q->bid, q->ask), {});
        }
      } else if (const auto* tr = std::get_if<Trade>(&ev.body)) {
        ++result.events.trade;
        if (ti != kUnmapped) {
          traded[ti].last_trade = tr->price;
          traded[ti].priced = true;
          series.price(candles[ti], t, tr->price, tr->size);
        }
      } else if (std::holds_alternative<BookChange>(ev.body)) {
        ++result.events.book;
      } else if (std::holds_alternative<VenueStatus>(ev.body)) {
        ++result.events.status;
      }
      server->inject(ev);
      if ((result.events.total & 0xFFFF) == 0) draw(t, false);
      outcome = merger.next(ev);
      if (outcome == replay::ReadOutcome::event && options.to && ev.receive_time >= *options.to)
        outcome = replay::ReadOutcome::end;
    } while (outcome == replay::ReadOutcome::event && ev.receive_time <= t);
    drain();
  }
  if (outcome == replay::ReadOutcome::error) failure = merger.error();

  const Timestamp end = options.to ? std::max(*options.to, clock.now()) : clock.now();
  if (!failure) {
    sample_until(end);
    if (ledger.exposed()) exposed_ns += (end - last_time).count();
    step_to(end);
    drain();
  }
  draw(end, true);
  (void)server->stop();  // resting orders cancelled (Config::shutdown); positions stay open
  drain();
  // The closing point: what the account holds at the end, at the last marks.
  if (!failure) {
    if (result.equity.back().t < end)
      result.equity.push_back(EquityPoint{end, equity_now()});
    else
      result.equity.back().equity = equity_now();
  }
  result.dead_letters = server->dead_letters();
  server_ptr = nullptr;
  server.reset();
  if (failure) return std::move(*failure);

  const EquityStats stats = equity_stats(result.equity, sample_every);
  result.drawdown = stats.drawdown;
  BacktestSummary& s = result.summary;
  s.starting_equity = config.paper.starting_cash;
  s.final_equity = result.equity.back().equity;
  s.pnl = s.final_equity - s.starting_equity;
  s.fees = ledger.fees();
  result.trades = std::move(ledger.trades());
  std::map<std::string, StrategyAttribution> by_strategy;
  for (const auto& t : result.trades) {
    s.realized_pnl += t.pnl;
    ++s.trades;
    const bool win = t.pnl.is_positive();
    if (win) ++s.wins;
    auto& a = by_strategy[t.strategy];
    a.strategy = t.strategy;
    ++a.trades;
    if (win) ++a.wins;
    a.pnl += t.pnl;
  }
  for (auto& [name, a] : by_strategy) result.attribution.push_back(std::move(a));
  s.win_rate = s.trades > 0 ? static_cast<double>(s.wins) / static_cast<double>(s.trades) : 0.0;
  s.max_drawdown = stats.max_drawdown;
  s.max_drawdown_fraction = stats.max_drawdown_fraction;
  s.sharpe = stats.sharpe;
  s.sortino = stats.sortino;
  const std::int64_t span = (end - start).count();
  s.exposure_time_fraction =
      span > 0 ? std::clamp(static_cast<double>(exposed_ns) / static_cast<double>(span), 0.0, 1.0)
               : 0.0;
  for (std::size_t i = 0; i < traded.size(); ++i)
    result.candles[traded[i].name] = thin_candles(candles[i], candle_step, kMaxReportCandles);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

std::string backtest_report_json(const BacktestResult& r, const BacktestOptions& options) {
  std::string out;
  out.reserve(4096 + r.equity.size() * 64 + r.trades.size() * 256);
  out += "{\"nzeza_version\":";
  json_string(out, replay::nzeza_version());
  out += ",\"config\":{\"file\":";
  json_string(out, options.config_file);
  out += ",\"symbols\":[";
  for (std::size_t i = 0; i < r.symbols.size(); ++i) {
    if (i > 0) out += ',';
    json_string(out, r.symbols[i]);
  }
  out += "]},\"range\":{\"from\":";
  const Timestamp from = options.from ? *options.from : r.first_event.value_or(Timestamp{});
  const Timestamp to = options.to ? *options.to : r.last_event.value_or(Timestamp{});
  json_string(out, from.to_iso8601());
  out += ",\"to\":";
  json_string(out, to.to_iso8601());
  out += "},\"events\":{\"quote\":" + std::to_string(r.events.quote) +
         ",\"trade\":" + std::to_string(r.events.trade) +
         ",\"book\":" + std::to_string(r.events.book) +
         ",\"status\":" + std::to_string(r.events.status) +
         ",\"total\":" + std::to_string(r.events.total) + "}";
  const BacktestSummary& s = r.summary;
  out += ",\"summary\":{\"starting_equity\":";
  json_decimal(out, s.starting_equity);
  out += ",\"final_equity\":";
  json_decimal(out, s.final_equity);
  out += ",\"pnl\":";
  json_decimal(out, s.pnl);
  out += ",\"realized_pnl\":";
  json_decimal(out, s.realized_pnl);
  out += ",\"fees\":";
  json_decimal(out, s.fees);
  out += ",\"trades\":" + std::to_string(s.trades) + ",\"wins\":" + std::to_string(s.wins);
  out += ",\"win_rate\":";
  json_number(out, s.win_rate);
  out += ",\"max_drawdown\":";
  json_decimal(out, s.max_drawdown);
  out += ",\"max_drawdown_fraction\":";
  json_number(out, s.max_drawdown_fraction);
  out += ",\"sharpe\":";
  json_number(out, s.sharpe);
  out += ",\"sortino\":";
  json_number(out, s.sortino);
  out += ",\"exposure_time_fraction\":";
  json_number(out, s.exposure_time_fraction);
  out += '}';

  // Equity and drawdown: every k-th point (and the last) when there are many.
  const std::size_t n = r.equity.size();
  const std::size_t stride =
      n > kMaxReportPoints ? (n + kMaxReportPoints - 1) / kMaxReportPoints : 1;
  auto kept = [&](std::size_t i) { return i % stride == 0 || i + 1 == n; };
  out += ",\"equity\":[";
  bool first = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (!kept(i)) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"t\":" + std::to_string(r.equity[i].t.seconds()) + ",\"equity\":";
    json_decimal(out, r.equity[i].equity);
    out += '}';
  }
  out += "],\"drawdown\":[";
  first = true;
  for (std::size_t i = 0; i < n && i < r.drawdown.size(); ++i) {
    if (!kept(i)) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"t\":" + std::to_string(r.equity[i].t.seconds()) + ",\"fraction\":";
    json_number(out, r.drawdown[i]);
    out += '}';
  }
  out += "],\"candles\":{";
  first = true;
  for (const auto& [symbol, rows] : r.candles) {
    if (!first) out += ',';
    first = false;
    json_string(out, symbol);
    out += ":[";
    std::int64_t previous = std::numeric_limits<std::int64_t>::min();
    bool first_row = true;
    for (const auto& c : rows) {
      if (c.t.seconds() <= previous) continue;  // the report wants strictly later candles
      previous = c.t.seconds();
      if (!first_row) out += ',';
      first_row = false;
      out += "{\"t\":" + std::to_string(c.t.seconds()) + ",\"o\":";
      json_decimal(out, c.o);
      out += ",\"h\":";
      json_decimal(out, c.h);
      out += ",\"l\":";
      json_decimal(out, c.l);
      out += ",\"c\":";
      json_decimal(out, c.c);
      out += ",\"v\":";
      json_decimal(out, c.v);
      out += '}';
    }
    out += ']';
  }
  out += "},\"trades\":[";
  for (std::size_t i = 0; i < r.trades.size(); ++i) {
    const BacktestTrade& t = r.trades[i];
    if (i > 0) out += ',';
    out += "{\"symbol\":";
    json_string(out, t.symbol);
    out += ",\"side\":";
    json_string(out, to_string(t.side));
    out += ",\"entry_time\":" + std::to_string(t.entry_time.seconds()) + ",\"entry_price\":";
    json_decimal(out, t.entry_price);
    out += ",\"exit_time\":" + std::to_string(t.exit_time.seconds()) + ",\"exit_price\":";
    json_decimal(out, t.exit_price);
    out += ",\"quantity\":";
    json_decimal(out, t.quantity);
    out += ",\"pnl\":";
    json_decimal(out, t.pnl);
    out += ",\"fees\":";
    json_decimal(out, t.fees);
    out += ",\"strategy\":";
    json_string(out, t.strategy);
    out += ",\"exit_reason\":";
    json_string(out, t.exit_reason);
    out += '}';
  }
  out += "],\"attribution\":[";
  for (std::size_t i = 0; i < r.attribution.size(); ++i) {
    const StrategyAttribution& a = r.attribution[i];
    if (i > 0) out += ',';
    out += "{\"strategy\":";
    json_string(out, a.strategy);
    out += ",\"trades\":" + std::to_string(a.trades) + ",\"wins\":" + std::to_string(a.wins) +
           ",\"pnl\":";
    json_decimal(out, a.pnl);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string backtest_summary_text(const BacktestResult& r) {
  const BacktestSummary& s = r.summary;
  char buf[256];
  std::string out;
  out += "backtest: " + std::to_string(r.symbols.size()) + " symbol(s)";
  for (const auto& sym : r.symbols) out += ' ' + sym;
  out += '\n';
  if (r.first_event && r.last_event)
    out +=
        "  range      " + r.first_event->to_iso8601() + " .. " + r.last_event->to_iso8601() + '\n';
  std::snprintf(buf, sizeof buf,
                "  events     %llu (quotes %llu, trades %llu, book %llu, status %llu)\n",
                static_cast<unsigned long long>(r.events.total),
                static_cast<unsigned long long>(r.events.quote),
                static_cast<unsigned long long>(r.events.trade),
                static_cast<unsigned long long>(r.events.book),
                static_cast<unsigned long long>(r.events.status));
  out += buf;
  out += "  equity     " + s.starting_equity.to_string() + " -> " + s.final_equity.to_string() +
         " (pnl " + s.pnl.to_string() + ", realized " + s.realized_pnl.to_string() + ", fees " +
         s.fees.to_string() + ")\n";
  std::snprintf(buf, sizeof buf, "  trades     %llu, %llu won (win rate %.1f %%)\n",
                static_cast<unsigned long long>(s.trades), static_cast<unsigned long long>(s.wins),
                s.win_rate * 100.0);
  out += buf;
  std::snprintf(buf, sizeof buf, "  drawdown   max %s (%.2f %%)\n",
                s.max_drawdown.to_string().c_str(), s.max_drawdown_fraction * 100.0);
  out += buf;
  auto ratio = [](std::optional<double> v) {
    if (!v) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", *v);
    return std::string(b);
  };
  out += "  ratios     sharpe " + ratio(s.sharpe) + ", sortino " + ratio(s.sortino) +
         " (annualised)\n";
  std::snprintf(buf, sizeof buf, "  exposure   %.1f %% of the time\n",
                s.exposure_time_fraction * 100.0);
  out += buf;
  for (const auto& a : r.attribution)
    out += "  strategy   " + a.strategy + ": " + std::to_string(a.trades) + " trade(s), " +
           std::to_string(a.wins) + " won, pnl " + a.pnl.to_string() + '\n';
  return out;
}

}  // namespace nzeza::app
