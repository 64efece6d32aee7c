#include "venues/router.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "core/enum_names.hpp"
#include "venues/precision_guard.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues {
namespace {

constexpr std::string_view kUnknownSymbol = "unknown symbol: ";
constexpr std::string_view kUnknownVenue = "unknown venue: ";
constexpr std::string_view kUnavailable = "unavailable: ";
constexpr std::string_view kAllUnavailable = "all unavailable: ";
constexpr std::string_view kNoPosition = "no position: ";

std::string str(std::string_view s) {
  return std::string(s);
}

std::string attempts_text(const std::vector<VenueAttempt>& attempts) {
  std::string out;
  for (const auto& a : attempts) {
    if (!out.empty()) out += "; ";
    out += str(to_string(a.venue)) + ": " + a.error.to_string();
  }
  return out;
}

}  // namespace

constexpr EnumNames kRouteErrorKindNames{
    RouteErrorKind::no_position,
    {"unknown symbol", "unknown venue", "unavailable", "all unavailable", "no position"},
    "unavailable"};

std::string_view to_string(RouteErrorKind k) noexcept {
  return kRouteErrorKindNames.name(k);
}

std::optional<RouteErrorKind> route_error_kind(const Error& e) noexcept {
  const std::string_view m = e.message;
  if (e.code == ErrorCode::not_found) {
    if (m.starts_with(kUnknownSymbol)) return RouteErrorKind::unknown_symbol;
    if (m.starts_with(kUnknownVenue)) return RouteErrorKind::unknown_venue;
    if (m.starts_with(kNoPosition)) return RouteErrorKind::no_position;
  }
  if (e.code == ErrorCode::unavailable) {
    if (m.starts_with(kAllUnavailable)) return RouteErrorKind::all_unavailable;
    if (m.starts_with(kUnavailable)) return RouteErrorKind::unavailable;
  }
  return std::nullopt;
}

Router::Router(const InstrumentRegistry& registry, const ClientIdCodec& codec,
               const VenueHealth& health)
    : registry_(registry), codec_(codec), health_(health) {}

Status Router::add_route(SymbolRoute route) {
  if (route.canonical.empty()) return fail(ErrorCode::invalid_argument, "route: empty symbol");
  std::vector<Venue> all{route.primary};
  for (Venue v : route.fallbacks) {
    if (std::find(all.begin(), all.end(), v) != all.end()) {
      return fail(ErrorCode::invalid_argument,
                  "route " + route.canonical + ": venue " + str(to_string(v)) + " listed twice");
    }
    all.push_back(v);
  }
  if (routes_.contains(route.canonical)) {
    return fail(ErrorCode::already_exists, "route " + route.canonical + " configured twice");
  }
  routes_.emplace(route.canonical, std::move(route));
  return {};
}

Status Router::add_client(VenueClient& client) {
  if (this->client(client.venue()) != nullptr) {
    return fail(ErrorCode::already_exists,
                "router: a client for " + str(to_string(client.venue())) + " is registered");
  }
  clients_.push_back(&client);
  return {};
}

VenueClient* Router::client(Venue venue) const noexcept {
  for (VenueClient* c : clients_) {
    if (c->venue() == venue) return c;
  }
  return nullptr;
}

Result<std::vector<Venue>> Router::candidates(const PlaceIntent& intent) const {
  std::vector<Venue> out;
  if (intent.reduce_only) {
    const std::optional<Venue> holder = locator_ ? locator_(intent.canonical) : std::nullopt;
    if (!holder) {
      return fail(ErrorCode::not_found, str(kNoPosition) + "no venue holds a position in " +
                                            intent.canonical + " to exit");
    }
    out.push_back(*holder);
  } else {
    auto it = routes_.find(intent.canonical);
    if (it == routes_.end()) {
      return fail(ErrorCode::not_found,
                  str(kUnknownSymbol) + "no route configured for " + intent.canonical);
    }
    out.push_back(it->second.primary);
    out.insert(out.end(), it->second.fallbacks.begin(), it->second.fallbacks.end());
  }
  for (Venue v : out) {
    if (client(v) == nullptr) {
      return fail(ErrorCode::not_found, str(kUnknownVenue) + "route for " + intent.canonical +
                                            " names " + str(to_string(v)) +
                                            " but no client for it is registered");
    }
  }
  return out;
}

Result<domain::OrderSpec> Router::build_spec(const PlaceIntent& intent, Venue venue) const {
  const Instrument* instrument = registry_.find_canonical(venue, intent.canonical);
  if (instrument == nullptr) {
    return fail(ErrorCode::unavailable,
                str(to_string(venue)) + " does not list " + intent.canonical);
  }
  auto id = codec_.encode(venue, intent.sequence);
  if (!id) return std::move(id).error();
  domain::OrderSpec spec;
  spec.client_order_id = std::move(*id);
  spec.venue = venue;
  spec.instrument = instrument->id;
  spec.side = intent.side;
  spec.type = intent.type;
  spec.time_in_force = intent.time_in_force;
  // Spot venues have no reduce-only flag (Binance, Coinbase and Kraken refuse it): an exit there
  // is a plain order no larger than the holding, sent to the venue that holds it.
  spec.reduce_only = intent.reduce_only && instrument->kind == InstrumentKind::perpetual;
  spec.quantity = intent.quantity;
  spec.price = intent.price;
  spec.stop_price = intent.stop_price;
  if (auto ok = domain::validate(spec); !ok) return ok.error();
  std::optional<Decimal> reference;
  if (spec.type == domain::OrderType::market && reference_) {
    reference = reference_(spec.instrument, spec.side);
  }
  auto prepared = prepare_order(*instrument, spec, reference);
  if (!prepared) return std::move(prepared).error();
  return std::move(prepared->spec);
}

struct Router::Attempt {
  PlaceIntent intent;
  std::vector<Venue> candidates;
  std::size_t next = 0;
  std::vector<VenueAttempt> skipped;
  Completion<RoutedAck> done;
};

void Router::place(const PlaceIntent& intent, Callback<RoutedAck> done) {
  Completion<RoutedAck> completion(std::move(done), "router place " + intent.canonical);
  auto venues = candidates(intent);
  if (!venues) {
    completion.complete(std::move(venues).error());
    return;
  }
  auto attempt = std::make_shared<Attempt>();
  attempt->intent = intent;
  attempt->candidates = std::move(*venues);
  attempt->done = std::move(completion);
  try_next(std::move(attempt));
}

void Router::try_next(std::shared_ptr<Attempt> attempt) {
  while (attempt->next < attempt->candidates.size()) {
    const Venue venue = attempt->candidates[attempt->next++];
    if (auto ok = health_.check(venue); !ok) {
      attempt->skipped.push_back({venue, ok.error()});
      continue;
    }
    auto spec = build_spec(attempt->intent, venue);
    if (!spec) {
      if (may_fall_back(spec.error())) {
        attempt->skipped.push_back({venue, spec.error()});
        continue;
      }
      attempt->done.complete(std::move(spec).error());  // a bad intent: no venue would take it
      return;
    }
    domain::OrderSpec sent = *spec;
    auto on_answer = [this, attempt, venue, sent](Result<PlaceAck> r) {
      if (r) {
        attempt->done.complete(RoutedAck{venue, sent, std::move(*r), std::move(attempt->skipped)});
        return;
      }
      if (may_fall_back(r.error())) {
        attempt->skipped.push_back({venue, r.error()});
        try_next(attempt);
        return;
      }
      // Refused by the venue, or outcome unknown (a byte may have left, whatever the code):
      // final, passed on unchanged so the caller still sees its delivery. Never re-routed.
      attempt->done.complete(std::move(r).error());
    };
    if (sender_) {
      sender_(sent, std::move(on_answer));
    } else {
      client(venue)->place(sent, std::move(on_answer));
    }
    return;
  }
  const bool exit = attempt->intent.reduce_only;
  const std::string what = attempt->intent.canonical + (exit ? " (exit)" : "");
  // Every candidate was skipped before a byte of the order left: say so explicitly.
  const std::string_view kind = attempt->skipped.size() == 1 ? kUnavailable : kAllUnavailable;
  attempt->done.complete(
      Error{ErrorCode::unavailable, str(kind) + what + ": " + attempts_text(attempt->skipped)}
          .with_delivery(Delivery::not_sent));
}

void Router::balances(Callback<BalanceReport> done) {
  struct Gather {
    std::mutex mu;
    std::vector<VenueBalances> results;
    std::size_t pending = 0;
    Completion<BalanceReport> done;
  };
  auto g = std::make_shared<Gather>();
  g->done = Completion<BalanceReport>(std::move(done), "router balances");
  g->pending = clients_.size();
  g->results.resize(clients_.size());
  if (clients_.empty()) {
    g->done.complete(BalanceReport{});
    return;
  }
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    const Venue venue = clients_[i]->venue();
    clients_[i]->balances([g, i, venue](Result<std::vector<domain::Balance>> r) {
      bool last = false;
      {
        std::lock_guard lock(g->mu);
        VenueBalances& slot = g->results[i];
        slot.venue = venue;
        if (r) {
          slot.balances = std::move(*r);
        } else {
          slot.error = std::move(r).error();
        }
        last = --g->pending == 0;
      }
      if (!last) return;
      auto report = build_balance_report(std::move(g->results));
      if (report) {
        g->done.complete(std::move(*report));
      } else {
        g->done.complete(std::move(report).error());
      }
    });
  }
}

}  // namespace nzeza::venues
