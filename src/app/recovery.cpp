#include "app/recovery.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "app/order_fills.hpp"
#include "core/enum_names.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::app {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;
using domain::Severity;

std::string str(std::string_view s) {
  return std::string(s);
}

bool terminal(domain::VenueOrderStatus s) {
  using S = domain::VenueOrderStatus;
  return s == S::filled || s == S::cancelled || s == S::rejected || s == S::expired;
}

// One answer of a venue client, awaited on the caller's thread with a real-time deadline. The
// slot is shared with the callback, so an answer arriving after the deadline lands harmlessly.
template <typename T>
class Awaited {
 public:
  venues::Callback<T> callback() {
    return [slot = slot_](Result<T> r) {
      std::lock_guard lock(slot->mu);
      if (!slot->value) slot->value.emplace(std::move(r));
      slot->cv.notify_all();
    };
  }
  // The answer, or nullopt when none arrived before `until`. `pump` (may be empty) runs every
  // millisecond while waiting: a venue that answers on a manual clock's timers needs it.
  std::optional<Result<T>> wait(SteadyTime until, const std::function<void()>& pump) {
    std::unique_lock lock(slot_->mu);
    if (!pump) {
      slot_->cv.wait_until(lock, until, [this] { return slot_->value.has_value(); });
      return slot_->value;
    }
    for (;;) {
      const SteadyTime slice =
          std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(1));
      if (slot_->cv.wait_until(lock, slice, [this] { return slot_->value.has_value(); }))
        return slot_->value;
      if (std::chrono::steady_clock::now() >= until) return std::nullopt;
      lock.unlock();
      pump();
      lock.lock();
    }
  }

 private:
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<T>> value;
  };
  std::shared_ptr<Slot> slot_ = std::make_shared<Slot>();
};

// What one venue answered, and what recovery found there.
struct VenueData {
  venues::VenueClient* client = nullptr;
  Venue venue = Venue::paper;
  std::vector<venues::VenueOrder> open;
  std::vector<bool> open_matched;  // by index of `open`: a journal order claimed it
  std::vector<domain::Fill> fills;
  std::vector<domain::Balance> balances;
  std::optional<std::vector<venues::VenuePosition>> positions;  // nullopt: no report
  VenueRecovery report;
};

// How one client id stands at one venue.
struct Lookup {
  enum class Kind : std::uint8_t { open, terminal, not_found, failed } kind = Kind::failed;
  venues::VenueOrder order;
  std::string why;  // for failed
};

std::string venue_name(Venue v) {
  return str(to_string(v));
}

// The journal's record of `o` entering `phase` at `venue`, sent as `client_id`: its venue id,
// symbol, status and fill as `at_venue` lists them when the venue has it, as last journaled
// otherwise.
store::OrderEventRecord phase_event(const store::OrderRecord& o, store::OrderPhase phase,
                                    std::optional<Venue> venue, const std::string& client_id,
                                    const venues::VenueOrder* at_venue, const std::string& detail,
                                    Timestamp at) {
  store::OrderEventRecord e{.sequence = o.intent.sequence,
                            .phase = phase,
                            .venue = venue,
                            .client_order_id = client_id,
                            .venue_order_id = o.venue_order_id,
                            .venue_symbol = o.venue_symbol,
                            .status = std::nullopt,
                            .filled = o.filled,
                            .detail = "recovery: " + detail,
                            .at = at};
  if (at_venue != nullptr) {
    if (!at_venue->report.venue_order_id.empty())
      e.venue_order_id = at_venue->report.venue_order_id;
    e.venue_symbol = at_venue->venue_symbol;
    e.status = at_venue->report.status;
    e.filled = at_venue->report.cumulative_filled;
  }
  return e;
}

class Recovery {
 public:
  Recovery(const RecoveryInputs& in, const RecoveryOptions& options)
      : in_(in),
        options_(options),
        give_up_(
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(options.deadline)) {}

  Result<Recovered> run();

 private:
  Status query_venues(const store::JournalState& state);
  void resolve_order(const store::OrderRecord& o);
  Lookup ask(VenueData& v, const std::string& client_id, InstrumentId instrument,
             const store::OrderRecord& o, bool confirm_not_found);
  void adopt(const store::OrderRecord& o, VenueData& v, std::size_t open_index);
  void settle(const store::OrderRecord& o, VenueData& v, const std::string& client_id,
              store::OrderPhase phase, const venues::VenueOrder* at_venue, std::string detail);
  void leave_unresolved(const store::OrderRecord& o, std::optional<Venue> venue,
                        const std::string& client_id, std::string why);
  void review_open_orders(VenueData& v);
  void review_fills(VenueData& v);
  void attribute_fills(Timestamp since);
  void claim_fills(VenueData& v, const venues::VenueOrder& at, const std::string& client_id);
  void review_positions();
  Status write_reports(bool answered);

  void add(VenueData& v, FindingKind kind, Severity severity, bool blocks, std::string canonical,
           std::string key, std::string detail);
  VenueData* data(Venue v) {
    for (auto& d : venues_)
      if (d.venue == v) return &d;
    return nullptr;
  }
  std::string canonical_of(InstrumentId id, std::string_view fallback) const {
    const Instrument* inst = in_.registry->get(id);
    return inst != nullptr ? inst->canonical : std::string(fallback);
  }
  std::string deadline_text() const {
    return std::to_string(
               std::chrono::duration_cast<std::chrono::milliseconds>(options_.deadline).count()) +
           " ms";
  }

  const RecoveryInputs& in_;
  const RecoveryOptions& options_;
  const SteadyTime give_up_;
  Timestamp now_;
  std::vector<VenueData> venues_;
  Recovered out_;
  // The fills already counted, by (venue, venue symbol, trade id).
  std::set<std::tuple<Venue, std::string, std::string>> fill_keys_;
  // Journal orders that may be live, by (venue, wire client id) once their venue is known.
  std::map<std::pair<Venue, std::string>, std::uint64_t> journaled_ids_;
};

// ── 1. the venues' reports ───────────────────────────────────────────────────────────────────

// A fill reported without a client id (Binance myTrades, dYdX's indexer...) takes the client id of
// the order its venue order id names: one the journal saw acknowledged, or one open at the venue.
// Without this a stop that filled while nzeza was down reads as someone else's trade. Venues
// number orders per symbol (Binance does): the key is (venue, venue symbol, venue order id).
void Recovery::attribute_fills(Timestamp since) {
  std::map<std::tuple<Venue, std::string, std::string>, std::string> by_venue_id;
  if (auto orders = in_.journal->orders_since(since - options_.fills_lookback, 1'000'000)) {
    for (const auto& o : *orders) {
      if (!o.venue || o.venue_order_id.empty() || o.client_order_id.empty()) continue;
      std::string symbol = o.venue_symbol;
      if (symbol.empty())
        if (const Instrument* inst = in_.registry->find_canonical(*o.venue, o.intent.canonical))
          symbol = inst->venue_symbol;
      by_venue_id.emplace(std::tuple{*o.venue, std::move(symbol), o.venue_order_id},
                          o.client_order_id);
    }
  }
  for (auto& v : venues_) {
    for (const auto& o : v.open)
      if (!o.report.venue_order_id.empty() && !o.client_order_id.empty())
        by_venue_id.emplace(std::tuple{v.venue, o.venue_symbol, o.report.venue_order_id},
                            o.client_order_id);
    for (auto& f : v.fills) {
      if (!f.client_order_id.empty() || f.venue_order_id.empty()) continue;
      if (auto it = by_venue_id.find({v.venue, f.venue_symbol, f.venue_order_id});
          it != by_venue_id.end())
        f.client_order_id = it->second;
    }
  }
}

// An order whose acknowledgement never reached the journal (sent, then kill -9) is known by venue
// order id only once its status query answers: the fills of that id reported without a client id
// (Binance myTrades) are its fills, not someone else's.
void Recovery::claim_fills(VenueData& v, const venues::VenueOrder& at,
                           const std::string& client_id) {
  for (auto& f : v.fills)
    if (f.client_order_id.empty()) (void)claim_fill(f, client_id, &at);
}

Status Recovery::query_venues(const store::JournalState& state) {
  // Fills since the oldest order that may still be live, or the lookback, whichever is earlier,
  // but not before the journal began (nothing of ours traded before it).
  Timestamp since = now_ - options_.fills_lookback;
  for (const auto& o : state.orders) since = std::min(since, o.intent.at);
  if (state.first_intent_at) since = std::max(since, *state.first_intent_at);

  struct Asked {
    Awaited<std::vector<venues::VenueOrder>> open;
    Awaited<std::vector<domain::Fill>> fills;
    Awaited<std::vector<domain::Balance>> balances;
    std::optional<Awaited<std::vector<venues::VenuePosition>>> positions;
  };
  std::vector<Asked> asked(venues_.size());
  // Every venue is asked everything at once; the answers are awaited together.
  for (std::size_t i = 0; i < venues_.size(); ++i) {
    venues::VenueClient* c = venues_[i].client;
    c->open_orders(std::nullopt, asked[i].open.callback());
    c->fills_since(since, std::nullopt, asked[i].fills.callback());
    c->balances(asked[i].balances.callback());
    if (c->capabilities().positions) {
      asked[i].positions.emplace();
      c->positions(asked[i].positions->callback());
    }
  }
  std::string failures;
  bool any_timeout = false;
  for (std::size_t i = 0; i < venues_.size(); ++i) {
    VenueData& v = venues_[i];
    std::vector<std::string> missing;
    auto take = [&](auto& awaited, std::string_view what, auto& into) {
      auto r = awaited.wait(give_up_, in_.pump);
      if (!r) {
        any_timeout = true;
        missing.push_back(str(what) + " (no answer within " + deadline_text() + ")");
        return;
      }
      if (!*r) {
        missing.push_back(str(what) + " (" + r->error().message + ")");
        return;
      }
      into = std::move(**r);
    };
    take(asked[i].open, "open orders", v.open);
    take(asked[i].fills, "fills", v.fills);
    take(asked[i].balances, "balances", v.balances);
    if (asked[i].positions) {
      std::vector<venues::VenuePosition> positions;
      const std::size_t before = missing.size();
      take(*asked[i].positions, "positions", positions);
      if (missing.size() == before) v.positions = std::move(positions);
    }
    // The venue's own symbol keys a fill in the journal: a client that left it out gets it
    // from the instrument it named.
    for (auto& f : v.fills)
      if (f.venue_symbol.empty())
        if (const Instrument* inst = in_.registry->get(f.instrument))
          f.venue_symbol = inst->venue_symbol;
    for (auto& o : v.open)
      if (o.venue_symbol.empty())
        if (const Instrument* inst = in_.registry->get(o.instrument))
          o.venue_symbol = inst->venue_symbol;
    v.open_matched.assign(v.open.size(), false);
    v.report.open_orders = v.open.size();
    v.report.fills = v.fills.size();
    if (!missing.empty()) {
      v.report.answered = false;
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      add(v, FindingKind::no_answer, Severity::critical, true, "", "",
          venue_name(v.venue) + " did not answer: " + list);
      failures += (failures.empty() ? "" : "; ") + venue_name(v.venue) + ": " + list;
    }
  }
  if (failures.empty()) {
    attribute_fills(since);
    return {};
  }
  return Error{any_timeout ? ErrorCode::timeout : ErrorCode::unavailable,
               "recovery: not every venue could be reconciled (" + failures +
                   "); no order is sent until every venue answers"};
}

// ── 2. journal orders that may be live ───────────────────────────────────────────────────────

Lookup Recovery::ask(VenueData& v, const std::string& client_id, InstrumentId instrument,
                     const store::OrderRecord& o, bool confirm_not_found) {
  auto once = [&]() -> Lookup {
    Awaited<venues::VenueOrder> status;
    venues::OrderRef ref;
    ref.client_order_id = client_id;
    if (o.venue == v.venue) ref.venue_order_id = o.venue_order_id;
    ref.instrument = instrument;
    v.client->order_status(ref, status.callback());
    auto r = status.wait(give_up_, in_.pump);
    Lookup l;
    if (!r) {
      l.why = "order status of " + client_id + ": no answer within " + deadline_text();
      return l;
    }
    if (!*r) {
      if (r->error().code == ErrorCode::not_found) {
        l.kind = Lookup::Kind::not_found;
        return l;
      }
      l.why = "order status of " + client_id + ": " + r->error().message;
      return l;
    }
    l.order = std::move(**r);
    l.kind = terminal(l.order.report.status) ? Lookup::Kind::terminal : Lookup::Kind::open;
    return l;
  };
  // The venue may still accept a request until its validity window has passed: a "not found"
  // before then proves nothing.
  if (confirm_not_found) {
    const venues::RequestValidity validity = v.client->request_validity();
    const Timestamp sure = venues::request_expiry(validity, o.intent.at) + validity.query_lag;
    if (sure > in_.clock->now()) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(sure - in_.clock->now());
      if (std::chrono::steady_clock::now() + wait >= give_up_) {
        Lookup l;
        l.why = "the venue may still accept " + client_id + " until " + sure.to_iso8601() +
                ", after the recovery deadline";
        return l;
      }
      std::this_thread::sleep_for(wait);
    }
  }
  Lookup l = once();
  if (l.kind != Lookup::Kind::not_found || !confirm_not_found) return l;
  // An order query can lag the matching engine: "not found" counts once confirmed.
  for (int i = 0; i < options_.not_found_confirmations; ++i) {
    const auto grace =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.not_found_grace);
    if (std::chrono::steady_clock::now() + grace >= give_up_) {
      l.kind = Lookup::Kind::failed;
      l.why = client_id + " not found, and the recovery deadline leaves no time to confirm it";
      return l;
    }
    std::this_thread::sleep_for(grace);
    l = once();
    if (l.kind != Lookup::Kind::not_found) return l;
  }
  return l;
}

void Recovery::adopt(const store::OrderRecord& o, VenueData& v, std::size_t open_index) {
  v.open_matched[open_index] = true;
  const venues::VenueOrder& at = v.open[open_index];
  RecoveredOrder r;
  r.order = o;
  r.order.phase = store::OrderPhase::working;
  r.order.venue = v.venue;
  r.order.client_order_id = at.client_order_id;
  if (!at.report.venue_order_id.empty()) r.order.venue_order_id = at.report.venue_order_id;
  r.order.venue_symbol = at.venue_symbol;
  r.order.status = at.report.status;
  r.order.filled = at.report.cumulative_filled;
  r.order.updated = now_;
  r.venue = v.venue;
  r.instrument = at.instrument;
  r.at_venue = at;
  if (o.phase != store::OrderPhase::working || o.venue != v.venue) {
    in_.journal->record(
        phase_event(o, store::OrderPhase::working, v.venue, at.client_order_id, &at,
                    "open at the venue (was " + str(store::to_string(o.phase)) + ")", now_));
  }
  add(v, FindingKind::adopted, Severity::info, false, o.intent.canonical, at.client_order_id,
      "#" + std::to_string(o.intent.sequence) + ' ' + o.intent.purpose + ' ' +
          str(to_string(o.intent.side)) + ' ' + o.intent.quantity.to_string() + ' ' +
          o.intent.canonical + " is open at " + venue_name(v.venue) + " (filled " +
          at.report.cumulative_filled.to_string() + "): tracked again");
  out_.working.push_back(std::move(r));
}

void Recovery::settle(const store::OrderRecord& o, VenueData& v, const std::string& client_id,
                      store::OrderPhase phase, const venues::VenueOrder* at_venue,
                      std::string detail) {
  in_.journal->record(phase_event(o, phase, v.venue, client_id, at_venue, detail, now_));
  add(v,
      phase == store::OrderPhase::never_executed ? FindingKind::never_executed
                                                 : FindingKind::finished,
      Severity::info, false, o.intent.canonical, client_id,
      "#" + std::to_string(o.intent.sequence) + ' ' + o.intent.purpose + ' ' + o.intent.canonical +
          ": " + detail);
}

void Recovery::leave_unresolved(const store::OrderRecord& o, std::optional<Venue> venue,
                                const std::string& client_id, std::string why) {
  in_.journal->record(phase_event(o, store::OrderPhase::unresolved, venue ? venue : o.venue,
                                  client_id, nullptr, why, now_));
  RecoveredOrder r;
  r.order = o;
  r.order.phase = store::OrderPhase::unresolved;
  r.order.detail = why;
  // As the journal now holds it: the venue and the client id it was asked about, when known.
  if (venue) r.order.venue = venue;
  if (!client_id.empty()) r.order.client_order_id = client_id;
  r.venue = venue.value_or(o.venue.value_or(Venue::paper));
  if (const Instrument* inst = in_.registry->find_canonical(r.venue, o.intent.canonical))
    r.instrument = inst->id;
  out_.working.push_back(std::move(r));
  const Venue where = venue.value_or(o.venue.value_or(venues_.front().venue));
  VenueData* v = data(where);
  if (v == nullptr) v = &venues_.front();
  add(*v, FindingKind::unresolved, Severity::critical, true, o.intent.canonical, client_id,
      "#" + std::to_string(o.intent.sequence) + ' ' + o.intent.purpose + ' ' + o.intent.canonical +
          " may be live and could not be resolved: " + why);
}

void Recovery::resolve_order(const store::OrderRecord& o) {
  // An intent that never got an answer (or whose answer was lost) must be confirmed "not found"
  // before it is declared never executed; an order the venue accepted and no longer lists open
  // has finished.
  const bool unanswered = o.phase == store::OrderPhase::pending ||
                          o.phase == store::OrderPhase::unknown ||
                          (o.phase == store::OrderPhase::unresolved && o.venue_order_id.empty());
  std::vector<Venue> candidates;
  if (o.venue) {
    candidates.push_back(*o.venue);
  } else if (in_.venues_for) {
    candidates = in_.venues_for(o.intent.canonical);
  }
  if (candidates.empty())
    for (const auto& d : venues_) candidates.push_back(d.venue);

  struct Candidate {
    VenueData* v;
    std::string client_id;
    InstrumentId instrument;
  };
  std::vector<Candidate> asked;
  for (const Venue venue : candidates) {
    VenueData* v = data(venue);
    if (v == nullptr) {
      if (o.venue)
        return leave_unresolved(o, venue, o.client_order_id,
                                venue_name(venue) + " is not among the venues in use");
      continue;
    }
    std::string client_id = o.venue == venue ? o.client_order_id : std::string();
    if (client_id.empty()) {
      auto encoded = in_.codec->encode(venue, o.intent.sequence);
      if (!encoded)
        return leave_unresolved(o, venue, "", "no client id: " + encoded.error().message);
      client_id = encoded->text;
    }
    InstrumentId instrument;
    if (const Instrument* inst = in_.registry->find_canonical(venue, o.intent.canonical))
      instrument = inst->id;
    journaled_ids_[{venue, client_id}] = o.intent.sequence;
    // Open at the venue: adopted.
    for (std::size_t i = 0; i < v->open.size(); ++i)
      if (v->open[i].client_order_id == client_id) return adopt(o, *v, i);
    asked.push_back({v, std::move(client_id), instrument});
  }
  if (asked.empty())
    return leave_unresolved(o, std::nullopt, o.client_order_id,
                            "none of its route's venues is in use");
  // A fill carrying its client id proves the venue had it: not open, so it finished.
  for (auto& c : asked)
    for (const auto& f : c.v->fills)
      if (f.client_order_id == c.client_id) {
        // Its final state from the venue when it answers; its fills are what counts.
        Lookup l = ask(*c.v, c.client_id, c.instrument, o, false);
        if (l.kind == Lookup::Kind::open || l.kind == Lookup::Kind::terminal)
          claim_fills(*c.v, l.order, c.client_id);
        if (l.kind == Lookup::Kind::open) {
          c.v->open.push_back(l.order);
          c.v->open_matched.push_back(false);
          return adopt(o, *c.v, c.v->open.size() - 1);
        }
        return settle(o, *c.v, c.client_id, store::OrderPhase::done,
                      l.kind == Lookup::Kind::terminal ? &l.order : nullptr,
                      "filled at " + venue_name(c.v->venue) + " and no longer open");
      }
  std::string failures;
  for (auto& c : asked) {
    Lookup l = ask(*c.v, c.client_id, c.instrument, o, unanswered);
    switch (l.kind) {
      case Lookup::Kind::open:
        claim_fills(*c.v, l.order, c.client_id);
        c.v->open.push_back(l.order);  // open, though not in the open-orders list yet
        c.v->open_matched.push_back(false);
        return adopt(o, *c.v, c.v->open.size() - 1);
      case Lookup::Kind::terminal:
        claim_fills(*c.v, l.order, c.client_id);
        return settle(o, *c.v, c.client_id, store::OrderPhase::done, &l.order,
                      str(domain::to_string(l.order.report.status)) + " at " +
                          venue_name(c.v->venue) + " (filled " +
                          l.order.report.cumulative_filled.to_string() + ')');
      case Lookup::Kind::not_found:
        break;
      case Lookup::Kind::failed:
        failures += (failures.empty() ? "" : "; ") + venue_name(c.v->venue) + ": " + l.why;
        break;
    }
  }
  if (!failures.empty()) {
    // The venue it went to: the journal's, or the only one it could have gone to.
    const std::optional<Venue> venue =
        o.venue ? o.venue
                : (asked.size() == 1 ? std::optional<Venue>(asked.front().v->venue) : std::nullopt);
    return leave_unresolved(o, venue, asked.front().client_id, failures);
  }
  if (!unanswered) {
    // The venue accepted it once; it is neither open nor known any more: it finished (its fills,
    // if any, came with the fills report).
    return settle(o, *asked.front().v, asked.front().client_id, store::OrderPhase::done, nullptr,
                  "accepted earlier, no longer open nor known at " +
                      venue_name(asked.front().v->venue) + ": finished");
  }
  std::string where;
  for (const auto& c : asked) where += (where.empty() ? "" : ", ") + venue_name(c.v->venue);
  settle(o, *asked.front().v, asked.front().client_id, store::OrderPhase::never_executed, nullptr,
         "never reached " + where + " (not found, confirmed " +
             std::to_string(1 + std::max(0, options_.not_found_confirmations)) +
             " times): never executed, never resent");
}

// ── 3. open orders the journal does not hold ─────────────────────────────────────────────────

void Recovery::review_open_orders(VenueData& v) {
  for (std::size_t i = 0; i < v.open.size(); ++i) {
    if (v.open_matched[i]) continue;
    const venues::VenueOrder& o = v.open[i];
    const std::string canonical = canonical_of(o.instrument, o.venue_symbol);
    const std::optional<std::uint64_t> seq =
        o.client_order_id.empty() ? std::nullopt : in_.codec->decode(v.venue, o.client_order_id);
    const std::string what = str(to_string(o.side)) + ' ' + o.quantity.to_string() + ' ' +
                             o.venue_symbol + ' ' + str(domain::to_string(o.type)) +
                             (o.price ? " at " + o.price->to_string() : std::string()) +
                             (o.stop_price ? " trigger " + o.stop_price->to_string() : "");
    if (seq) {
      out_.last_sequence = std::max(out_.last_sequence, *seq);
      add(v, FindingKind::unjournaled_order, Severity::critical, true, canonical, o.client_order_id,
          "open order " + o.client_order_id + " (" + what +
              ") carries our client id but the journal does not hold it as live (journal "
              "lost?): left alone, symbol blocked until an operator decides");
      continue;
    }
    const std::string key = o.client_order_id.empty() ? o.report.venue_order_id : o.client_order_id;
    if (options_.external_orders == ExternalOrderPolicy::leave) {
      add(v, FindingKind::external_order, Severity::minor, false, canonical, key,
          "external open order " + key + " (" + what + "): not nzeza's, left alone");
      continue;
    }
    Awaited<venues::CancelAck> cancelled;
    venues::OrderRef ref;
    ref.client_order_id = o.client_order_id;
    ref.venue_order_id = o.report.venue_order_id;
    ref.instrument = o.instrument;
    v.client->cancel(ref, cancelled.callback());
    auto r = cancelled.wait(give_up_, in_.pump);
    if (r && *r) {
      add(v, FindingKind::external_cancelled, Severity::minor, false, canonical, key,
          "external open order " + key + " (" + what +
              ") cancelled per policy: " + str(domain::to_string((*r)->report.status)));
    } else {
      add(v, FindingKind::external_cancel_failed, Severity::major, false, canonical, key,
          "external open order " + key + " (" + what + "): cancel per policy failed: " +
              (r ? r->error().message : "no answer within " + deadline_text()));
    }
  }
}

// ── 4. fills the journal missed ──────────────────────────────────────────────────────────────

void Recovery::review_fills(VenueData& v) {
  std::vector<domain::Fill> fills = v.fills;
  std::stable_sort(fills.begin(), fills.end(),
                   [](const domain::Fill& a, const domain::Fill& b) { return a.time < b.time; });
  for (const auto& f : fills) {
    if (!fill_keys_.emplace(v.venue, f.venue_symbol, f.trade_id).second) continue;
    const std::string canonical = canonical_of(f.instrument, f.venue_symbol);
    std::optional<std::uint64_t> seq;
    if (auto it = journaled_ids_.find({v.venue, f.client_order_id}); it != journaled_ids_.end())
      seq = it->second;
    else if (!f.client_order_id.empty())
      seq = in_.codec->decode(v.venue, f.client_order_id);
    const std::string what = str(to_string(f.side)) + ' ' + f.quantity.to_string() + ' ' +
                             f.venue_symbol + " @ " + f.price.to_string();
    if (!seq) {
      add(v, FindingKind::external_fill, Severity::minor, false, canonical, f.trade_id,
          "fill " + f.trade_id + " (" + what + ") of order " +
              (f.client_order_id.empty() ? std::string("without client id") : f.client_order_id) +
              ": not nzeza's, not applied");
      continue;
    }
    out_.last_sequence = std::max(out_.last_sequence, *seq);
    store::FillRecord record;
    record.fill = f;
    record.sequence = *seq;
    record.recorded = now_;
    in_.journal->record(std::move(record));
    if (!f.instrument.valid()) {
      add(v, FindingKind::instrument_unknown, Severity::major, false, canonical, f.trade_id,
          "fill " + f.trade_id + " (" + what + ") of #" + std::to_string(*seq) +
              " on an instrument not loaded: journaled, not applied");
      continue;
    }
    out_.fills.push_back(f);
    add(v, FindingKind::missed_fill, Severity::minor, false, canonical, f.trade_id,
        "fill " + f.trade_id + " (" + what + ") of #" + std::to_string(*seq) +
            " was not in the journal: journaled and applied once");
  }
}

// ── 5. positions ─────────────────────────────────────────────────────────────────────────────

void Recovery::review_positions() {
  // What the fills make, per instrument.
  std::map<std::uint32_t, domain::Position> made;
  for (const auto& f : out_.fills) {
    const Instrument* inst = in_.registry->get(f.instrument);
    if (inst == nullptr) continue;
    auto it = made.find(inst->id.value);
    if (it == made.end()) {
      auto p = domain::Position::for_instrument(*inst);
      if (!p) continue;
      it = made.emplace(inst->id.value, std::move(*p)).first;
    }
    auto pf = domain::to_position_fill(*inst, f);
    if (pf) (void)it->second.apply(*pf);
  }
  const Decimal tolerance = options_.tolerances.precision_tolerance;
  for (auto& v : venues_) {
    const auto instruments = in_.registry->by_venue(v.venue);
    // Perpetuals: the venue's positions against the fills.
    bool has_perps = false;
    for (const Instrument* inst : instruments)
      has_perps = has_perps || inst->kind == InstrumentKind::perpetual;
    if (has_perps && !v.positions) {
      for (const Instrument* inst : instruments)
        if (inst->kind == InstrumentKind::perpetual)
          add(v, FindingKind::report_missing, Severity::critical, true, inst->canonical,
              "positions",
              venue_name(v.venue) +
                  " gives no position report: positions unknown, not flat; symbol blocked");
    }
    if (v.positions) {
      std::map<std::uint32_t, std::pair<Decimal, Decimal>> pairs;  // local, venue
      for (const Instrument* inst : instruments) {
        if (inst->kind != InstrumentKind::perpetual) continue;
        if (auto it = made.find(inst->id.value); it != made.end())
          pairs[inst->id.value].first = it->second.quantity();
      }
      for (const auto& p : *v.positions) {
        if (!p.instrument.valid()) {
          if (!p.quantity.is_zero())
            add(v, FindingKind::instrument_unknown, Severity::major, false, p.venue_symbol,
                p.venue_symbol,
                "position " + p.quantity.to_string() + ' ' + p.venue_symbol +
                    " on an instrument not loaded: not nzeza's to trade, left alone");
          continue;
        }
        pairs[p.instrument.value].second += p.quantity;
      }
      for (const auto& [id, q] : pairs) {
        const Instrument* inst = in_.registry->get(InstrumentId{id});
        if (inst == nullptr) continue;
        domain::LocalState local;
        local.venue = v.venue;
        if (!q.first.is_zero()) local.positions.push_back({inst->id, q.first, inst->quote});
        domain::VenueReport report;
        report.venue = v.venue;
        report.open_orders.emplace();
        report.fills.emplace();
        report.balances.emplace();
        report.positions.emplace();
        if (!q.second.is_zero()) report.positions->push_back({inst->id, q.second, inst->quote});
        domain::ReconciliationContext ctx;
        ctx.config = options_.tolerances;
        auto result = domain::reconcile(local, report, ctx);
        if (!result) {
          add(v, FindingKind::position_mismatch, Severity::critical, true, inst->canonical,
              inst->venue_symbol, "position not comparable: " + result.error().message);
          continue;
        }
        for (const auto& d : result->discrepancies) {
          const bool dust = d.kind == domain::DiscrepancyKind::precision_only;
          add(v, FindingKind::position_mismatch, dust ? Severity::info : d.severity, !dust,
              inst->canonical, inst->venue_symbol,
              dust ? "position " + inst->venue_symbol + ": venue " + q.second.to_string() +
                         ", journal " + q.first.to_string() + " (within tolerance)"
                   : "position at the venue the journal does not explain: " + venue_name(v.venue) +
                         " reports " + q.second.to_string() + ' ' + inst->venue_symbol +
                         ", the journal's fills make " + q.first.to_string() +
                         "; symbol blocked until an operator decides");
        }
      }
    }
    // Spot: the venue's holdings of each base coin against what the fills bought.
    std::map<std::string, std::pair<Decimal, std::vector<const Instrument*>>> bases;
    for (const Instrument* inst : instruments) {
      if (inst->kind != InstrumentKind::spot) continue;
      auto& e = bases[inst->base];
      e.second.push_back(inst);
      if (auto it = made.find(inst->id.value); it != made.end()) e.first += it->second.quantity();
    }
    for (const auto& [base, e] : bases) {
      Decimal held;
      for (const auto& b : v.balances)
        if (b.currency() == base) held += b.total();
      const Decimal diff = held - e.first;
      if (diff.abs() <= tolerance) continue;
      if (diff.is_negative()) {
        for (const Instrument* inst : e.second)
          add(v, FindingKind::missing_holdings, Severity::critical, true, inst->canonical, base,
              venue_name(v.venue) + " holds " + held.to_string() + ' ' + base + ", less than the " +
                  e.first.to_string() +
                  " the journal's fills bought: position at the venue the journal does not "
                  "explain; symbol blocked until an operator decides");
      } else {
        add(v, FindingKind::extra_holdings, Severity::info, false, "", base,
            venue_name(v.venue) + " holds " + held.to_string() + ' ' + base + ", " +
                diff.to_string() +
                " more than nzeza's fills bought: coins nzeza did not buy, left alone and "
                "never sold");
      }
    }
  }
}

// ── findings and reports ─────────────────────────────────────────────────────────────────────

void Recovery::add(VenueData& v, FindingKind kind, Severity severity, bool blocks,
                   std::string canonical, std::string key, std::string detail) {
  if (blocks && !canonical.empty()) {
    auto [it, inserted] = out_.blocked.try_emplace(canonical, detail);
    if (!inserted && it->second.find(detail) == std::string::npos) it->second += "; " + detail;
  }
  v.report.findings.push_back(
      {kind, severity, blocks, std::move(canonical), std::move(key), std::move(detail)});
}

boost::json::object finding_json(const RecoveryFinding& f) {
  boost::json::object o;
  o["kind"] = str(to_string(f.kind));
  o["severity"] = str(domain::to_string(f.severity));
  o["blocks"] = f.blocks;
  o["symbol"] = f.canonical;
  o["key"] = f.key;
  o["detail"] = f.detail;
  return o;
}

boost::json::object venue_json(const VenueRecovery& v) {
  boost::json::object o;
  o["venue"] = venue_name(v.venue);
  o["answered"] = v.answered;
  o["open_orders"] = v.open_orders;
  o["fills"] = v.fills;
  o["worst"] = str(domain::to_string(v.worst()));
  o["trading_allowed"] = v.trading_allowed();
  boost::json::array findings;
  for (const auto& f : v.findings) findings.push_back(finding_json(f));
  o["findings"] = std::move(findings);
  return o;
}

Status Recovery::write_reports(bool answered) {
  out_.report.at = now_;
  out_.report.blocked = out_.blocked;
  out_.report.trading_allowed = answered;
  for (auto& v : venues_) {
    for (const auto& f : v.report.findings) {
      store::AuditRecord a;
      a.at = now_;
      a.kind = "reconciliation";
      a.text = venue_name(v.venue) + ": " + f.detail;
      a.fields = {{"venue", venue_name(v.venue)},
                  {"finding", str(to_string(f.kind))},
                  {"severity", str(domain::to_string(f.severity))},
                  {"blocks", f.blocks ? "true" : "false"},
                  {"symbol", f.canonical},
                  {"key", f.key}};
      in_.journal->record(std::move(a));
    }
    store::ReconciliationRecord r;
    r.at = now_;
    r.venue = v.venue;
    r.worst = str(domain::to_string(v.report.worst()));
    r.trading_allowed = v.report.trading_allowed();
    r.report_json = boost::json::serialize(venue_json(v.report));
    in_.journal->record(std::move(r));
    out_.report.venues.push_back(v.report);
  }
  auto flushed = in_.journal->flush();
  if (!flushed) return flushed.error();
  return {};
}

Result<Recovered> Recovery::run() {
  if (in_.journal == nullptr || in_.registry == nullptr || in_.codec == nullptr ||
      in_.clock == nullptr)
    return Error{ErrorCode::invalid_argument,
                 "recovery: journal, registry, codec and clock are required"};
  if (in_.clients.empty())
    return Error{ErrorCode::invalid_argument, "recovery: no venue client to reconcile with"};
  for (venues::VenueClient* c : in_.clients) {
    if (c == nullptr) return Error{ErrorCode::invalid_argument, "recovery: a null venue client"};
    if (data(c->venue()) != nullptr)
      return Error{ErrorCode::invalid_argument,
                   "recovery: two clients for " + venue_name(c->venue())};
    VenueData d;
    d.client = c;
    d.venue = c->venue();
    d.report.venue = c->venue();
    venues_.push_back(std::move(d));
  }
  now_ = in_.clock->now();
  auto loaded = in_.journal->load();
  if (!loaded) return loaded.error().with_context("recovery: loading the journal");
  const store::JournalState& state = *loaded;
  out_.last_sequence = state.last_sequence;
  out_.exit_levels = state.exit_levels;
  for (const auto& r : state.fills) {
    domain::Fill f = r.fill;
    if (const Instrument* inst = in_.registry->find(f.venue, f.venue_symbol))
      f.instrument = inst->id;
    if (!fill_keys_.emplace(f.venue, f.venue_symbol, f.trade_id).second) continue;
    if (f.instrument.valid()) out_.fills.push_back(std::move(f));
  }

  if (auto s = query_venues(state); !s) {
    // Fail closed, and say so in the journal too (`nzeza reconcile` prints it).
    if (auto w = write_reports(false); !w) return s.error().with_context(w.error().message);
    return s.error();
  }
  for (const auto& o : state.orders) {
    resolve_order(o);
  }
  for (auto& v : venues_) review_open_orders(v);
  for (auto& v : venues_) review_fills(v);
  review_positions();
  if (auto w = write_reports(true); !w)
    return w.error().with_context("recovery: writing the reconciliation to the journal");
  return std::move(out_);
}

}  // namespace

std::string_view to_string(ExternalOrderPolicy p) noexcept {
  return p == ExternalOrderPolicy::cancel ? "cancel" : "leave";
}

constexpr EnumNames kFindingKindNames{
    FindingKind::instrument_unknown,
    {"adopted", "finished", "never_executed", "unresolved", "unjournaled_order", "external_order",
     "external_cancelled", "external_cancel_failed", "missed_fill", "external_fill",
     "position_mismatch", "missing_holdings", "extra_holdings", "report_missing", "no_answer",
     "instrument_unknown"}};

std::string_view to_string(FindingKind k) noexcept {
  return kFindingKindNames.name(k);
}

domain::Severity VenueRecovery::worst() const noexcept {
  Severity w = Severity::ok;
  for (const auto& f : findings) w = std::max(w, f.severity);
  return w;
}

bool VenueRecovery::trading_allowed() const noexcept {
  if (!answered) return false;
  return std::none_of(findings.begin(), findings.end(),
                      [](const RecoveryFinding& f) { return f.blocks; });
}

std::size_t RecoveryReport::count(FindingKind kind) const noexcept {
  std::size_t n = 0;
  for (const auto& v : venues)
    for (const auto& f : v.findings) n += f.kind == kind ? 1 : 0;
  return n;
}

const RecoveryFinding* RecoveryReport::find(FindingKind kind) const noexcept {
  for (const auto& v : venues)
    for (const auto& f : v.findings)
      if (f.kind == kind) return &f;
  return nullptr;
}

std::string RecoveryReport::to_text() const {
  std::string out = "reconciliation at " + at.to_iso8601() + ": " +
                    (trading_allowed ? std::string("every venue reconciled")
                                     : std::string("NOT reconciled, trading refused")) +
                    '\n';
  for (const auto& v : venues) {
    out += "  " + venue_name(v.venue) + ": " +
           (v.answered ? std::to_string(v.open_orders) + " open order(s), " +
                             std::to_string(v.fills) + " recent fill(s)"
                       : std::string("did not answer")) +
           "; worst " + str(domain::to_string(v.worst())) + '\n';
    for (const auto& f : v.findings)
      out += "    [" + str(domain::to_string(f.severity)) + "] " + str(to_string(f.kind)) +
             (f.blocks ? " (blocks)" : "") + ": " + f.detail + '\n';
  }
  if (blocked.empty()) {
    out += "  no symbol blocked\n";
  } else {
    for (const auto& [symbol, why] : blocked)
      out += "  BLOCKED " + symbol + " (no new entry until an operator decides): " + why + '\n';
  }
  return out;
}

std::string RecoveryReport::to_json() const {
  boost::json::object o;
  o["at"] = at.to_iso8601();
  o["trading_allowed"] = trading_allowed;
  boost::json::array vs;
  for (const auto& v : venues) vs.push_back(venue_json(v));
  o["venues"] = std::move(vs);
  boost::json::object b;
  for (const auto& [symbol, why] : blocked) b[symbol] = why;
  o["blocked"] = std::move(b);
  return boost::json::serialize(o);
}

Result<Recovered> recover(const RecoveryInputs& in, const RecoveryOptions& options) {
  Recovery r(in, options);
  return r.run();
}

// ── seeding the actors ───────────────────────────────────────────────────────────────────────

namespace {

// A position at least one lot large (as Execution::holds): less is dust, read as flat.
bool holds(const ExecutionBook& b, const InstrumentRegistry& registry) {
  if (!b.position || b.position->quantity().is_zero()) return false;
  const Instrument* inst = registry.get(b.instrument);
  if (inst == nullptr) return true;
  const Decimal smallest = inst->min_size.is_positive() ? inst->min_size : inst->lot_size;
  return !smallest.is_positive() || b.position->abs_quantity() >= smallest;
}

std::optional<domain::ExitReason> exit_reason(std::string_view purpose) {
  if (purpose == "stop_loss") return domain::ExitReason::stop_loss;
  if (purpose == "take_profit") return domain::ExitReason::take_profit;
  return std::nullopt;
}

}  // namespace

Status seed_execution(const Recovered& r, ExecutionState& s, const InstrumentRegistry& registry,
                      const ClientIdCodec& /*codec*/, const ExecutionConfig& config) {
  std::vector<std::string> problems;
  auto book_of = [&](std::string_view canonical) -> ExecutionBook* {
    const auto symbol = registry.symbols().find(canonical);
    if (!symbol) return nullptr;
    auto [it, inserted] = s.books.try_emplace(symbol->value);
    if (inserted) {
      it->second.symbol = *symbol;
      it->second.canonical = std::string(canonical);
    }
    return &it->second;
  };
  // Positions from the fills, applied as Execution::apply_fill applies them.
  for (const auto& f : r.fills) {
    auto outcome = s.ledger.record(f);
    if (!outcome) {
      problems.push_back("fill " + f.trade_id + ": " + outcome.error().message);
      continue;
    }
    if (*outcome == domain::FillOutcome::duplicate) continue;
    const Instrument* inst = registry.get(f.instrument);
    if (inst == nullptr) {
      problems.push_back("fill " + f.trade_id + ": instrument not loaded");
      continue;
    }
    ExecutionBook* b = book_of(inst->canonical);
    if (b == nullptr) continue;
    if (!b->position || (b->position->quantity().is_zero() && b->instrument != inst->id)) {
      auto p = domain::Position::for_instrument(
          *inst, inst->kind == InstrumentKind::perpetual ? config.leverage : Decimal::one());
      if (!p) {
        problems.push_back("fill " + f.trade_id + ": " + p.error().message);
        continue;
      }
      b->position = std::move(*p);
    }
    b->venue = inst->venue;
    b->instrument = inst->id;
    auto pf = domain::to_position_fill(*inst, f);
    if (!pf) {
      problems.push_back("fill " + f.trade_id + ": " + pf.error().message);
      continue;
    }
    if (auto change = b->position->apply(*pf); !change)
      problems.push_back("fill " + f.trade_id + ": " + change.error().message);
  }
  // The orders still working: native exits resting, the entry or close in flight.
  for (const auto& w : r.working) {
    ExecutionBook* b = book_of(w.order.intent.canonical);
    if (b == nullptr) {
      problems.push_back("order #" + std::to_string(w.order.intent.sequence) + ": symbol " +
                         w.order.intent.canonical + " not loaded");
      continue;
    }
    const std::uint64_t seq = w.order.intent.sequence;
    s.orders[seq] = b->symbol.value;
    if (!b->position) {
      b->venue = w.venue;
      if (w.instrument.valid()) b->instrument = w.instrument;
    }
    const bool unknown = w.order.phase == store::OrderPhase::unknown ||
                         w.order.phase == store::OrderPhase::unresolved;
    const std::string& purpose = w.order.intent.purpose;
    if (auto reason = exit_reason(purpose)) {
      ExitOrder e;
      e.sequence = seq;
      e.reason = *reason;
      e.type = w.order.intent.type;
      e.level = w.order.intent.stop_price.value_or(w.order.intent.price.value_or(Decimal{}));
      e.quantity = w.order.intent.quantity - w.order.filled;
      e.acknowledged = true;  // it rests (or may: unresolved) at the venue
      b->exits.push_back(e);
      b->exits_armed = true;
    } else if (purpose == "entry" || purpose.rfind("close", 0) == 0) {
      if (b->working != 0) {
        problems.push_back(b->canonical + ": two orders in flight (#" + std::to_string(b->working) +
                           ", #" + std::to_string(seq) + ")");
        continue;
      }
      b->working = seq;
      b->working_is_close = purpose != "entry";
      b->working_unknown = unknown;
      if (b->working_is_close) b->closing_why = "close resumed after a restart";
    }
  }
  // Local exits: the journaled levels (the trailing stop's best price kept), minus what rests
  // natively; a position with neither gets the configured exits at its entry.
  std::map<std::string, const store::ExitLevelsRecord*, std::less<>> levels;
  for (const auto& x : r.exit_levels)
    if (x.armed) levels[x.canonical] = &x;
  for (auto& [id, b] : s.books) {
    if (!holds(b, registry)) continue;
    const auto entry = b.position->average_entry_price();
    if (!entry) continue;
    domain::ExitRules rules;
    std::optional<Decimal> best;
    if (auto it = levels.find(b.canonical); it != levels.end()) {
      const store::ExitLevelsRecord& x = *it->second;
      rules.stop_loss = x.stop_loss;
      rules.take_profit = x.take_profit;
      if (x.trailing_fraction)
        rules.trailing =
            domain::TrailingStop{domain::TrailingStop::Kind::fraction, *x.trailing_fraction};
      best = x.trailing_best;
    } else if (b.working == 0 || b.exits_armed) {
      auto from_config = domain::ExitRules::from_fractions(b.position->side(), *entry,
                                                           config.stop_loss, config.take_profit);
      if (from_config) rules = *from_config;
      if (config.trailing_stop)
        rules.trailing =
            domain::TrailingStop{domain::TrailingStop::Kind::fraction, *config.trailing_stop};
    } else {
      continue;  // the entry still works: its end arms the exits
    }
    for (const auto& e : b.exits) {
      if (e.reason == domain::ExitReason::stop_loss) rules.stop_loss.reset();
      if (e.reason == domain::ExitReason::take_profit) rules.take_profit.reset();
    }
    b.exits_armed = true;
    if (!rules.stop_loss && !rules.take_profit && !rules.trailing) continue;
    auto monitor = domain::ExitMonitor::create(rules);
    if (!monitor) {
      problems.push_back(b.canonical + ": exit levels refused: " + monitor.error().message);
      continue;
    }
    b.monitor = std::move(*monitor);
    (void)b.monitor->on_price(*b.position, *entry);
    if (best) (void)b.monitor->on_price(*b.position, *best);
  }
  for (const auto& [canonical, why] : r.blocked)
    if (ExecutionBook* b = book_of(canonical)) b->blocked = why;
  if (problems.empty()) return {};
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
  return Error{ErrorCode::invalid_state, "seed_execution: " + text};
}

Status seed_portfolio(const Recovered& r, PortfolioState& s, const InstrumentRegistry& registry,
                      Decimal leverage) {
  s.cash = s.starting_cash;
  std::string problems;
  for (const auto& f : r.fills) {
    auto outcome = PortfolioActor::apply_fill(s, registry, leverage, f);
    if (!outcome)
      problems +=
          (problems.empty() ? "" : "; ") + ("fill " + f.trade_id + ": ") + outcome.error().message;
  }
  if (problems.empty()) return {};
  return Error{ErrorCode::invalid_state, "seed_portfolio: " + problems};
}

}  // namespace nzeza::app
