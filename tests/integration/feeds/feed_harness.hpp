#pragma once
// Shared by the feed integration tests: one venue's FeedSession on a ManualClock against the
// loopback FeedSim (tests/sim/feeds), with a thread-safe sink and error log.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "support/wait.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::feed::test {

using sim::feeds::FeedSim;
using sim::feeds::FeedSimOptions;
using sim::feeds::SimLevel;
using testsupport::wait_until;

// Every event the session delivered, readable from the test thread.
class SyncSink final : public MarketEventSink {
 public:
  void on_event(const MarketEvent& e) override {
    std::lock_guard lock(mu_);
    events_.push_back(e);
  }
  std::vector<MarketEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  template <typename T>
  std::vector<T> bodies() const {
    std::vector<T> out;
    for (const auto& e : events()) {
      if (const T* b = std::get_if<T>(&e.body)) out.push_back(*b);
    }
    return out;
  }
  template <typename T>
  std::size_t count() const {
    return bodies<T>().size();
  }
  std::vector<FeedState> states() const {
    std::vector<FeedState> out;
    for (const auto& s : bodies<VenueStatus>()) out.push_back(s.state);
    return out;
  }
  std::size_t count_state(FeedState s) const {
    std::size_t n = 0;
    for (auto st : states()) n += st == s ? 1 : 0;
    return n;
  }
  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<MarketEvent> events_;
};

// (side, price, size) of book changes, for order-independent comparisons.
using LevelKey = std::tuple<Side, Decimal, Decimal>;
inline std::multiset<LevelKey> level_set(const std::vector<BookChange>& changes) {
  std::multiset<LevelKey> out;
  for (const auto& c : changes) out.emplace(c.side, c.price, c.size);
  return out;
}

inline Decimal d(const char* text) {
  return Decimal::parse(text).value();
}

// The one instrument each venue's row uses, and the wire symbol the simulator sees.
struct VenueCase {
  Venue venue;
  const char* name;
  const char* wire;
};

inline Instrument instrument_for(Venue venue, const std::string& tag = "BTC",
                                 std::uint32_t index = 0) {
  Instrument i;
  i.venue = venue;
  i.base = tag;
  i.tick_size = d("0.01");
  i.lot_size = d("0.00001");
  switch (venue) {
    case Venue::binance:
      i.canonical = tag + "-USDT";
      i.venue_symbol = tag + "USDT";
      i.quote = "USDT";
      {
        std::string ws = i.venue_symbol;
        for (char& c : ws) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        i.ws_symbol = ws;
      }
      break;
    case Venue::coinbase:
    case Venue::generic:
      i.canonical = tag + "-USD";
      i.venue_symbol = tag + "-USD";
      i.quote = "USD";
      break;
    case Venue::kraken:
      i.canonical = tag + "-USD";
      i.venue_symbol = "X" + tag + "ZUSD";
      i.ws_symbol = tag + "/USD";
      i.quote = "USD";
      i.tick_size = d("0.1");
      break;
    case Venue::hyperliquid:
      i.kind = InstrumentKind::perpetual;
      i.canonical = tag + "-USD-PERP";
      i.venue_symbol = tag;
      i.quote = "USD";
      i.price_rule = PriceRule::hyperliquid_sigfig;
      i.hyperliquid_asset = index;
      i.hyperliquid_sz_decimals = 5;
      i.tick_size = Decimal::from_raw8(1);
      i.lot_size = d("0.00001");
      break;
    case Venue::dydx:
      i.kind = InstrumentKind::perpetual;
      i.canonical = tag + "-USD-PERP";
      i.venue_symbol = tag + "-USD";
      i.quote = "USD";
      i.tick_size = Decimal::one();
      i.lot_size = d("0.0001");
      i.dydx_clob_pair_id = index;
      break;
    case Venue::paper:
      break;
  }
  return i;
}

// Test rules: the venue's defaults with every clock-driven behaviour off (each test turns on
// the one it exercises) and no pacing.
inline FeedRules quiet_rules(Venue venue) {
  FeedRules r = default_rules(venue);
  r.idle_timeout = Duration{0};
  r.ws_ping_interval = Duration{0};
  r.app_ping_interval = Duration{0};
  r.stale_after = std::chrono::hours(1);
  r.max_connection_age = Duration{0};
  r.control_per_second = 0;
  return r;
}

class FeedHarness {
 public:
  explicit FeedHarness(Venue venue, FeedSimOptions sim_options = {}) : venue_(venue) {
    net_.start();
    if (!sim_options.now) sim_options.now = [this] { return clock_.now(); };
    sim_ = std::make_unique<FeedSim>(venue, std::move(sim_options));
    http_ = std::make_unique<net::HttpClient>(net_, clock_);
  }
  ~FeedHarness() {
    if (session_) session_->stop();
    session_.reset();
    sim_->stop();
  }

  InstrumentId add(Instrument i) {
    const InstrumentId id = registry_.add(std::move(i)).value();
    added_.push_back(id);
    return id;
  }

  // Builds and starts the session for every instrument add()ed.
  Status start(FeedRules rules) { return start_with(std::move(rules), added_); }
  // Builds and starts the session for `ids`.
  Status start_with(FeedRules rules, std::vector<InstrumentId> ids) {
    FeedOptions o;
    o.venue = venue_;
    o.instruments = std::move(ids);
    o.url = sim_->ws_url();
    o.rest_url = sim_->rest_url();
    o.rules = std::move(rules);
    o.backoff.jitter = false;  // 1 s, 2 s, ...
    auto factory = protocol_factory(venue_, registry_);
    if (!factory.ok()) return factory.error();
    session_ = std::make_unique<FeedSession>(net_, clock_, registry_, std::move(o),
                                             std::move(factory).value(), sink_, http_.get());
    session_->on_error([this](const Error& e) {
      std::lock_guard lock(mu_);
      errors_.push_back(e);
    });
    return session_->start();
  }

  std::vector<Error> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }

  // Advances the clock `step` at a time until `p` holds (the timer that makes it true may be
  // armed by the network thread only after the state we saw; a later step fires it).
  template <typename P>
  bool advance_until(P p, Duration step = std::chrono::seconds(1), int max_steps = 40) {
    for (int i = 0; i < max_steps; ++i) {
      if (wait_until(p, std::chrono::milliseconds(20))) return true;
      clock_.advance(step);
    }
    return wait_until(p);
  }

  ManualClock& clock() { return clock_; }
  FeedSim& sim() { return *sim_; }
  FeedSession& session() { return *session_; }
  SyncSink& sink() { return sink_; }
  InstrumentRegistry& registry() { return registry_; }

 private:
  Venue venue_;
  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  SyncSink sink_;
  std::unique_ptr<FeedSim> sim_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<FeedSession> session_;
  mutable std::mutex mu_;
  std::vector<Error> errors_;
  std::vector<InstrumentId> added_;
};

}  // namespace nzeza::venues::feed::test
