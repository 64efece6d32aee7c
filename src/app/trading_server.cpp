#include "app/trading_server.hpp"

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "actor/actor.hpp"
#include "app/live_feeds.hpp"
#include "app/market_data_hop.hpp"
#include "app/market_data_instruments.hpp"
#include "app/market_shard.hpp"
#include "app/portfolio_actor.hpp"
#include "app/recovery.hpp"
#include "app/simulated_feed_server.hpp"
#include "app/simulated_market.hpp"
#include "app/unresolved_orders.hpp"
#include "app/venue_set.hpp"
#include "core/non_copyable.hpp"
#include "market/candle_aggregate.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "replay/recorder_actor.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/order_tracker.hpp"
#include "venues/paper/paper_venue.hpp"
#include "venues/router.hpp"
#include "venues/venue_health.hpp"

namespace nzeza::app {
namespace {

constexpr std::size_t kSymbolsPerShard = 4;
constexpr std::size_t kMarketMailbox = 4096;
constexpr std::size_t kOrderMailbox = 65536;
// The recorder's mailbox (drop-oldest): a burst this long waits; a longer one loses its oldest
// events (counted), never slows a feed.
constexpr std::size_t kRecorderMailbox = 65536;

using ShardRef = MarketShard::Self;
using ExecutionRef = Execution::Self;
using PortfolioRef = PortfolioActor::Self;

Result<Instrument> paper_instrument(const PaperInstrumentConfig& p) {
  const auto dash = p.symbol.find('-');
  if (dash == std::string::npos)
    return Error{ErrorCode::invalid_argument, "paper symbol '" + p.symbol + "' is not BASE-QUOTE"};
  Instrument i;
  i.venue = Venue::paper;
  i.canonical = p.symbol;
  i.venue_symbol = p.symbol;
  i.base = p.symbol.substr(0, dash);
  i.quote = p.symbol.substr(dash + 1);
  i.tick_size = p.tick;
  i.lot_size = p.lot;
  i.min_size = p.lot;
  return i;
}

// The feed's sink: every event a feed decodes goes where an injected one goes.
class ForwardSink final : public MarketEventSink {
 public:
  explicit ForwardSink(std::function<void(const MarketEvent&)> fn) : fn_(std::move(fn)) {}
  void on_event(const MarketEvent& e) override { fn_(e); }

 private:
  std::function<void(const MarketEvent&)> fn_;
};

}  // namespace

struct TradingServer::Impl : NonCopyable {
  Config config;
  Clock& clock;
  ServerOptions options;
  InstrumentRegistry registry;
  // The journal (data_dir/journal.sqlite): outlives every actor and client that writes to it.
  std::unique_ptr<store::Journal> journal;
  // Sockets (loopback feed, live feeds and clients); the venues are destroyed before it and
  // after the router and tracker that refer to their clients.
  std::unique_ptr<net::NetContext> net;
  std::unique_ptr<VenueSet> venues;
  std::vector<std::string> symbols;  // canonical symbols traded, in config order
  std::unique_ptr<ClientIdCodec> codec;
  std::unique_ptr<ClientIdCounter> counter;
  venues::VenueHealth health;
  std::unique_ptr<venues::paper::PaperVenue> paper;
  std::unique_ptr<venues::VenueClient> paper_client;  // options.wrap_venue(*paper), if set
  // What the router and the tracker use in paper mode: no limiter, no breaker, only the request
  // metrics every venue's calls get. Declared before the tracker and the router: it outlives them.
  std::unique_ptr<venues::ThrottledClient> paper_throttled;
  std::unique_ptr<venues::OrderTracker> tracker;
  std::unique_ptr<venues::Router> router;
  ExecutionConfig exec_config;
  RecoveryReport recovery;  // the start-up reconciliation's
  // The orders the reconciliation left unresolved (recover_state), handed to the tracker once
  // its resolutions have a listener (spawn_actors).
  std::vector<RecoveredOrder> unresolved_at_start;
  UnresolvedOrders unresolved;
  std::unique_ptr<ExecutionState> execution_state;
  std::unique_ptr<PortfolioState> portfolio_state;
  // Dispatchers outlive the system (declared before it: destroyed after).
  std::unique_ptr<actor::Dispatcher> market_thread;
  std::unique_ptr<actor::Dispatcher> order_thread;
  std::unique_ptr<actor::Dispatcher> recorder_thread;
  std::unique_ptr<actor::ActorSystem> system;
  std::vector<std::shared_ptr<ShardRef>> shards;
  std::vector<std::unique_ptr<MarketDataHop<ShardRef>>> hops;
  std::map<std::uint32_t, std::size_t> shard_of;  // SymbolId → shard index
  std::shared_ptr<ExecutionRef> execution = std::make_shared<ExecutionRef>();
  std::shared_ptr<PortfolioRef> portfolio = std::make_shared<PortfolioRef>();
  store::StoreActor::Ref store;
  // config.record: what the server trades on, recorded under data_dir/recordings.
  std::shared_ptr<replay::RecorderActor::Self> recorder;
  std::optional<SimulatedMarket> market;
  // Loopback feed (MarketFeed::loopback): the generator serves Coinbase market data on a loopback
  // WebSocket; a real FeedSession with the Coinbase codec reads it back.
  std::unique_ptr<SimulatedFeedServer> feed_server;
  std::unique_ptr<ForwardSink> feed_sink;
  std::vector<std::unique_ptr<net::HttpClient>> feed_http;  // REST book snapshots (Binance)
  std::vector<std::unique_ptr<venues::feed::FeedSession>> feeds;
  std::vector<std::string> feed_names;  // beside feeds
  std::size_t warm_candles = 0;
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::int64_t> last_event_ns{0};
  LatencyHistogram tick_to_order;      // written on the execution thread, read by status()
  LatencyHistogram tick_to_reference;  // written on the market thread, read by status()
  std::atomic<std::uint64_t> market_version{0};
  // The operator API's stream (set_observer): read on pipeline threads, kept alive in `observed`.
  std::atomic<ServerObserver*> observer{nullptr};
  std::mutex observed_mu;
  std::vector<std::shared_ptr<ServerObserver>> observed;
  bool stopped = false;
  std::string banner;
  // The newest warnings and errors among the events (alerts()); any thread writes, the API reads.
  mutable std::mutex alerts_mu;
  std::deque<Alert> alert_ring;

  Impl(const Config& c, Clock& k, ServerOptions o) : config(c), clock(k), options(std::move(o)) {
    // Every event goes through here first: the alerts are kept whoever else listens.
    options.on_event = [this, user = std::move(options.on_event)](const TradeEvent& e) {
      keep_alert(e);
      if (user) user(e);
    };
  }
  void keep_alert(const TradeEvent& e) {
    const std::string_view level = alert_level(e);
    if (level.empty()) return;
    std::lock_guard lock(alerts_mu);
    alert_ring.push_back(Alert{e.at, std::string(level), e.kind, e.text});
    if (alert_ring.size() > kAlertRing) alert_ring.pop_front();
  }
  // An order's sequence from a client id: our decimal sequence, or a venue's form of it.
  [[nodiscard]] std::optional<std::uint64_t> sequence_of(std::string_view client_id) const {
    std::uint64_t seq = 0;
    const auto [end, ec] =
        std::from_chars(client_id.data(), client_id.data() + client_id.size(), seq);
    if (ec == std::errc{} && end == client_id.data() + client_id.size() && seq != 0) return seq;
    if (codec)
      for (const Venue v : kAllVenues)
        if (auto decoded = codec->decode(v, client_id)) return decoded;
    return std::nullopt;
  }
  ~Impl() {
    // Whatever calls into the server from another thread goes first, while everything it calls
    // (tracker, router, the actor ref holders, this Impl) is still alive; the members then go in
    // reverse order with no other thread inside. stop() did most of it; this also covers a
    // start() that failed half-way.
    //   1. The order tracker's timers (clock thread): it calls the clients on its own no more.
    //   2. The paper venue: its destructor cancels its timers and waits for a running one; its
    //      pending calls complete (cancelled) here, into the tracker and the router. Its
    //      ThrottledClient stays until the members go, after the tracker: those completions
    //      reach the tracker through it, and the tracker asks it for the venue's client.
    //   3. Feeds, then the live venues: a client's destructor waits for its requests in flight,
    //      whose callbacks run on the network thread into the tracker, the router and the
    //      holders — alive until the members go, after this body.
    if (tracker) tracker->quiesce();
    paper_client.reset();
    paper.reset();
    feeds.clear();
    venues.reset();
  }

  Status open_journal();
  Status open_live();
  Status build_paper();
  Status start_live_market();
  void warm_up_from(venues::VenueClient& client, InstrumentId instrument, SymbolId symbol,
                    std::vector<Duration> intervals);
  Status build_routing();
  Status recover_state();
  Status spawn_actors();
  Status spawn_recorder();
  [[nodiscard]] std::vector<venues::VenueClient*> trading_clients() const;
  Status start_market();
  void inject(const MarketEvent& e);
  template <typename Ref, typename Req>
  Result<typename Req::Reply> ask(const Ref& ref, Req req);
};

// g++ 12 at -O1 with ASan (the asan preset) reports OpenOptions' optional<string> as maybe
// uninitialized on its default construction: a known false positive of that pairing.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
Status TradingServer::Impl::open_live() {
  net = std::make_unique<net::NetContext>();
  net->start();
  OpenOptions oo;
  oo.ca_file = options.ca_file;
  oo.deadline = options.open_deadline;
  auto opened = open_venues(config, *net, clock, registry, oo);
  if (!opened) return opened.error();
  venues = std::move(*opened);
  banner = app::start_banner(*venues, config, registry);
  if (config.mode == Mode::live) {
    for (const InstrumentId id : venues->instruments()) {
      const Instrument* inst = registry.get(id);
      if (inst != nullptr &&
          std::find(symbols.begin(), symbols.end(), inst->canonical) == symbols.end())
        symbols.push_back(inst->canonical);
    }
  }
  return {};
}

#pragma GCC diagnostic pop

Status TradingServer::Impl::start_live_market() {
  auto made = live_feeds(*venues, registry, options.ca_file);
  if (!made) return made.error().with_context("market_data");
  feed_sink = std::make_unique<ForwardSink>([this](const MarketEvent& e) { inject(e); });
  for (auto& f : *made) {
    const Venue venue = f.options.venue;
    net::HttpClientConfig hc;
    hc.tls = f.options.tls;
    feed_http.push_back(std::make_unique<net::HttpClient>(*net, clock, hc));
    feeds.push_back(std::make_unique<venues::feed::FeedSession>(*net, clock, registry, f.options,
                                                                std::move(f.factory), *feed_sink,
                                                                feed_http.back().get()));
    feed_names.push_back(std::string(to_string(venue)));
    if (auto st = feeds.back()->start(); !st)
      return st.error().with_context(std::string(to_string(venue)) + " feed");
  }
  // Warm-up from each symbol's first venue with a client (live mode): its REST candle history.
  if (options.warm_up_candles == 0 || !venues->trading()) return {};
  std::vector<std::string> done;
  for (const auto& v : venues->venues()) {
    venues::VenueClient* client = v->trading_client();
    if (client == nullptr) continue;
    for (const InstrumentId id : v->instruments) {
      const Instrument* inst = registry.get(id);
      if (inst == nullptr || std::find(done.begin(), done.end(), inst->canonical) != done.end())
        continue;
      done.push_back(inst->canonical);
      // The interval itself, else one a venue commonly offers that divides it (aggregated).
      std::vector<Duration> intervals{config.candle_interval};
      for (const Duration d :
           {Duration(std::chrono::seconds(1)), Duration(std::chrono::minutes(1))})
        if (d < config.candle_interval && config.candle_interval % d == Duration::zero())
          intervals.push_back(d);
      warm_up_from(*client, id, inst->symbol, std::move(intervals));
    }
  }
  return {};
}

void TradingServer::Impl::warm_up_from(venues::VenueClient& client, InstrumentId instrument,
                                       SymbolId symbol, std::vector<Duration> intervals) {
  if (intervals.empty()) return;
  const Duration fetch = intervals.front();
  const std::size_t factor = static_cast<std::size_t>(config.candle_interval / fetch);
  const std::size_t count = options.warm_up_candles * factor + factor - 1;
  auto shard_it = shard_of.find(symbol.value);
  if (shard_it == shard_of.end()) return;
  std::shared_ptr<ShardRef> shard = shards[shard_it->second];
  const Venue venue = client.venue();
  auto on_event = options.on_event;
  Clock* clk = &clock;
  const Duration wanted = config.candle_interval;
  client.candles(
      instrument, fetch, count,
      [this, &client, instrument, symbol, intervals, fetch, wanted, shard, venue, on_event,
       clk](Result<std::vector<market::Candle>> r) mutable {
        if (!r) {
          if (r.error().code == ErrorCode::invalid_argument && intervals.size() > 1) {
            intervals.erase(intervals.begin());
            warm_up_from(client, instrument, symbol, std::move(intervals));
            return;
          }
          if (on_event)
            on_event(TradeEvent{clk->now(),
                                "warm-up",
                                std::string(to_string(venue)) + ": no candle history (" +
                                    r.error().message + "): strategies warm up on live candles",
                                {}});
          return;
        }
        std::vector<market::Candle> candles = std::move(*r);
        if (fetch != wanted) {
          auto agg = market::aggregate_candles(candles, wanted);
          if (!agg) return;
          candles = std::move(*agg);
        }
        (void)shard->tell(WarmUpCandles{symbol, std::move(candles),
                                        std::string(to_string(venue)) + ' ' +
                                            std::to_string(fetch.count() / 1'000'000'000) + "s"});
      });
}

Status TradingServer::Impl::open_journal() {
  auto opened = store::Journal::open(store::journal_path(config.data_dir),
                                     store::JournalOptions{options.durable_journal});
  if (!opened)
    return opened.error().with_context("journal (data_dir = \"" + config.data_dir + "\")");
  journal = std::move(*opened);
  return {};
}

Status TradingServer::Impl::build_paper() {
  if (!options.instruments.empty()) {
    // The given instruments' canonical symbols, each traded on the paper venue with its rules.
    for (const Instrument& given : options.instruments) {
      if (given.venue != Venue::paper && registry.find(given.venue, given.venue_symbol) == nullptr)
        if (auto id = registry.add(given); !id) return id.error().with_context("instruments");
      if (std::find(symbols.begin(), symbols.end(), given.canonical) != symbols.end()) continue;
      symbols.push_back(given.canonical);
      Instrument inst = given;
      inst.id = InstrumentId{};
      inst.symbol = SymbolId{};
      inst.venue = Venue::paper;
      inst.venue_symbol = given.canonical;
      inst.ws_symbol.clear();
      if (auto id = registry.add(std::move(inst)); !id)
        return id.error().with_context("paper instrument for " + given.canonical);
    }
  }
  if (symbols.empty()) symbols = config.paper.symbols;
  for (const auto& symbol :
       options.instruments.empty() ? config.paper.symbols : std::vector<std::string>{}) {
    const PaperInstrumentConfig* spec = nullptr;
    for (const auto& p : config.paper.instruments)
      if (p.symbol == symbol) spec = &p;
    if (spec == nullptr)
      return Error{ErrorCode::invalid_argument, "paper.symbols: no instrument for " + symbol};
    auto inst = paper_instrument(*spec);
    if (!inst) return inst.error();
    if (auto id = registry.add(*inst); !id) return id.error();
  }
  venues::paper::PaperConfig pc;
  pc.taker_fee_bps = config.paper.taker_fee_bps;
  pc.maker_fee_bps = config.paper.maker_fee_bps;
  pc.slippage_bps = config.paper.slippage_bps;
  pc.order_latency = config.paper.order_latency;
  pc.cancel_latency = config.paper.cancel_latency;
  pc.latency_seed = config.paper.latency_seed;
  pc.queue_cancels = config.paper.queue_cancels;
  paper = std::make_unique<venues::paper::PaperVenue>(clock, registry, pc);
  // The paper venue lives in this process: its account is what the journal's paper fills made of
  // the starting cash (a first run: the starting cash alone), and nothing rests there any more.
  std::map<std::string, Decimal, std::less<>> funds{
      {config.paper.quote_currency, config.paper.starting_cash}};
  auto state = journal->load();
  if (!state) return state.error().with_context("journal");
  for (const auto& r : state->fills) {
    const domain::Fill& f = r.fill;
    if (f.venue != Venue::paper) continue;
    const Instrument* inst = registry.find(Venue::paper, f.venue_symbol);
    if (inst == nullptr)
      return Error{ErrorCode::invalid_argument,
                   "journal: a paper fill on " + f.venue_symbol +
                       ", which paper.symbols no longer lists: add it back, or start with a new "
                       "data_dir"};
    const Decimal cost = f.price * f.quantity;
    const bool buy = f.side == Side::buy;
    funds[inst->base] += buy ? f.quantity : -f.quantity;
    funds[inst->quote] += buy ? -cost : cost;
    if (!f.fee.is_zero()) funds[f.fee_currency] -= f.fee;
  }
  for (const auto& [currency, amount] : funds) {
    if (amount.is_negative())
      return Error{ErrorCode::invalid_argument,
                   "journal: the paper fills leave " + amount.to_string() + ' ' + currency +
                       " (less than nothing): the journal does not belong to this paper account; "
                       "start with a new data_dir"};
    if (amount.is_zero()) continue;
    if (auto st = paper->deposit(currency, amount); !st)
      return st.error().with_context("paper account from the journal");
  }
  for (const auto& o : state->orders) {
    if (o.venue && *o.venue != Venue::paper) continue;
    store::OrderEventRecord e;
    e.sequence = o.intent.sequence;
    e.venue = Venue::paper;
    e.client_order_id = o.client_order_id;
    e.filled = o.filled;
    e.at = clock.now();
    if (o.phase == store::OrderPhase::working) {
      e.phase = store::OrderPhase::done;
      e.status = domain::VenueOrderStatus::cancelled;
      e.detail = "the paper venue restarted: what rested there is gone";
    } else {
      e.phase = store::OrderPhase::never_executed;
      e.detail = "the paper venue restarted before answering";
    }
    journal->record(std::move(e));
  }
  if (auto flushed = journal->flush(); !flushed) return flushed.error().with_context("journal");
  return {};
}

Status TradingServer::Impl::build_routing() {
  auto codec_made = ClientIdCodec::create("nz");
  if (!codec_made) return codec_made.error();
  codec = std::make_unique<ClientIdCodec>(std::move(*codec_made));
  // Client ids never repeat across runs: the counter resumes above the journal's last intent (and
  // never below the session's second × 1000, so a lost journal still gives fresh ids).
  counter = std::make_unique<ClientIdCounter>(
      std::max(journal->last_sequence(), static_cast<std::uint64_t>(clock.now().seconds()) * 1000));

  venues::ResolverConfig rc;
  tracker = std::make_unique<venues::OrderTracker>(clock, rc);
  router = std::make_unique<venues::Router>(registry, *codec, health);
  if (venues && venues->trading()) {
    // Live: every venue's ThrottledClient; each symbol to the venues listing it, in config order
    // (the first is the primary, the others fallbacks before sending).
    std::map<std::string, std::vector<Venue>> by_symbol;
    for (const auto& v : venues->venues()) {
      venues::VenueClient* client = v->trading_client();
      if (client == nullptr) continue;
      if (auto st = tracker->add_client(*client); !st) return st.error();
      if (auto st = router->add_client(*client); !st) return st.error();
      if (v->breaker) health.watch_circuit(v->config.venue, *v->breaker);
      for (const InstrumentId id : v->instruments) {
        const Instrument* inst = registry.get(id);
        if (inst != nullptr) by_symbol[inst->canonical].push_back(v->config.venue);
      }
    }
    for (const auto& symbol : symbols) {
      venues::SymbolRoute route{symbol, by_symbol[symbol].front(), {}};
      route.fallbacks.assign(by_symbol[symbol].begin() + 1, by_symbol[symbol].end());
      if (auto st = router->add_route(std::move(route)); !st) return st.error();
    }
  }
  if (paper) {
    if (options.wrap_venue) paper_client = options.wrap_venue(*paper);
    paper_throttled = std::make_unique<venues::ThrottledClient>(
        paper_client ? *paper_client : *paper, clock, nullptr, nullptr);
    venues::VenueClient& client = *paper_throttled;
    if (auto st = tracker->add_client(client); !st) return st.error();
    if (auto st = router->add_client(client); !st) return st.error();
    for (const auto& symbol : symbols) {
      if (auto st = router->add_route(venues::SymbolRoute{symbol, Venue::paper, {}}); !st)
        return st.error();
    }
  }
  router->set_sender([this](const domain::OrderSpec& spec, venues::Callback<venues::PlaceAck> cb) {
    tracker->place(spec, std::move(cb));
  });
  router->set_position_locator([this](std::string_view canonical) -> std::optional<Venue> {
    for (const auto& [id, b] : execution_state->books)
      if (b.canonical == canonical && b.position && !b.position->quantity().is_zero())
        return b.venue;
    return std::nullopt;
  });
  if (paper) {
    router->set_reference_price([this](InstrumentId id, Side side) -> std::optional<Decimal> {
      auto q = paper->quote(id);
      if (!q) return std::nullopt;
      return side == Side::buy ? q->ask : q->bid;
    });
  }

  return {};
}

Status TradingServer::Impl::recover_state() {
  ExecutionConfig& ec = exec_config;
  ec.risk = config.risk;
  if (ec.risk.whitelist.empty()) ec.risk.whitelist = symbols;
  ec.exposure_per_trade = config.sizing.exposure_per_trade;
  ec.min_order_notional = config.sizing.min_order_notional;
  ec.leverage = config.sizing.leverage;
  ec.max_entry_slippage_bps = config.sizing.max_entry_slippage_bps;
  ec.stop_loss = config.exits.stop_loss;
  ec.take_profit = config.exits.take_profit;
  ec.trailing_stop = config.exits.trailing_stop;
  ec.reconcile_every = config.reconciliation.interval;
  auto es = Execution::make_state(ec, clock.now());
  if (!es) return es.error();
  execution_state = std::move(*es);
  // Live: the account starts from what the venues' signed check reported in the quote
  // currencies (USD, USDT, USDC at par; holdings of other coins are the reconciliation's).
  Decimal starting_cash = config.paper.starting_cash;
  if (venues && venues->trading()) {
    starting_cash = Decimal{};
    for (const auto& v : venues->venues())
      for (const auto& b : v->balances)
        if (b.currency() == "USD" || b.currency() == "USDT" || b.currency() == "USDC")
          starting_cash += b.total();
  }
  portfolio_state = PortfolioActor::make_state(starting_cash, clock.now());

  // Fail-closed: before the first order, the journal is matched against every venue (open
  // orders, fills, positions, balances) by client id; a venue that cannot be reconciled refuses
  // the start. What matches is adopted, missed fills are applied once, the rest is reported.
  RecoveryInputs in;
  in.journal = journal.get();
  in.registry = &registry;
  in.codec = codec.get();
  in.clients = trading_clients();
  in.venues_for = [this](std::string_view canonical) {
    venues::PlaceIntent probe;
    probe.canonical = std::string(canonical);
    auto candidates = router->candidates(probe);
    return candidates ? *candidates : std::vector<Venue>{};
  };
  in.clock = &clock;
  if (auto* manual = dynamic_cast<ManualClock*>(&clock); manual != nullptr)
    in.pump = [manual] { (void)manual->run_due(); };
  RecoveryOptions ro;
  ro.external_orders = config.reconciliation.external_orders == ExternalOrders::cancel
                           ? ExternalOrderPolicy::cancel
                           : ExternalOrderPolicy::leave;
  ro.fills_lookback = config.reconciliation.fills_lookback;
  ro.deadline = options.open_deadline;
  auto recovered = recover(in, ro);
  if (!recovered)
    return recovered.error().with_context("start-up reconciliation (no order was sent)");
  recovery = recovered->report;
  if (options.on_event) {
    for (const auto& v : recovery.venues)
      for (const auto& f : v.findings)
        options.on_event(TradeEvent{clock.now(),
                                    "reconciliation",
                                    std::string(to_string(v.venue)) + ": " +
                                        std::string(to_string(f.kind)) + ": " + f.detail,
                                    {{"venue", std::string(to_string(v.venue))},
                                     {"finding", std::string(to_string(f.kind))},
                                     {"severity", std::string(domain::to_string(f.severity))},
                                     {"symbol", f.canonical},
                                     {"key", f.key},
                                     {"blocks", f.blocks ? "true" : "false"}}});
    std::size_t findings = 0;
    for (const auto& v : recovery.venues) findings += v.findings.size();
    options.on_event(TradeEvent{clock.now(),
                                "reconciliation",
                                "journal reconciled with " +
                                    std::to_string(recovery.venues.size()) +
                                    " venue(s): " + std::to_string(findings) + " finding(s), " +
                                    std::to_string(recovery.blocked.size()) + " symbol(s) blocked",
                                {{"findings", std::to_string(findings)},
                                 {"blocked", std::to_string(recovery.blocked.size())}}});
  }
  if (auto st = seed_execution(*recovered, *execution_state, registry, *codec, ec); !st)
    return st.error().with_context("start-up reconciliation");
  const Decimal cash_now = portfolio_state->cash;
  if (auto st = seed_portfolio(*recovered, *portfolio_state, registry, config.sizing.leverage); !st)
    return st.error().with_context("start-up reconciliation");
  if (venues && venues->trading()) {
    // Live: the venues' balances already hold what the journal's fills did; the fills rebuilt
    // positions and fees, not the cash.
    const Decimal fills_did = portfolio_state->cash - portfolio_state->starting_cash;
    portfolio_state->cash = cash_now;
    portfolio_state->starting_cash = cash_now - fills_did;
  }
  portfolio_state->day_start_equity = PortfolioActor::snapshot(*portfolio_state, registry).equity;
  for (const auto& w : recovered->working)
    if (w.order.phase == store::OrderPhase::unresolved) unresolved_at_start.push_back(w);
  // Client ids stay above every id the journal or a venue has seen.
  if (recovered->last_sequence > counter->last())
    counter = std::make_unique<ClientIdCounter>(recovered->last_sequence);
  return {};
}

std::vector<venues::VenueClient*> TradingServer::Impl::trading_clients() const {
  std::vector<venues::VenueClient*> out;
  if (paper) out.push_back(paper.get());
  if (venues)
    for (const auto& v : venues->venues())
      if (v->trading_client() != nullptr) out.push_back(v->trading_client());
  return out;
}

Status TradingServer::Impl::spawn_actors() {
  const ExecutionConfig& ec = exec_config;
  actor::ActorSystemOptions so;
  so.name = "nzeza";
  so.threads = options.manual_dispatch ? 0 : 1;
  so.supervision.max_restarts = 10;
  so.supervision.window = std::chrono::seconds(60);
  so.supervision.backoff_initial = std::chrono::milliseconds(10);
  so.supervision.backoff_max = std::chrono::seconds(1);
  so.supervision.on_limit = actor::OnRestartLimit::stop;
  if (!options.manual_dispatch) {
    // Shards and execution share the `market` thread: a tick reaches its order intent without a
    // second thread wake-up (~40 µs here, ten times the pipeline: docs/performance.md).
    market_thread = std::make_unique<actor::Dispatcher>("market", 1);
    order_thread = std::make_unique<actor::Dispatcher>("orders", 1);
  }
  system = std::make_unique<actor::ActorSystem>(clock, so);

  auto on_event = [this](const TradeEvent& e) {
    if (e.kind == "restart") restarts.fetch_add(1);
    if (options.on_event) options.on_event(e);
    if (auto* o = observer.load(std::memory_order_acquire)) o->on_event(e);
  };

  // The journal's writer, on the order thread (it never waits for anyone but the disk); first,
  // so its wake-up is installed before any actor records anything.
  {
    store::StoreActorOptions so;
    so.on_flush_failed = [this, on_event](const Error& e, std::uint64_t consecutive) {
      if (consecutive == 1 || consecutive % 100 == 0)
        on_event(TradeEvent{clock.now(),
                            "journal",
                            "journal: records not written yet (" + e.message + "), retrying",
                            {{"failures", std::to_string(consecutive)}}});
    };
    auto ref = store::spawn_store_actor(*system, *journal, std::move(so), order_thread.get());
    if (!ref) return ref.error();
    store = *ref;
  }
  // Execution.
  {
    auto opts = actor::SpawnOptions::named("execution", market_thread.get());
    opts.mailbox.with_capacity(kOrderMailbox).with_policy(actor::OverflowPolicy::reject);
    opts.mailbox.conflate_by<ReferenceMark>([](const ReferenceMark& m) { return m.symbol.value; });
    opts.mailbox.conflate_by<AccountUpdate>([](const AccountUpdate&) { return 0; });
    Execution::Deps deps;
    deps.registry = &registry;
    deps.router = router.get();
    deps.tracker = tracker.get();
    deps.counter = counter.get();
    deps.codec = codec.get();
    deps.state = execution_state.get();
    deps.self = execution;
    deps.journal = journal.get();
    deps.to_portfolio = [this](const VenueFillMsg& f) { (void)portfolio->tell(VenueFillMsg(f)); };
    deps.log = on_event;
    deps.on_intent = [this, probe = options.on_intent](const venues::PlaceIntent& intent,
                                                       Timestamp tick) {
      if (!tick.is_zero()) tick_to_order.record(clock.now() - tick);
      if (probe) probe(intent, tick);
    };
    if (options.fault) deps.fault = [f = options.fault](std::string_view m) { f("execution", m); };
    auto ref = system->spawn<Execution>(std::move(opts), [ec, deps]() {
      auto made = Execution::create(ec, deps);
      if (!made) throw std::runtime_error(made.error().message);
      return std::move(*made);
    });
    if (!ref) return ref.error();
    *execution = *ref;
  }
  // Portfolio, after execution: its first AccountUpdate (on start) must find execution bound.
  {
    auto opts = actor::SpawnOptions::named("portfolio", order_thread.get());
    opts.mailbox.with_capacity(kOrderMailbox).with_policy(actor::OverflowPolicy::reject);
    opts.mailbox.conflate_by<ReferenceMark>([](const ReferenceMark& m) { return m.symbol.value; });
    PortfolioActor::Deps deps;
    deps.registry = &registry;
    deps.state = portfolio_state.get();
    deps.self = portfolio;
    deps.leverage = config.sizing.leverage;
    deps.to_execution = [this](const AccountUpdate& a) { (void)execution->tell(AccountUpdate(a)); };
    deps.clients = trading_clients();
    if (options.fault) deps.fault = [f = options.fault](std::string_view m) { f("portfolio", m); };
    auto ref = system->spawn<PortfolioActor>(std::move(opts), [deps, this] {
      if (portfolio_state->starts > 0) restarts.fetch_add(1);
      return std::make_unique<PortfolioActor>(deps);
    });
    if (!ref) return ref.error();
    *portfolio = *ref;
  }
  tracker->on_resolution([this](const venues::ResolutionEvent& e) {
    auto to_execution = [this](const venues::ResolutionEvent& r) {
      (void)execution->tell(venues::ResolutionEvent(r));
    };
    auto fill = [this](const domain::Fill& f) { (void)execution->tell(VenueFillMsg{f}); };
    if (!unresolved.on_resolution(e, router->client(e.venue), fill, to_execution)) to_execution(e);
  });
  // The orders the reconciliation could not settle: resolved from now on like this run's.
  {
    Recovered carried;
    carried.working = std::move(unresolved_at_start);
    auto handed = unresolved.hand_over(carried, *tracker);
    if (!handed) return handed.error().with_context("start-up reconciliation");
  }
  auto handlers = [this] {
    venues::PrivateStreamHandlers h;
    h.on_order = [this](const venues::VenueOrder& o) { (void)execution->tell(VenueOrderMsg{o}); };
    h.on_fill = [this](const domain::Fill& f) { (void)execution->tell(VenueFillMsg{f}); };
    return h;
  };
  if (paper) paper->start(handlers());
  if (venues && venues->trading()) {
    for (const auto& v : venues->venues()) {
      venues::PrivateStream* stream =
          v->trading_client() != nullptr ? v->trading_client()->private_stream() : nullptr;
      if (stream != nullptr) stream->start(handlers());
    }
  }

  // Market shards: kSymbolsPerShard symbols each.
  std::vector<SymbolId> symbol_ids;
  for (const auto& s : symbols) {
    auto id = registry.symbols().find(s);
    if (id) symbol_ids.push_back(*id);
  }
  for (std::size_t first = 0; first < symbol_ids.size(); first += kSymbolsPerShard) {
    MarketShardConfig mc;
    mc.symbols.assign(symbol_ids.begin() + static_cast<std::ptrdiff_t>(first),
                      symbol_ids.begin() + static_cast<std::ptrdiff_t>(std::min(
                                               symbol_ids.size(), first + kSymbolsPerShard)));
    mc.candle_interval = config.candle_interval;
    mc.weights = {config.strategies.fast_scalping, config.strategies.momentum_scalping,
                  config.strategies.conservative_scalping, config.strategies.mean_reversion};
    auto self = std::make_shared<ShardRef>();
    MarketShard::Deps deps;
    deps.registry = &registry;
    deps.self = self;
    deps.on_signal = [this](const SignalMsg& m) {
      if (options.on_signal) options.on_signal(m);
      if (auto* o = observer.load(std::memory_order_acquire)) o->on_signal(m);
      (void)execution->tell(SignalMsg(m));
    };
    deps.on_mark = [this](const ReferenceMark& m) {
      if (!m.tick_received.is_zero()) tick_to_reference.record(clock.now() - m.tick_received);
      market_version.fetch_add(1, std::memory_order_release);
      (void)execution->tell(ReferenceMark(m));
      (void)portfolio->tell(ReferenceMark(m));
      if (auto* o = observer.load(std::memory_order_acquire)) o->on_mark(m);
    };
    deps.on_candle = [this](SymbolId symbol, const market::Candle& c) {
      if (auto* o = observer.load(std::memory_order_acquire)) o->on_candle(symbol, c);
    };
    if (auto probe = MarketShard::create(mc, deps); !probe) return probe.error();
    auto opts =
        actor::SpawnOptions::named("market-" + std::to_string(shards.size()), market_thread.get());
    opts.mailbox = market_data_mailbox(kMarketMailbox);
    auto ref = system->spawn<MarketShard>(std::move(opts), [mc, deps]() {
      auto made = MarketShard::create(mc, deps);
      if (!made) throw std::runtime_error(made.error().message);
      return std::move(*made);
    });
    if (!ref) return ref.error();
    *self = *ref;
    for (const SymbolId s : mc.symbols) shard_of[s.value] = shards.size();
    hops.push_back(std::make_unique<MarketDataHop<ShardRef>>(*self));
    shards.push_back(self);
  }
  return {};
}

Status TradingServer::Impl::spawn_recorder() {
  if (!options.manual_dispatch)
    recorder_thread = std::make_unique<actor::Dispatcher>("recorder", 1);
  recorder = std::make_shared<replay::RecorderActor::Self>();
  replay::RecorderActor::Deps deps;
  deps.registry = &registry;
  deps.writer.dir = options.record_dir.empty()
                        ? std::filesystem::path(config.data_dir) / "recordings"
                        : std::filesystem::path(options.record_dir);
  deps.self = recorder;
  auto ref = system->spawn<replay::RecorderActor>(
      replay::recorder_spawn_options("recorder", kRecorderMailbox, recorder_thread.get()),
      [deps] { return std::make_unique<replay::RecorderActor>(deps); });
  if (!ref) return ref.error().with_context("recorder");
  *recorder = *ref;
  return {};
}

Status TradingServer::Impl::start_market() {
  std::vector<SimulatedInstrument> sims;
  for (const auto& symbol : config.paper.symbols) {
    const Instrument* inst = registry.find_canonical(Venue::paper, symbol);
    const PaperInstrumentConfig* spec = nullptr;
    for (const auto& p : config.paper.instruments)
      if (p.symbol == symbol) spec = &p;
    if (inst == nullptr || spec == nullptr) continue;
    sims.push_back({inst->id, spec->start_price, config.market_data.volatility,
                    config.market_data.spread_ticks});
  }
  const bool loopback = options.feed == MarketFeed::loopback;
  if (loopback) {
    // The feed's instruments: the same canonical symbols as Coinbase products.
    std::vector<InstrumentId> products;
    for (const auto& symbol : config.paper.symbols) {
      auto inst = market_data_instrument(Venue::coinbase, symbol);
      if (!inst) return inst.error().with_context("market_data");
      auto id = registry.add(*inst);
      if (!id) return id.error().with_context("market_data");
      products.push_back(*id);
    }
    auto server = SimulatedFeedServer::start(clock, registry);
    if (!server) return server.error().with_context("simulated feed server");
    feed_server = std::move(*server);
    if (!net) {
      net = std::make_unique<net::NetContext>();
      net->start();
    }
    feed_sink = std::make_unique<ForwardSink>([this](const MarketEvent& e) { inject(e); });
    auto factory = venues::feed::protocol_factory(Venue::coinbase, registry);
    if (!factory) return factory.error();
    venues::feed::FeedOptions fo;
    fo.venue = Venue::coinbase;
    fo.instruments = std::move(products);
    fo.url = feed_server->ws_url();
    fo.rules = venues::feed::default_rules(Venue::coinbase);
    feeds.push_back(std::make_unique<venues::feed::FeedSession>(*net, clock, registry, fo,
                                                                std::move(*factory), *feed_sink));
    feed_names.push_back("coinbase (simulated, loopback)");
    if (auto st = feeds.back()->start(); !st) return st.error().with_context("simulated feed");
  }
  SimulatedMarketConfig mc;
  mc.seed = config.market_data.seed;
  mc.step_interval = config.market_data.step_interval;
  auto made = SimulatedMarket::create(clock, registry, std::move(sims), mc,
                                      [this, loopback](const MarketEvent& e) {
                                        if (loopback)
                                          feed_server->publish(e);
                                        else
                                          inject(e);
                                      });
  if (!made) return made.error().with_context("market_data");
  market.emplace(std::move(*made));
  // Warm-up: the generator's own past, so the strategies can signal from the first candles.
  if (options.warm_up_candles > 0) {
    auto history = market->history(config.candle_interval, options.warm_up_candles);
    if (!history) return history.error().with_context("warm-up");
    for (auto& h : *history) {
      auto it = shard_of.find(h.symbol.value);
      if (it == shard_of.end()) continue;
      warm_candles = std::max(warm_candles, h.candles.size());
      (void)shards[it->second]->tell(WarmUpCandles{h.symbol, std::move(h.candles), "simulator"});
    }
  }
  market->start();
  return {};
}

void TradingServer::Impl::inject(const MarketEvent& e) {
  last_event_ns.store(e.receive_time.ns(), std::memory_order_relaxed);
  if (recorder) (void)recorder->tell(replay::RecordEvent{e});
  if (paper) paper->on_market_event(e);
  // Before the hop: the stream sees a venue's quote before the reference price it moves.
  if (auto* o = observer.load(std::memory_order_acquire)) o->on_market(e);
  auto it = shard_of.find(e.symbol.value);
  if (it != shard_of.end()) hops[it->second]->on_event(e);
}

template <typename Ref, typename Req>
Result<typename Req::Reply> TradingServer::Impl::ask(const Ref& ref, Req req) {
  using R = typename Req::Reply;
  struct Box {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<R>> value;
  };
  auto box = std::make_shared<Box>();
  ref.ask(std::move(req), actor::kNoTimeout, [box](Result<R> r) {
    std::lock_guard lock(box->mu);
    box->value.emplace(std::move(r));
    box->cv.notify_all();
  });
  if (options.manual_dispatch) {
    // Another thread (a socket's) may be about to post the actor's turn: an empty poll is not
    // the end until a short real-time grace has passed.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
      {
        std::lock_guard lock(box->mu);
        if (box->value) return std::move(*box->value);
      }
      if (system->dispatcher().poll() == 0) {
        if (std::chrono::steady_clock::now() > give_up) break;
        std::this_thread::yield();
      }
    }
    std::lock_guard lock(box->mu);
    if (box->value) return std::move(*box->value);
    return Error{ErrorCode::timeout, "no answer from " + ref.name()};
  }
  std::unique_lock lock(box->mu);
  if (!box->cv.wait_for(lock, std::chrono::seconds(5), [&] { return box->value.has_value(); }))
    return Error{ErrorCode::timeout, "no answer from " + ref.name() + " within 5 s"};
  return std::move(*box->value);
}

Result<std::unique_ptr<TradingServer>> TradingServer::start(const Config& config, Clock& clock,
                                                            ServerOptions options) {
  if (config.mode == Mode::live && config.market_data.source != MarketDataSource::live)
    return Error{ErrorCode::invalid_argument,
                 "mode = \"live\" trades real money on real prices only: set market_data.source = "
                 "\"live\""};
  auto impl = std::make_unique<Impl>(config, clock, std::move(options));
  if (auto st = impl->open_journal(); !st) return st.error();
  const bool live_data = config.market_data.source == MarketDataSource::live;
  if (config.mode == Mode::live || live_data) {
    if (auto st = impl->open_live(); !st) return st.error();
  }
  if (config.mode == Mode::paper) {
    if (auto st = impl->build_paper(); !st) return st.error();
  }
  if (impl->symbols.empty())
    return Error{ErrorCode::invalid_argument, "nothing to trade: no symbol configured"};
  if (auto st = impl->build_routing(); !st) return st.error();
  if (auto st = impl->recover_state(); !st) return st.error();
  if (impl->options.reconcile_only) {
    if (impl->banner.empty()) impl->banner = "nzeza: " + summary(config);
    return std::unique_ptr<TradingServer>(new TradingServer(std::move(impl)));
  }
  if (auto st = impl->spawn_actors(); !st) return st.error();
  if (config.record) {
    if (auto st = impl->spawn_recorder(); !st) return st.error();
  }
  if (live_data) {
    if (auto st = impl->start_live_market(); !st) return st.error();
  } else if (impl->options.simulate_market) {
    if (auto st = impl->start_market(); !st) return st.error();
  }
  if (impl->banner.empty()) impl->banner = "nzeza: " + summary(config);
  return std::unique_ptr<TradingServer>(new TradingServer(std::move(impl)));
}

TradingServer::TradingServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TradingServer::~TradingServer() {
  (void)stop();
}

std::uint64_t TradingServer::dead_letters() const noexcept {
  return impl_->system ? impl_->system->dead_letters() : 0;
}

std::size_t TradingServer::poll() {
  return impl_->options.manual_dispatch && impl_->system ? impl_->system->dispatcher().poll() : 0;
}

void TradingServer::inject(const MarketEvent& event) {
  impl_->inject(event);
}

const InstrumentRegistry& TradingServer::registry() const noexcept {
  return impl_->registry;
}

venues::paper::PaperVenue* TradingServer::paper_venue() noexcept {
  return impl_->paper.get();
}

const RecoveryReport& TradingServer::recovery_report() const noexcept {
  return impl_->recovery;
}

store::Journal& TradingServer::journal() noexcept {
  return *impl_->journal;
}

const Config& TradingServer::config() const noexcept {
  return impl_->config;
}

std::string TradingServer::start_banner() const {
  return impl_->banner;
}

Result<Acceptance> TradingServer::accept_venue_state(std::string_view canonical) {
  Impl& m = *impl_;
  if (!m.options.reconcile_only || m.stopped)
    return Error{ErrorCode::invalid_state,
                 "accept: only a reconcile-only server that is not stopped takes the decision"};
  RecoveryInputs in;
  in.journal = m.journal.get();
  in.registry = &m.registry;
  in.codec = m.codec.get();
  in.clients = m.trading_clients();
  in.clock = &m.clock;
  if (auto* manual = dynamic_cast<ManualClock*>(&m.clock); manual != nullptr)
    in.pump = [manual] { (void)manual->run_due(); };
  return app::accept_venue_state(in, canonical, m.options.open_deadline);
}

void TradingServer::set_observer(std::shared_ptr<ServerObserver> observer) {
  std::lock_guard lock(impl_->observed_mu);
  impl_->observer.store(observer.get(), std::memory_order_release);
  if (observer) impl_->observed.push_back(std::move(observer));
}

Status TradingServer::submit_signal(std::string_view symbol, strategy::SignalKind kind,
                                    double confidence) {
  if (!impl_->system) return Error{ErrorCode::invalid_state, "reconcile-only server: no trading"};
  auto id = impl_->registry.symbols().find(symbol);
  if (!id || impl_->shard_of.count(id->value) == 0)
    return Error{ErrorCode::invalid_argument,
                 "signal: unknown symbol '" + std::string(symbol) + "'"};
  SignalMsg m;
  m.symbol = *id;
  m.kind = kind;
  m.confidence = confidence;
  m.candle_end = impl_->clock.now();
  m.from_operator = true;
  if (auto* o = impl_->observer.load(std::memory_order_acquire)) o->on_signal(m);
  return impl_->execution->tell(std::move(m));
}

void TradingServer::kill_switch(bool engage, std::string reason) {
  if (!impl_->system) return;
  (void)impl_->execution->tell(KillSwitch{engage, std::move(reason)});
}

std::string_view alert_level(const TradeEvent& e) noexcept {
  const std::string_view kind = e.kind;
  if (kind == "error" || kind == "restart" || kind == "journal") return "error";
  if (kind == "warning" || kind == "refusal" || kind == "halt" || kind == "cancel")
    return "warning";
  if (kind == "reconciliation") {
    // A symbol blocked (start-up finding that blocks, or a position that differs twice in a
    // row) is an error; another finding a warning; the start-up summary line no alert.
    bool finding = false;
    for (const auto& [k, v] : e.fields) {
      if ((k == "blocks" && v == "true") || k == "venue_quantity") return "error";
      finding = finding || k == "finding";
    }
    return finding ? "warning" : std::string_view{};
  }
  return {};
}

Result<std::uint64_t> TradingServer::place_order(std::string_view symbol, Side side,
                                                 Decimal quantity,
                                                 std::optional<Decimal> limit_price,
                                                 std::string who) {
  Impl& m = *impl_;
  if (!m.system) return Error{ErrorCode::invalid_state, "reconcile-only server: no trading"};
  auto id = m.registry.symbols().find(symbol);
  if (!id || m.shard_of.count(id->value) == 0)
    return Error{ErrorCode::not_found, "order: unknown symbol '" + std::string(symbol) + "'"};
  auto a = m.ask(*m.execution, ManualOrder{*id, side, quantity, limit_price, std::move(who)});
  if (!a) return a.error();
  if (a->refused) return *a->refused;
  return a->sequence;
}

Result<OrderView> TradingServer::order(std::string_view client_id) {
  Impl& m = *impl_;
  if (!m.system) return Error{ErrorCode::invalid_state, "reconcile-only server: no orders"};
  const auto seq = m.sequence_of(client_id);
  if (!seq) return Error{ErrorCode::not_found, "no order '" + std::string(client_id) + "'"};
  auto r = m.ask(*m.execution, OrderQuery{*seq});
  if (!r) return r.error();
  if (!*r)
    return Error{ErrorCode::not_found,
                 "no order '" + std::string(client_id) + "' (unknown, or finished long ago)"};
  return std::move(**r);
}

Result<CancelOrders::Answer> TradingServer::cancel_orders(std::optional<std::string_view> client_id,
                                                          std::string symbol, bool force,
                                                          std::string who) {
  Impl& m = *impl_;
  if (!m.system) return Error{ErrorCode::invalid_state, "reconcile-only server: no orders"};
  CancelOrders c;
  if (client_id) {
    c.sequence = m.sequence_of(*client_id);
    if (!c.sequence)
      return Error{ErrorCode::not_found, "no order '" + std::string(*client_id) + "'"};
  }
  if (!symbol.empty() && !m.registry.symbols().find(symbol))
    return Error{ErrorCode::not_found, "cancel: unknown symbol '" + symbol + "'"};
  c.symbol = std::move(symbol);
  c.force = force;
  c.who = std::move(who);
  auto a = m.ask(*m.execution, std::move(c));
  if (!a) return a.error();
  if (a->refused) return *a->refused;
  return std::move(*a);
}

Result<RecentCandles> TradingServer::candles(std::string_view symbol,
                                             std::optional<Duration> interval, std::size_t limit) {
  Impl& m = *impl_;
  auto id = m.registry.symbols().find(symbol);
  if (!id || m.shard_of.count(id->value) == 0)
    return Error{ErrorCode::not_found, "candles: unknown symbol '" + std::string(symbol) + "'"};
  const Duration step = interval.value_or(m.config.candle_interval);
  RecentCandles out;
  if (step == m.config.candle_interval && m.system) {
    auto r = m.ask(*m.shards[m.shard_of.at(id->value)], CandlesQuery{*id, limit});
    if (!r) return r.error();
    out = std::move(*r);
  }
  if (out.closed.size() < limit && m.journal) {
    // History older than what the builders hold, from the journal.
    auto rows = m.journal->candles(symbol, step, limit);
    if (!rows) return rows.error();
    std::vector<market::Candle> older;
    for (const auto& c : *rows) {
      if (!out.closed.empty() && c.start >= out.closed.front().start) continue;
      older.push_back({.start = c.start,
                       .interval = c.interval,
                       .open = c.open,
                       .high = c.high,
                       .low = c.low,
                       .close = c.close,
                       .volume = c.volume});
    }
    const std::size_t room = limit - out.closed.size();
    if (older.size() > room)
      older.erase(older.begin(), older.end() - static_cast<std::ptrdiff_t>(room));
    out.closed.insert(out.closed.begin(), older.begin(), older.end());
  }
  return out;
}

std::vector<Alert> TradingServer::alerts(std::size_t limit) const {
  const Impl& m = *impl_;
  std::lock_guard lock(m.alerts_mu);
  const std::size_t n = std::min(limit, m.alert_ring.size());
  return {m.alert_ring.end() - static_cast<std::ptrdiff_t>(n), m.alert_ring.end()};
}

std::vector<VenueHealthLine> TradingServer::venue_health() const {
  const Impl& m = *impl_;
  std::vector<VenueHealthLine> out;
  auto look = [&](Venue v, venues::VenueClient* client, const net::CircuitBreaker* breaker) {
    VenueHealthLine line;
    line.venue = std::string(to_string(v));
    std::vector<std::string> why;
    if (auto st = m.health.check(v); !st) why.push_back(st.error().message);
    if (breaker != nullptr && breaker->state() != net::CircuitState::open &&
        breaker->consecutive_failures() >= kUnhealthyFailures)
      why.push_back("its last " + std::to_string(breaker->consecutive_failures()) +
                    " requests failed");
    if (venues::PrivateStream* stream = client != nullptr ? client->private_stream() : nullptr;
        stream != nullptr && stream->state() != net::ConnectionState::connected)
      why.push_back("private stream " + std::string(net::to_string(stream->state())));
    for (const auto& w : why) line.reason += (line.reason.empty() ? "" : "; ") + w;
    line.healthy = why.empty();
    out.push_back(std::move(line));
  };
  if (m.venues && m.venues->trading())
    for (const auto& v : m.venues->venues())
      if (v->trading_client() != nullptr)
        look(v->config.venue, v->trading_client(), v->breaker.get());
  if (m.paper) look(Venue::paper, m.paper_client ? m.paper_client.get() : m.paper.get(), nullptr);
  return out;
}

Result<ServerStatus> TradingServer::status() {
  Impl& m = *impl_;
  if (!m.system)
    return Error{ErrorCode::invalid_state, "reconcile-only server: no actor to report a status"};
  ServerStatus s;
  s.at = m.clock.now();
  s.mode = std::string(to_string(m.config.mode)) + " (" +
           std::string(to_string(m.config.market_data.source)) + " market)";
  const std::int64_t last = m.last_event_ns.load();
  auto line = [&](std::string venue, std::string state) {
    FeedStatusLine f;
    f.venue = std::move(venue);
    f.state = std::move(state);
    f.age = last == 0 ? Duration{} : s.at - Timestamp::from_ns(last);
    f.has_event = last != 0;
    s.feeds.push_back(std::move(f));
  };
  for (std::size_t i = 0; i < m.feeds.size(); ++i) {
    const auto states = m.feeds[i]->connection_states();
    std::string state = states.empty() ? "starting" : std::string(net::to_string(states.front()));
    line(m.feed_names[i], std::move(state));
    s.feeds.back().live = !states.empty() && states.front() == net::ConnectionState::connected;
    const auto st = m.feeds[i]->stats();
    FeedStatusLine& f = s.feeds.back();
    f.has_counters = true;
    f.frames = st.frames;
    f.events = st.events;
    f.decode_errors = st.rejected;
    f.connects = st.connects;
    f.connections = st.connections;
    f.resyncs = st.resyncs;
    f.venue_errors = st.venue_errors;
  }
  if (m.feeds.empty()) {
    line("simulated", m.stopped ? "stopped" : (m.market ? "in-process" : "scripted"));
    s.feeds.back().live = !m.stopped;
  }
  for (const auto& shard : m.shards) {
    auto r = m.ask(*shard, ShardStatusQuery{});
    if (!r) return r.error();
    for (auto& sym : r->symbols) s.symbols.push_back(std::move(sym));
  }
  auto e = m.ask(*m.execution, ExecutionStatusQuery{});
  if (!e) return e.error();
  s.execution = std::move(*e);
  auto p = m.ask(*m.portfolio, PortfolioStatusQuery{});
  if (!p) return p.error();
  s.portfolio = std::move(*p);
  s.restarts = m.restarts.load();
  s.dead_letters = m.system->dead_letters();
  for (auto& [name, metrics] : m.system->metrics())
    s.actors.push_back(ActorStatusLine{std::move(name), metrics});
  // The store's answer is a nicety: a status without it is still a status.
  if (!m.stopped && m.store) {
    if (auto st = m.ask(m.store, store::StoreStatusQuery{})) {
      JournalStatusLine j;
      j.intents = st->journal.intents;
      j.queued = st->journal.queued;
      j.flushes = st->journal.flushes;
      j.written = st->journal.written;
      j.failures = st->journal.failures;
      j.consecutive_failures = st->consecutive_failures;
      j.last_flush_duration = st->last_flush_duration;
      j.last_flush_records = st->last_flush_records;
      j.intent_write = st->journal.intent_write;
      j.flush_time = st->journal.flush_time;
      s.journal = j;
    }
  }
  if (m.venues)
    for (const auto& v : m.venues->venues())
      if (v->throttled)
        s.venues.push_back({std::string(to_string(v->config.venue)), v->throttled->metrics()});
  if (m.paper_throttled)
    s.venues.push_back({std::string(to_string(Venue::paper)), m.paper_throttled->metrics()});
  s.tick_to_order = m.tick_to_order.snapshot();
  s.tick_to_reference = m.tick_to_reference.snapshot();
  return s;
}

LatencyHistogram::Snapshot TradingServer::tick_to_order() const noexcept {
  return impl_->tick_to_order.snapshot();
}

LatencyHistogram::Snapshot TradingServer::tick_to_reference() const noexcept {
  return impl_->tick_to_reference.snapshot();
}

std::uint64_t TradingServer::market_version() const noexcept {
  return impl_->market_version.load(std::memory_order_acquire);
}

Result<ServerStatus> TradingServer::stop() {
  Impl& m = *impl_;
  if (m.stopped) return Error{ErrorCode::invalid_state, "already stopped"};
  if (!m.system) {  // reconcile_only: nothing was spawned nor started; the journal is flushed
    m.stopped = true;
    ServerStatus s;
    s.at = m.clock.now();
    s.mode = "reconcile only";
    if (auto flushed = m.journal->flush(); !flushed) return flushed.error().with_context("journal");
    return s;
  }
  if (m.market) m.market->stop();
  for (auto& f : m.feeds) f->stop();
  if (m.feed_server) m.feed_server->stop();
  const bool cancel = m.config.shutdown == ShutdownPolicy::cancel_resting;
  auto said = m.ask(*m.execution, StopTrading{cancel});
  if (said && m.options.on_event) m.options.on_event(TradeEvent{m.clock.now(), "stop", *said, {}});
  // Every order in flight is answered and every cancel done before the venues go: a cancel still
  // in flight when the clients are destroyed never reaches the venue (the stop it meant to cancel
  // would keep resting there), and an entry answered during the stop gets its exits (or none,
  // with shutdown = "cancel") before stop() returns. Bounded in real time (a venue that does not
  // answer must not hang it). Live venues only: the paper venue goes with the process.
  if (said && m.venues && m.venues->trading()) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      auto e = m.ask(*m.execution, ExecutionStatusQuery{});
      if (!e || e->in_flight == 0 || std::chrono::steady_clock::now() >= give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // ask() polls a manual one
    }
  }
  // On a manual clock (backtests, --fast) the paper venue answers on the clock's timers, which
  // only the clock's owner moves: the stop's cancels would be answered only by quiesce() below,
  // to an execution actor already stopped (dead letters). The clock goes from deadline to
  // deadline until execution has nothing in flight: the cancels take effect in the paper book
  // and their results reach execution while it runs. Bounded (a timer that re-arms for ever).
  if (said && m.paper && m.options.manual_dispatch)
    if (auto* manual = dynamic_cast<ManualClock*>(&m.clock); manual != nullptr)
      for (int i = 0; i < 10'000; ++i) {
        auto e = m.ask(*m.execution, ExecutionStatusQuery{});
        const Timestamp next = manual->next_deadline();
        if (!e || e->in_flight == 0 || next.is_zero()) break;
        (void)manual->advance_to(std::max(next, manual->now()));
      }
  // From here on nothing is sent: a fill of a resting exit arriving now cancels nothing (what
  // rests stays, and the next start adopts it).
  if (said) (void)m.ask(*m.execution, StopTrading{cancel, true});
  auto final_status = status();
  m.stopped = true;
  if (m.paper) m.paper->stop();
  if (m.venues)
    for (const auto& v : m.venues->venues())
      if (v->trading_client() != nullptr && v->trading_client()->private_stream() != nullptr)
        v->trading_client()->private_stream()->stop();
  m.system->shutdown(std::chrono::seconds(2));
  if (m.options.manual_dispatch) {
    for (int i = 0; i < 100 && !m.system->stopped(); ++i) m.system->dispatcher().poll();
  } else {
    (void)m.system->await_stopped(std::chrono::milliseconds(3000));
  }
  // Every actor stopped: the server's dispatcher threads are joined, so no turn runs any more
  // and their last posts happen before the system's teardown (TSan: a market-thread post into
  // the system's dispatcher raced its destruction). Not while an actor is still in a turn.
  if (m.system->stopped())
    for (actor::Dispatcher* d :
         {m.market_thread.get(), m.order_thread.get(), m.recorder_thread.get()})
      if (d != nullptr) d->stop();
  // The actor ref holders (execution, portfolio, shards, recorder) are NOT emptied here, nor
  // anywhere while the server lives: venue completions (the paper venue's on the clock thread,
  // live clients' on the network thread), the tracker's resolutions and private-stream events may
  // still tell through them now, and emptying a holder under a running tell freed the cell that
  // tell was in (ASan). The holders are written once, right after spawn (an actor's own first
  // turn takes its ref from its cell, not from the holder); after that they are only read, so a
  // tell from any thread either reaches the actor or, once it stopped, counts a dead letter. The
  // cycle that emptying used to break (cell → factory → holder → cell) does not exist: each actor's
  // deps hold its self weakly, and the holders with the cells go with this Impl, after ~Impl made
  // every other thread leave (see there). Timers that would call the venues on their own stop now,
  // so nothing is sent after stop(): the tracker's status queries, then the paper venue's pending
  // calls (answered `cancelled` here; its book died with the process anyway: the next start
  // rebuilds it from the journal).
  m.tracker->quiesce();
  if (m.paper) m.paper->quiesce();
  // The last records (order events, fills, positions: batched by the stopped store actor) are
  // written now; a late venue answer after this goes to a stopped actor and is not journaled,
  // as for a process killed here (the next start reconciles it).
  if (auto flushed = m.journal->flush(); !flushed && m.options.on_event)
    m.options.on_event(
        TradeEvent{m.clock.now(),
                   "journal",
                   "journal: the last records could not be written: " + flushed.error().message,
                   {}});
  return final_status;
}

}  // namespace nzeza::app
