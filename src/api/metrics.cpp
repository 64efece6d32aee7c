#include "api/metrics.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <initializer_list>
#include <set>
#include <utility>

#include "api/stream_hub.hpp"
#include "app/trading_server.hpp"
#include "core/json_text.hpp"

namespace nzeza::api {

namespace {

using Label = std::pair<std::string_view, std::string_view>;

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
}

std::string number(std::uint64_t v) {
  return std::to_string(v);
}

std::string seconds(Duration d) {
  return number(std::chrono::duration<double>(d).count());
}

std::string flag(bool b) {
  return b ? "1" : "0";
}

// Writes families one after another; a family's name is written once in HELP and TYPE and then
// on each of its samples. Asking for a family twice is a programming error the set catches in
// tests (the second one is skipped rather than making the exposition invalid).
class Exposition {
 public:
  bool family(std::string_view name, std::string_view type, std::string_view help) {
    if (!seen_.emplace(name).second) {
      current_.clear();
      return false;
    }
    current_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
    return true;
  }

  void sample(std::initializer_list<Label> labels, std::string_view value) {
    write({}, labels, nullptr, value);
  }

  // The samples of one histogram series of the current family (which must be of type
  // "histogram"): a cumulative `_bucket` per bound and +Inf, `_sum` (seconds) and `_count`.
  void histogram(std::initializer_list<Label> labels, const LatencyHistogram::Snapshot& h) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
      cumulative += h.counts[i];
      const Label le{"le", i < LatencyHistogram::kBoundsNs.size() ? std::string_view(bound_text(i))
                                                                  : std::string_view("+Inf")};
      write("_bucket", labels, &le, number(cumulative));
    }
    write("_sum", labels, nullptr, number(static_cast<double>(h.sum_ns) / 1e9));
    write("_count", labels, nullptr, number(cumulative));
  }

  // A family of one unlabelled sample.
  void single(std::string_view name, std::string_view type, std::string_view help,
              std::string_view value) {
    if (family(name, type, help)) sample({}, value);
  }

  std::string take() { return std::move(out_); }

 private:
  // `le` of bucket i: the bound in seconds, fixed notation ("0.000025", "0.001", "10").
  static const std::string& bound_text(std::size_t i) {
    static const auto kTexts = [] {
      std::array<std::string, LatencyHistogram::kBoundsNs.size()> t;
      for (std::size_t k = 0; k < t.size(); ++k) {
        char buf[32];
        const auto [end, ec] = std::to_chars(
            buf, buf + sizeof buf, static_cast<double>(LatencyHistogram::kBoundsNs[k]) / 1e9,
            std::chars_format::fixed);
        t[k] = ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
      }
      return t;
    }();
    return kTexts[i];
  }

  void write(std::string_view suffix, std::initializer_list<Label> labels, const Label* last,
             std::string_view value) {
    if (current_.empty()) return;
    out_ += current_;
    out_ += suffix;
    if (labels.size() > 0 || last != nullptr) {
      out_ += '{';
      bool first = true;
      auto put = [&](const Label& l) {
        if (!first) out_ += ',';
        first = false;
        out_ += l.first;
        out_ += "=\"";
        out_ += escape_label_value(l.second);
        out_ += '"';
      };
      for (const auto& l : labels) put(l);
      if (last != nullptr) put(*last);
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

  std::string out_;
  std::string current_;
  std::set<std::string, std::less<>> seen_;
};

void feeds(Exposition& x, const app::ServerStatus& s) {
  if (x.family("nzeza_feed_up", "gauge",
               "1 when the market data feed is live (connected), 0 otherwise"))
    for (const auto& f : s.feeds) x.sample({{"feed", f.venue}}, flag(f.live));
  if (x.family("nzeza_feed_state", "gauge",
               "The feed's connection state: 1 on the series of its current state"))
    for (const auto& f : s.feeds) x.sample({{"feed", f.venue}, {"state", f.state}}, "1");
  if (x.family("nzeza_feed_age_seconds", "gauge",
               "Seconds since the last market event of the feed (absent before the first)"))
    for (const auto& f : s.feeds)
      if (f.has_event) x.sample({{"feed", f.venue}}, seconds(f.age));

  struct Counter {
    std::string_view name;
    std::string_view help;
    std::uint64_t app::FeedStatusLine::*field;
  };
  static constexpr Counter kCounters[] = {
      {"nzeza_feed_frames_total", "Frames read from the feed's sockets",
       &app::FeedStatusLine::frames},
      {"nzeza_feed_events_total", "Market events decoded from the feed",
       &app::FeedStatusLine::events},
      {"nzeza_feed_decode_errors_total", "Malformed frames the feed's codec rejected",
       &app::FeedStatusLine::decode_errors},
      {"nzeza_feed_connects_total",
       "Successful connects of the feed's sockets (the first ones and every reconnect)",
       &app::FeedStatusLine::connects},
      {"nzeza_feed_resyncs_total", "Order books resynchronised after a sequence gap",
       &app::FeedStatusLine::resyncs},
      {"nzeza_feed_venue_errors_total", "Error messages the venue sent on the feed",
       &app::FeedStatusLine::venue_errors},
  };
  for (const auto& c : kCounters)
    if (x.family(c.name, "counter", c.help))
      for (const auto& f : s.feeds)
        if (f.has_counters) x.sample({{"feed", f.venue}}, number(f.*c.field));
  if (x.family("nzeza_feed_connections", "gauge", "Sockets the feed session holds"))
    for (const auto& f : s.feeds)
      if (f.has_counters) x.sample({{"feed", f.venue}}, number(f.connections));
}

void symbols(Exposition& x, const app::ServerStatus& s) {
  if (x.family("nzeza_reference_price", "gauge",
               "Cross-venue reference price of the symbol, in its quote currency"))
    for (const auto& sym : s.symbols)
      if (sym.reference) x.sample({{"symbol", sym.symbol}}, sym.reference->to_string());
  if (x.family("nzeza_reference_fresh", "gauge",
               "1 when the symbol's reference price is fresh enough to trade on"))
    for (const auto& sym : s.symbols) x.sample({{"symbol", sym.symbol}}, flag(sym.fresh));
  if (x.family("nzeza_reference_venues", "gauge", "Venues in the symbol's reference price"))
    for (const auto& sym : s.symbols)
      x.sample({{"symbol", sym.symbol}}, number(std::uint64_t{sym.venues}));
}

void execution(Exposition& x, const app::ServerStatus& s) {
  const auto& e = s.execution;
  x.single("nzeza_signals_total", "counter", "Buy and sell signals handed to execution",
           number(e.signals));
  if (x.family("nzeza_orders_total", "counter",
               "Orders by outcome: sent (to a venue), refused (before sending: risk gate, "
               "sizing, venue), unknown (sent, answer lost; resolved by client order id)")) {
    x.sample({{"status", "sent"}}, number(e.orders_sent));
    x.sample({{"status", "refused"}}, number(e.orders_refused));
    x.sample({{"status", "unknown"}}, number(e.unknown_outcomes));
  }
  x.single("nzeza_exit_orders_total", "counter",
           "Exit orders sent (stop-loss, take-profit, trailing stop, closes)",
           number(e.exits_sent));
  if (x.family("nzeza_refusals_total", "counter", "Refused signals and orders by reason"))
    for (const auto& [reason, n] : e.refusals) x.sample({{"reason", reason}}, number(n));
  x.single("nzeza_open_orders", "gauge", "Orders resting or working at the venues",
           number(static_cast<std::uint64_t>(e.open_orders.size())));
  x.single("nzeza_orders_in_flight", "gauge", "Orders sent and not answered yet, and cancels",
           number(static_cast<std::uint64_t>(e.in_flight)));
  x.single("nzeza_blocked_symbols", "gauge",
           "Symbols blocked from new entries (an unknown outcome, a failed reconciliation)",
           number(static_cast<std::uint64_t>(e.blocked.size())));
  x.single("nzeza_reconciliations_total", "counter", "Periodic reconciliations with the venues",
           number(e.reconciliations));
  x.single("nzeza_kill_switch", "gauge", "1 while the operator's kill switch is engaged",
           flag(e.kill_switch));
  x.single("nzeza_halted", "gauge", "1 while a risk halt (daily loss, drawdown) is latched",
           flag(e.halted));
}

void portfolio(Exposition& x, const app::ServerStatus& s) {
  const auto& p = s.portfolio;
  x.single("nzeza_fills_total", "counter", "Fills applied to the portfolio (each once)",
           number(p.fills));
  x.single("nzeza_duplicate_fills_total", "counter",
           "Fills seen again (same trade id) and not applied", number(p.duplicate_fills));
  x.single("nzeza_cash", "gauge", "Cash, in the quote currency", p.cash.to_string());
  x.single("nzeza_equity", "gauge", "Equity (cash and positions at their marks)",
           p.equity.to_string());
  x.single("nzeza_realized_pnl", "gauge", "Realised PnL since the start, fees included",
           p.realized_pnl.to_string());
  x.single("nzeza_unrealized_pnl", "gauge", "Unrealised PnL of the open positions at their marks",
           p.unrealized_pnl.to_string());
  x.single("nzeza_fees", "gauge", "Fees paid since the start (rebates subtract)",
           p.fees.to_string());
  x.single("nzeza_open_positions", "gauge", "Open positions",
           number(static_cast<std::uint64_t>(p.positions.size())));
  if (x.family("nzeza_position_quantity", "gauge",
               "Signed size of the open position (negative: short), in the base unit"))
    for (const auto& pos : p.positions)
      x.sample({{"symbol", pos.symbol}, {"venue", to_string(pos.venue)}}, pos.quantity.to_string());
  if (x.family("nzeza_position_unrealized_pnl", "gauge",
               "Unrealised PnL of the open position at its mark"))
    for (const auto& pos : p.positions)
      x.sample({{"symbol", pos.symbol}, {"venue", to_string(pos.venue)}},
               pos.unrealized_pnl.to_string());
}

void actors(Exposition& x, const app::ServerStatus& s) {
  x.single("nzeza_pipeline_restarts_total", "counter",
           "Restarts of the pipeline's actors (shards, execution, portfolio) by their supervisor",
           number(s.restarts));
  x.single("nzeza_dead_letters_total", "counter",
           "Messages sent to stopped actors or discarded by a kill", number(s.dead_letters));
  // Two cells may share a name (a restarted child beside its predecessor during a stop): the
  // first one is exposed, so no series appears twice.
  std::set<std::string_view> names;
  std::vector<const app::ActorStatusLine*> unique;
  for (const auto& a : s.actors)
    if (names.insert(a.name).second) unique.push_back(&a);

  struct Field {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t actor::ActorMetricsSnapshot::*field;
  };
  static constexpr Field kFields[] = {
      {"nzeza_actor_mailbox_depth", "gauge", "Messages waiting in the actor's mailbox",
       &actor::ActorMetricsSnapshot::depth},
      {"nzeza_actor_messages_processed_total", "counter", "Messages the actor handled",
       &actor::ActorMetricsSnapshot::processed},
      {"nzeza_actor_messages_dropped_total", "counter",
       "Messages dropped by the mailbox's overflow policy (drop-oldest, drop-newest)",
       &actor::ActorMetricsSnapshot::dropped},
      {"nzeza_actor_messages_rejected_total", "counter",
       "Messages refused to their sender by a full mailbox",
       &actor::ActorMetricsSnapshot::rejected},
      {"nzeza_actor_messages_conflated_total", "counter",
       "Messages replaced in the mailbox by a newer one of the same key",
       &actor::ActorMetricsSnapshot::conflated},
      {"nzeza_actor_dead_letters_total", "counter", "Messages sent to the actor after it stopped",
       &actor::ActorMetricsSnapshot::dead_letters},
      {"nzeza_actor_failures_total", "counter", "Handler failures (exceptions) of the actor",
       &actor::ActorMetricsSnapshot::failures},
      {"nzeza_actor_restarts_total", "counter", "Restarts of the actor by its supervisor",
       &actor::ActorMetricsSnapshot::restarts},
  };
  for (const auto& f : kFields)
    if (x.family(f.name, f.type, f.help))
      for (const auto* a : unique) x.sample({{"actor", a->name}}, number(a->metrics.*f.field));
  if (x.family("nzeza_actor_processing_p99_seconds", "gauge",
               "Upper bound of the 99th percentile of the actor's handling time (one message in "
               "64 sampled into power-of-two buckets); absent before the first sample"))
    for (const auto* a : unique)
      if (a->metrics.samples() > 0)
        x.sample({{"actor", a->name}},
                 number(static_cast<double>(a->metrics.quantile_ns(0.99)) * 1e-9));
}

void journal(Exposition& x, const app::ServerStatus& s) {
  if (!s.journal) return;
  const auto& j = *s.journal;
  x.single("nzeza_journal_intents_total", "counter",
           "Order intents written to the journal before their order was sent", number(j.intents));
  x.single("nzeza_journal_queue_records", "gauge", "Journal records waiting for the next flush",
           number(j.queued));
  x.single("nzeza_journal_flushes_total", "counter", "Journal flushes (one transaction each)",
           number(j.flushes));
  x.single("nzeza_journal_records_written_total", "counter", "Records written by journal flushes",
           number(j.written));
  x.single("nzeza_journal_flush_failures_total", "counter",
           "Journal flushes that failed (their records stay queued and are retried)",
           number(j.failures));
  x.single("nzeza_journal_consecutive_flush_failures", "gauge",
           "Journal flushes failed in a row (0 after a success)", number(j.consecutive_failures));
  x.single("nzeza_journal_last_flush_duration_seconds", "gauge",
           "Wall time of the latest journal flush that wrote something",
           seconds(j.last_flush_duration));
  x.single("nzeza_journal_last_flush_records", "gauge",
           "Records written by the latest journal flush that wrote something",
           number(static_cast<std::uint64_t>(j.last_flush_records)));
  if (x.family("nzeza_journal_intent_write_seconds", "histogram",
               "Wall time of each order intent's durable journal write (fsync), which the order "
               "waits for before it is sent"))
    x.histogram({}, j.intent_write);
  if (x.family("nzeza_journal_flush_seconds", "histogram",
               "Wall time of each journal flush that wrote something"))
    x.histogram({}, j.flush_time);
}

void latency(Exposition& x, const app::ServerStatus& s) {
  if (x.family("nzeza_tick_to_order_seconds", "histogram",
               "From the receive time of the tick behind a strategy's entry to its order intent "
               "journaled and handed to the router (operator orders and exits are not in it)"))
    x.histogram({}, s.tick_to_order);
  if (x.family("nzeza_tick_to_reference_seconds", "histogram",
               "From a quote's receive time to the reference price it moved handed to execution "
               "(every tick that moves a reference price)"))
    x.histogram({}, s.tick_to_reference);
}

void venue_requests(Exposition& x, const app::ServerStatus& s) {
  using venues::kRequestOps;
  using venues::RequestOp;
  auto each_used_op = [&](auto&& fn) {
    for (const auto& v : s.venues)
      for (std::size_t i = 0; i < kRequestOps; ++i)
        if (v.metrics.latency[i].count() > 0)
          fn(v, std::string_view(to_string(static_cast<RequestOp>(i))), i);
  };
  if (x.family("nzeza_venue_request_seconds", "histogram",
               "Time from a request handed to the venue's client to its answer (rate-limit waits "
               "excluded), by call: place, cancel, status, open_orders, fills, balances..."))
    each_used_op([&](const app::VenueRequestStatusLine& v, std::string_view op, std::size_t i) {
      x.histogram({{"venue", v.venue}, {"op", op}}, v.metrics.latency[i]);
    });
  if (x.family("nzeza_venue_request_failures_total", "counter",
               "Requests whose answer was an error (refused by the venue, lost, cut, timed out)"))
    each_used_op([&](const app::VenueRequestStatusLine& v, std::string_view op, std::size_t i) {
      x.sample({{"venue", v.venue}, {"op", op}}, number(v.metrics.failures[i]));
    });
  if (x.family("nzeza_venue_rate_limit_waits_total", "counter",
               "Requests the venue's rate limiter delayed before sending"))
    for (const auto& v : s.venues) x.sample({{"venue", v.venue}}, number(v.metrics.limiter_waits));
  if (x.family("nzeza_venue_rate_limit_wait_seconds_total", "counter",
               "Seconds of delay the venue's rate limiter gave the requests it delayed"))
    for (const auto& v : s.venues)
      x.sample({{"venue", v.venue}}, seconds(v.metrics.limiter_waited));
  if (x.family("nzeza_venue_requests_waiting", "gauge",
               "Requests waiting for the venue's rate limiter"))
    for (const auto& v : s.venues)
      x.sample({{"venue", v.venue}}, number(static_cast<std::uint64_t>(v.metrics.waiting)));
  if (x.family("nzeza_venue_requests_refused_total", "counter",
               "Requests refused before sending, by reason: circuit_open (the venue's breaker), "
               "rate_limited (the wait would be too long), banned (a venue ban is running)"))
    for (const auto& v : s.venues) {
      x.sample({{"venue", v.venue}, {"reason", "circuit_open"}},
               number(v.metrics.refused_circuit_open));
      x.sample({{"venue", v.venue}, {"reason", "rate_limited"}},
               number(v.metrics.refused_rate_limited));
      x.sample({{"venue", v.venue}, {"reason", "banned"}}, number(v.metrics.refused_banned));
    }
  if (x.family("nzeza_venue_circuit_state", "gauge",
               "The venue client's circuit breaker: 1 on its current state (closed, open, "
               "half_open), 0 on the others; absent for a venue without a breaker (paper)")) {
    static constexpr std::pair<net::CircuitState, std::string_view> kStates[] = {
        {net::CircuitState::closed, "closed"},
        {net::CircuitState::open, "open"},
        {net::CircuitState::half_open, "half_open"}};
    for (const auto& v : s.venues)
      if (v.metrics.circuit)
        for (const auto& [state, name] : kStates)
          x.sample({{"venue", v.venue}, {"state", name}}, flag(*v.metrics.circuit == state));
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  return escape_chars(value, {{'\\', "\\\\"}, {'"', "\\\""}, {'\n', "\\n"}});
}

std::string escape_help(std::string_view text) {
  return escape_chars(text, {{'\\', "\\\\"}, {'\n', "\\n"}});
}

std::string prometheus_text(const app::ServerStatus& status) {
  Exposition x;
  if (x.family("nzeza_info", "gauge", "Always 1; the labels say how the server runs"))
    x.sample({{"mode", status.mode}}, "1");
  feeds(x, status);
  symbols(x, status);
  execution(x, status);
  portfolio(x, status);
  actors(x, status);
  journal(x, status);
  venue_requests(x, status);
  latency(x, status);
  return x.take();
}

std::string stream_prometheus_text(const StreamStats& stats) {
  Exposition x;
  x.single("nzeza_api_stream_clients", "gauge", "Open WebSocket clients of /api/v1/stream",
           number(stats.clients));
  if (x.family("nzeza_api_stream_messages_total", "counter",
               "Events queued to stream clients, per topic (one per client and event)"))
    for (std::size_t i = 0; i < kTopicCount; ++i)
      x.sample({{"topic", to_string(static_cast<Topic>(i))}}, number(stats.messages[i]));
  x.single("nzeza_api_stream_dropped_clients_total", "counter",
           "Stream clients closed because their queue overflowed (1008 \"too slow\")",
           number(stats.dropped_clients));
  x.single("nzeza_api_stream_conflated_total", "counter",
           "Queued prices replaced by a newer price of the same symbol before being written",
           number(stats.conflated));
  x.single("nzeza_api_stream_inbox_dropped_total", "counter",
           "Published events dropped because the API thread was behind (inbox full)",
           number(stats.inbox_dropped));
  return x.take();
}

}  // namespace nzeza::api
