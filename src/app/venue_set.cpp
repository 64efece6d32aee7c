#include "app/venue_set.hpp"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "app/market_data_instruments.hpp"
#include "app/venue_factory.hpp"
#include "app/venue_limits.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::app {

void VenueSet::add(std::unique_ptr<OpenVenue> venue) {
  venues_.push_back(std::move(venue));
}

const OpenVenue* VenueSet::find(Venue venue) const noexcept {
  for (const auto& v : venues_) {
    if (v->config.venue == venue) return v.get();
  }
  return nullptr;
}

venues::VenueClient* VenueSet::trading_client(Venue venue) const noexcept {
  const OpenVenue* v = find(venue);
  return v != nullptr ? v->trading_client() : nullptr;
}

std::vector<InstrumentId> VenueSet::instruments() const {
  std::vector<InstrumentId> out;
  for (const auto& v : venues_) out.insert(out.end(), v->instruments.begin(), v->instruments.end());
  return out;
}

venues::ClientOptions client_options(const VenueConfig& venue, const OpenOptions& options) {
  venues::ClientOptions o;
  o.base_url = venue.rest_url;
  o.ws_url = venue.private_ws_url;
  o.ca_file = options.ca_file;
  o.request_timeout = options.request_timeout;
  o.symbols = venue.symbols;
  switch (venue.credentials.kind) {
    case CredentialsSource::Kind::env:
      o.credentials.env_prefix = venue.credentials.value;
      break;
    case CredentialsSource::Kind::file:
      o.credentials.file = venue.credentials.value;
      // The file is the source the config names: a stray NZEZA_<VENUE>_* variable must not
      // override it.
      o.credentials.use_environment = false;
      break;
    case CredentialsSource::Kind::none:
      break;
  }
  return o;
}

namespace {

std::string venue_name(Venue v) {
  return std::string(to_string(v));
}

std::string duration_text(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// One failure of one venue at one step, for the start's error.
struct Failure {
  Venue venue;
  ErrorCode code;
  std::string text;  // "binance: signed read-only call balances() refused: ..."
};

// "<venue>: <step>: <cause>", with the venue's own code and text when the cause's message does
// not already carry them.
Failure failure(Venue venue, const std::string& step, const Error& e) {
  std::string text = venue_name(venue) + ": " + step + ": " + e.message;
  std::string answer;
  if (!e.venue_code.empty() && text.find(e.venue_code) == std::string::npos) answer = e.venue_code;
  if (!e.venue_text.empty() && text.find(e.venue_text) == std::string::npos) {
    answer += (answer.empty() ? "" : " ") + e.venue_text;
  }
  if (!answer.empty()) text += " (the venue answered: " + answer + ")";
  return {venue, e.code, std::move(text)};
}

// The start's deadline and the wait for a round of concurrent calls. Callbacks may run on any
// thread (network, clock, or inside the call) and after open_venues returned: they hold the
// round by shared_ptr and only ever write into it.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool expired = false;
};

template <typename T>
struct Round {
  explicit Round(std::shared_ptr<Gate> g, std::size_t n) : gate(std::move(g)), results(n) {}
  std::shared_ptr<Gate> gate;
  std::vector<std::optional<Result<T>>> results;
  std::size_t left = 0;
};

// Starts `call(i, callback)` for every i in `which`, then waits until each answered or the
// deadline passed. Unanswered slots stay empty.
// `answered(i, ok)`, when set, runs after the answer was recorded, outside the lock.
template <typename T>
std::vector<std::optional<Result<T>>> gather(
    const std::shared_ptr<Gate>& gate, std::size_t n, const std::vector<std::size_t>& which,
    const std::function<void(std::size_t, venues::Callback<T>)>& call,
    std::function<void(std::size_t, bool)> answered = {}) {
  auto round = std::make_shared<Round<T>>(gate, n);
  {
    std::lock_guard lock(gate->mu);
    round->left = which.size();
  }
  for (std::size_t i : which) {
    call(i, [round, i, answered](Result<T> r) {
      const bool ok = r.ok();
      {
        std::lock_guard lock(round->gate->mu);
        if (round->results[i]) return;
        round->results[i] = std::move(r);
        --round->left;
        round->gate->cv.notify_all();
      }
      if (answered) answered(i, ok);
    });
  }
  std::unique_lock lock(gate->mu);
  gate->cv.wait(lock, [&] { return round->left == 0 || gate->expired; });
  return round->results;  // a copy: late answers keep writing into the round
}

// Does `inst` answer the configured symbol `s` (as the venue writes it, or the market-data
// form, or the canonical one)?
bool names(const Instrument& inst, const std::string& s) {
  return inst.venue_symbol == s || (!inst.ws_symbol.empty() && inst.ws_symbol == s) ||
         inst.canonical == s;
}

// A refusal by the venue of the metadata request as a whole (Binance answers -1121 "Invalid
// symbol." when one symbol of the list is unknown): worth asking for the full list to name
// the symbol.
bool refused_request(const Error& e) {
  if (venues::classify(e) != venues::FailureClass::refused_by_venue) return false;
  return e.code == ErrorCode::not_found || e.code == ErrorCode::rejected ||
         e.code == ErrorCode::invalid_argument;
}

struct Slot {
  const VenueConfig* config = nullptr;
  std::unique_ptr<OpenVenue> venue;
  bool failed = false;
  std::vector<Instrument> matched;  // one per configured symbol, in order
};

// `failures` in config order (stable within a venue: the order the steps ran).
Error start_refused(std::vector<Failure> failures, const std::vector<VenueConfig>& config) {
  auto position = [&](Venue v) {
    return std::find_if(config.begin(), config.end(),
                        [v](const VenueConfig& c) { return c.venue == v; }) -
           config.begin();
  };
  std::stable_sort(failures.begin(), failures.end(), [&](const Failure& a, const Failure& b) {
    return position(a.venue) < position(b.venue);
  });
  const std::size_t venues = config.size();
  ErrorCode code = failures.front().code;
  for (const auto& f : failures) {
    if (f.code != code) code = ErrorCode::unavailable;
  }
  std::vector<Venue> failed;
  for (const auto& f : failures) {
    if (std::find(failed.begin(), failed.end(), f.venue) == failed.end()) failed.push_back(f.venue);
  }
  std::string text = "refusing to start: " + std::to_string(failed.size()) + " of " +
                     std::to_string(venues) + " venue" + (venues == 1 ? "" : "s") + " failed";
  for (const auto& f : failures) text += "\n  " + f.text;
  return Error{code, std::move(text)};
}

Result<std::unique_ptr<VenueSet>> open_market_data(const Config& config,
                                                   InstrumentRegistry& registry) {
  std::vector<Failure> failures;
  auto set = std::make_unique<VenueSet>(VenueSet::Kind::market_data_only);
  for (const auto& vc : config.venues) {
    auto open = std::make_unique<OpenVenue>();
    open->config = vc;
    for (const auto& s : vc.symbols) {
      auto inst = market_data_instrument(vc.venue, s);
      if (!inst) {
        failures.push_back(failure(vc.venue, "symbol '" + s + "'", inst.error()));
        continue;
      }
      if (const Instrument* known = registry.find(vc.venue, inst->venue_symbol)) {
        open->instruments.push_back(known->id);
        continue;
      }
      auto id = registry.add(std::move(inst).value());
      if (!id) {
        failures.push_back(failure(vc.venue, "symbol '" + s + "'", id.error()));
        continue;
      }
      open->instruments.push_back(*id);
    }
    set->add(std::move(open));
  }
  if (!failures.empty()) return start_refused(std::move(failures), config.venues);
  return set;
}

}  // namespace

Result<std::unique_ptr<VenueSet>> open_venues(const Config& config, net::NetContext& net,
                                              Clock& clock, InstrumentRegistry& registry,
                                              OpenOptions options) {
  if (config.mode == Mode::paper) {
    if (config.market_data.source == MarketDataSource::live) {
      return open_market_data(config, registry);
    }
    return std::make_unique<VenueSet>(VenueSet::Kind::market_data_only);
  }
  if (config.venues.empty()) {
    return Error{ErrorCode::invalid_argument,
                 "refusing to start: mode = \"live\" needs at least one [venues.<venue>] table"};
  }

  std::vector<Failure> failures;
  std::vector<Slot> slots(config.venues.size());
  const venues::ClientDeps deps{&net, &clock, &registry};

  // 1. Build every client (no request leaves yet) with its limiter, breaker and throttle.
  for (std::size_t i = 0; i < slots.size(); ++i) {
    Slot& slot = slots[i];
    slot.config = &config.venues[i];
    const Venue venue = slot.config->venue;
    auto client = make_venue_client(venue, client_options(*slot.config, options), deps);
    if (!client) {
      failures.push_back(failure(venue, "cannot build the client", client.error()));
      slot.failed = true;
      continue;
    }
    auto limiter = make_venue_limiter(venue, clock, options.max_limiter_wait);
    auto limits = venue_limits(venue);
    if (!limiter || !limits) {
      failures.push_back(failure(venue, "rate limits", limiter ? limits.error() : limiter.error()));
      slot.failed = true;
      continue;
    }
    auto open = std::make_unique<OpenVenue>();
    open->config = *slot.config;
    open->client = std::move(client).value();
    open->limiter = std::move(limiter).value();
    open->breaker = std::make_unique<net::CircuitBreaker>(clock, options.breaker,
                                                          venue_name(venue) + " orders");
    open->throttled = std::make_unique<venues::ThrottledClient>(
        *open->client, clock, open->limiter.get(), open->breaker.get(), limits->classes);
    slot.venue = std::move(open);
  }

  auto gate = std::make_shared<Gate>();
  const TimerId deadline_timer = clock.schedule_after(options.deadline, [gate] {
    std::lock_guard lock(gate->mu);
    gate->expired = true;
    gate->cv.notify_all();
  });
  const std::string no_answer =
      "no answer within " + duration_text(options.deadline) + " (the start's deadline)";
  auto alive = [&] {
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i].failed) which.push_back(i);
    }
    return which;
  };

  // The progress hook of each round (a copy: answers may outlive this call).
  auto report = [&slots, hook = options.on_answer](std::string_view call) {
    std::function<void(std::size_t, bool)> f;
    if (!hook) return f;
    std::vector<Venue> venues;
    for (const auto& s : slots) venues.push_back(s.config->venue);
    f = [hook, venues, call = std::string(call)](std::size_t i, bool ok) {
      hook(venues[i], call, ok);
    };
    return f;
  };

  // 2. Metadata, every venue at once.
  auto metadata = gather<std::vector<Instrument>>(
      gate, slots.size(), alive(),
      [&](std::size_t i, venues::Callback<std::vector<Instrument>> cb) {
        slots[i].venue->throttled->load_instruments(std::move(cb));
      },
      report("load_instruments"));

  // 2b. A venue that refused the metadata request as a whole is asked for its full list, so
  // the symbol it does not know can be named.
  std::vector<std::size_t> refused;
  for (std::size_t i : alive()) {
    if (metadata[i] && !metadata[i]->ok() && refused_request(metadata[i]->error())) {
      refused.push_back(i);
    }
  }
  std::vector<std::unique_ptr<venues::VenueClient>> probes(slots.size());
  if (!refused.empty()) {
    std::vector<std::size_t> probing;
    for (std::size_t i : refused) {
      auto o = client_options(*slots[i].config, options);
      o.symbols.clear();
      auto probe = make_venue_client(slots[i].config->venue, o, deps);
      if (probe) {
        probes[i] = std::move(probe).value();
        probing.push_back(i);
      }
    }
    auto full = gather<std::vector<Instrument>>(
        gate, slots.size(), probing,
        [&](std::size_t i, venues::Callback<std::vector<Instrument>> cb) {
          probes[i]->load_instruments(std::move(cb));
        });
    for (std::size_t i : probing) {
      if (!full[i] || !full[i]->ok()) continue;
      std::vector<std::string> unknown;
      for (const auto& s : slots[i].config->symbols) {
        const auto& listed = full[i]->value();
        if (std::none_of(listed.begin(), listed.end(),
                         [&](const Instrument& inst) { return names(inst, s); })) {
          unknown.push_back("'" + s + "'");
        }
      }
      if (unknown.empty()) continue;  // the refusal was about something else: reported below
      const Venue venue = slots[i].config->venue;
      const Error& cause = metadata[i]->error();
      failures.push_back(
          failure(venue, "load_instruments",
                  Error{ErrorCode::not_found,
                        std::string(unknown.size() == 1 ? "symbol " : "symbols ") +
                            joined(unknown) + " not listed by the venue (" + cause.message + ")",
                        cause.venue_code, cause.venue_text}));
      slots[i].failed = true;
    }
  }

  // 3. Every configured symbol must be listed, with metadata that holds together.
  for (std::size_t i : alive()) {
    Slot& slot = slots[i];
    const Venue venue = slot.config->venue;
    if (!metadata[i]) {
      failures.push_back(failure(venue, "load_instruments", Error{ErrorCode::timeout, no_answer}));
      slot.failed = true;
      continue;
    }
    if (!metadata[i]->ok()) {
      failures.push_back(failure(venue, "load_instruments", metadata[i]->error()));
      slot.failed = true;
      continue;
    }
    const auto& listed = metadata[i]->value();
    for (const auto& s : slot.config->symbols) {
      auto it = std::find_if(listed.begin(), listed.end(),
                             [&](const Instrument& inst) { return names(inst, s); });
      if (it == listed.end()) {
        std::vector<std::string> answered;
        for (const auto& inst : listed) answered.push_back(inst.venue_symbol);
        failures.push_back(failure(
            venue, "load_instruments",
            Error{ErrorCode::not_found,
                  "symbol '" + s + "' not listed by the venue (it answered: " +
                      (answered.empty() ? std::string("no instrument") : joined(answered)) + ")"}));
        slot.failed = true;
        continue;
      }
      Instrument inst = *it;
      inst.venue = venue;
      if (Status st = inst.validate(); !st) {
        failures.push_back(failure(venue, "instrument '" + s + "' from the venue", st.error()));
        slot.failed = true;
        continue;
      }
      slot.matched.push_back(std::move(inst));
    }
  }

  // 4. The signed read-only call, every venue still standing at once — unless the deadline
  // already refused the start (then a venue that answered its metadata has not failed: it is
  // not listed).
  bool expired = false;
  {
    std::lock_guard lock(gate->mu);
    expired = gate->expired;
  }
  std::vector<std::size_t> checking = expired ? std::vector<std::size_t>{} : alive();
  auto balances = gather<std::vector<domain::Balance>>(
      gate, slots.size(), checking,
      [&](std::size_t i, venues::Callback<std::vector<domain::Balance>> cb) {
        slots[i].venue->throttled->balances(std::move(cb));
      },
      report("balances"));
  for (std::size_t i : checking) {
    Slot& slot = slots[i];
    const Venue venue = slot.config->venue;
    if (!balances[i]) {
      failures.push_back(
          failure(venue, "signed read-only call balances()", Error{ErrorCode::timeout, no_answer}));
      slot.failed = true;
    } else if (!balances[i]->ok()) {
      failures.push_back(
          failure(venue, "signed read-only call balances() refused", balances[i]->error()));
      slot.failed = true;
    } else {
      slot.venue->balances = std::move(*balances[i]).value();
    }
  }
  clock.cancel(deadline_timer);
  probes.clear();
  if (!failures.empty()) return start_refused(std::move(failures), config.venues);

  // 5. Every call answered: the registry is ours to write.
  auto set = std::make_unique<VenueSet>(VenueSet::Kind::trading);
  for (Slot& slot : slots) {
    const Venue venue = slot.config->venue;
    for (Instrument& inst : slot.matched) {
      const std::string symbol = inst.venue_symbol;
      Status st;
      if (registry.find(venue, symbol) != nullptr) {
        st = registry.update(inst);
      } else if (auto id = registry.add(std::move(inst)); !id) {
        st = id.error();
      }
      const Instrument* stored = registry.find(venue, symbol);
      if (!st || stored == nullptr) {
        failures.push_back(failure(
            venue, "registry",
            st ? Error{ErrorCode::internal, "instrument '" + symbol + "' not found after adding"}
               : st.error()));
        continue;
      }
      slot.venue->instruments.push_back(stored->id);
    }
    slot.venue->metadata_from_venue = true;
    set->add(std::move(slot.venue));
  }
  if (!failures.empty()) return start_refused(std::move(failures), config.venues);
  return set;
}

}  // namespace nzeza::app
