#include "app/operator_decision.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "domain/position.hpp"

namespace nzeza::app {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// One venue answer awaited on this thread; a late answer lands in the shared slot harmlessly.
template <typename T>
Result<T> await(const std::function<void(venues::Callback<T>)>& ask, SteadyTime until,
                const std::function<void()>& pump, std::string_view what) {
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<T>> value;
  };
  auto slot = std::make_shared<Slot>();
  ask([slot](Result<T> r) {
    std::lock_guard lock(slot->mu);
    if (!slot->value) slot->value.emplace(std::move(r));
    slot->cv.notify_all();
  });
  std::unique_lock lock(slot->mu);
  for (;;) {
    const SteadyTime slice =
        pump ? std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(1))
             : until;
    if (slot->cv.wait_until(lock, slice, [&] { return slot->value.has_value(); }))
      return std::move(*slot->value);
    if (std::chrono::steady_clock::now() >= until)
      return Error{ErrorCode::timeout, std::string(what) + ": no answer in time"};
    lock.unlock();
    pump();
    lock.lock();
  }
}

std::string name(Venue v) {
  return std::string(to_string(v));
}

// What the journal's fills make of each instrument, applied in the order recorded (as recovery
// does: a fill the position refuses counts for nothing).
std::map<std::uint32_t, domain::Position> positions_from(const store::JournalState& state,
                                                         const InstrumentRegistry& registry) {
  std::map<std::uint32_t, domain::Position> made;
  for (const auto& r : state.fills) {
    domain::Fill f = r.fill;
    const Instrument* inst = registry.find(f.venue, f.venue_symbol);
    if (inst == nullptr) continue;
    f.instrument = inst->id;
    auto it = made.find(inst->id.value);
    if (it == made.end()) {
      auto p = domain::Position::for_instrument(*inst);
      if (!p) continue;
      it = made.emplace(inst->id.value, std::move(*p)).first;
    }
    if (auto pf = domain::to_position_fill(*inst, f)) (void)it->second.apply(*pf);
  }
  return made;
}

struct Adjustment {
  const Instrument* instrument = nullptr;
  Side side = Side::buy;
  Decimal quantity;
  Decimal price;
  std::string why;  // venue against journal, for the audit line
};

}  // namespace

Result<Acceptance> accept_venue_state(const RecoveryInputs& in, std::string_view canonical,
                                      Duration deadline) {
  if (in.journal == nullptr || in.registry == nullptr || in.clock == nullptr)
    return Error{ErrorCode::invalid_argument, "accept: journal, registry and clock are required"};
  const SteadyTime until =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline);
  auto state = in.journal->load();
  if (!state) return state.error().with_context("accept: loading the journal");
  const auto made = positions_from(*state, *in.registry);
  const Decimal tolerance = domain::ReconciliationConfig{}.precision_tolerance;
  auto made_of = [&](const Instrument& inst) {
    auto it = made.find(inst.id.value);
    return it == made.end() ? std::optional<domain::Position>{} : it->second;
  };

  std::vector<Adjustment> adjustments;
  bool listed = false;
  for (venues::VenueClient* client : in.clients) {
    if (client == nullptr) continue;
    const Venue venue = client->venue();
    const Instrument* inst = in.registry->find_canonical(venue, canonical);
    if (inst == nullptr) continue;
    listed = true;
    const std::string where = name(venue) + ' ' + inst->venue_symbol;
    const auto journal_position = made_of(*inst);
    const Decimal journal_qty = journal_position ? journal_position->quantity() : Decimal{};

    if (inst->kind == InstrumentKind::perpetual) {
      if (!client->capabilities().positions)
        return Error{ErrorCode::invalid_state,
                     "accept " + std::string(canonical) + ": " + name(venue) +
                         " gives no position report: there is no position to adopt"};
      auto positions = await<std::vector<venues::VenuePosition>>(
          [client](auto cb) { client->positions(std::move(cb)); }, until, in.pump,
          name(venue) + " positions");
      if (!positions) return positions.error().with_context("accept " + std::string(canonical));
      Decimal venue_qty;
      std::optional<Decimal> entry;
      for (const auto& p : *positions) {
        if (p.instrument != inst->id && p.venue_symbol != inst->venue_symbol) continue;
        venue_qty += p.quantity;
        if (p.entry_price) entry = p.entry_price;
      }
      const Decimal diff = venue_qty - journal_qty;
      if (diff.abs() <= tolerance) continue;
      if (!entry && journal_position) entry = journal_position->average_entry_price();
      if (!entry || !entry->is_positive())
        return Error{ErrorCode::invalid_state,
                     "accept " + std::string(canonical) + ": " + where + " reports " +
                         venue_qty.to_string() +
                         " without an entry price, and the journal has none to adopt it at"};
      adjustments.push_back(
          {inst, diff.is_positive() ? Side::buy : Side::sell, diff.abs(), *entry,
           where + ": venue " + venue_qty.to_string() + ", journal " + journal_qty.to_string()});
      continue;
    }

    // Spot: the venue's holdings of the base coin against what the fills bought of it there.
    auto balances =
        await<std::vector<domain::Balance>>([client](auto cb) { client->balances(std::move(cb)); },
                                            until, in.pump, name(venue) + " balances");
    if (!balances) return balances.error().with_context("accept " + std::string(canonical));
    Decimal held;
    for (const auto& b : *balances)
      if (b.currency() == inst->base) held += b.total();
    Decimal bought;
    for (const Instrument* other : in.registry->by_venue(venue))
      if (other->kind == InstrumentKind::spot && other->base == inst->base)
        if (auto p = made_of(*other)) bought += p->quantity();
    const Decimal shortfall = bought - held;
    if (shortfall <= tolerance) continue;  // more than bought is never nzeza's to adopt
    if (!journal_position || journal_position->quantity() < shortfall)
      return Error{ErrorCode::invalid_state,
                   "accept " + std::string(canonical) + ": " + name(venue) + " holds " +
                       held.to_string() + ' ' + inst->base + ", " + shortfall.to_string() +
                       " less than the fills bought, but " + std::string(canonical) +
                       "'s own fills hold only " + journal_qty.to_string() +
                       ": accept the other symbols on " + inst->base + " first"};
    const auto entry = journal_position->average_entry_price();
    if (!entry)
      return Error{ErrorCode::invalid_state,
                   "accept " + std::string(canonical) + ": no average entry to adopt it at"};
    adjustments.push_back({inst, Side::sell, shortfall, *entry,
                           where + ": venue holds " + held.to_string() + ' ' + inst->base +
                               ", the journal's fills bought " + bought.to_string()});
  }
  if (!listed)
    return Error{ErrorCode::invalid_argument,
                 "accept: no venue in use lists " + std::string(canonical)};

  // Every answer is in: journal the decision.
  Acceptance out;
  out.canonical = std::string(canonical);
  const Timestamp now = in.clock->now();
  auto audit = [&](std::string text, std::vector<std::pair<std::string, std::string>> fields) {
    store::AuditRecord a;
    a.at = now;
    a.kind = "operator";
    a.text = "accept " + std::string(canonical) + ": " + text;
    fields.insert(fields.begin(), {{"decision", "accept"}, {"symbol", std::string(canonical)}});
    a.fields = std::move(fields);
    in.journal->record(std::move(a));
    out.decisions.push_back(std::move(text));
  };
  for (const auto& adj : adjustments) {
    store::FillRecord r;
    domain::Fill& f = r.fill;
    f.venue = adj.instrument->venue;
    f.instrument = adj.instrument->id;
    f.venue_symbol = adj.instrument->venue_symbol;
    f.trade_id = "adjust-" + std::to_string(now.ns()) + '-' + name(f.venue);
    f.side = adj.side;
    f.price = adj.price;
    f.quantity = adj.quantity;
    f.time = now;
    r.sequence = 0;
    r.recorded = now;
    const std::string trade_id = f.trade_id;
    in.journal->record(std::move(r));
    audit(adj.why + ": adjustment " + trade_id + ' ' + std::string(to_string(adj.side)) + ' ' +
              adj.quantity.to_string() + " at " + adj.price.to_string() +
              " journaled: the venue's position is nzeza's",
          {{"venue", name(adj.instrument->venue)}, {"trade_id", trade_id}});
  }
  for (const auto& o : state->orders) {
    if (o.intent.canonical != canonical || o.phase != store::OrderPhase::unresolved) continue;
    store::OrderEventRecord e;
    e.sequence = o.intent.sequence;
    e.phase = store::OrderPhase::done;
    e.venue = o.venue;
    e.client_order_id = o.client_order_id;
    e.venue_order_id = o.venue_order_id;
    e.venue_symbol = o.venue_symbol;
    e.filled = o.filled;
    e.detail =
        "operator: accepted as not live (nzeza reconcile --accept); if it rests at the venue the "
        "next reconciliation reports it as ours but not journaled";
    e.at = now;
    in.journal->record(std::move(e));
    audit("unresolved order #" + std::to_string(o.intent.sequence) + ' ' + o.intent.purpose + ' ' +
              (o.client_order_id.empty() ? std::string() : o.client_order_id + ' ') +
              "closed: the operator decided it is not live",
          {{"sequence", std::to_string(o.intent.sequence)},
           {"venue", o.venue ? name(*o.venue) : std::string()}});
  }
  if (auto flushed = in.journal->flush(); !flushed)
    return flushed.error().with_context("accept: writing the decision to the journal");
  return out;
}

}  // namespace nzeza::app
