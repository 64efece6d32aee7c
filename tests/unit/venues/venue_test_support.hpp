#pragma once
// Shared fixtures for the venue tests: a registry with real-looking instruments, order specs,
// and a scriptable FakeVenueClient that records every request it receives.

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::testing {

inline Decimal d(const char* text) {
  return *Decimal::parse(text);
}

inline Instrument spot(Venue venue, const std::string& canonical, const std::string& base,
                       const std::string& quote) {
  Instrument i;
  i.venue = venue;
  i.kind = InstrumentKind::spot;
  i.canonical = canonical;
  i.venue_symbol = canonical;
  i.base = base;
  i.quote = quote;
  i.tick_size = d("0.01");
  i.lot_size = d("0.0001");
  i.min_size = d("0.0001");
  i.min_notional = d("10");
  return i;
}

inline Instrument perp(Venue venue, const std::string& canonical, const std::string& base,
                       const std::string& quote) {
  Instrument i = spot(venue, canonical, base, quote);
  i.kind = InstrumentKind::perpetual;
  i.tick_size = d("0.1");
  i.lot_size = d("0.001");
  i.min_size = d("0.001");
  i.min_notional = Decimal::zero();
  i.max_leverage = 20;
  return i;
}

// One registry for every venue test: BTC-USDT on binance, kraken and paper; BTC-USD on kraken
// and paper; ETH-USD perpetual on paper; a halted SOL-USDT on paper.
struct Markets {
  InstrumentRegistry registry;
  InstrumentId binance_btc_usdt;
  InstrumentId kraken_btc_usdt;
  InstrumentId kraken_btc_usd;
  InstrumentId paper_btc_usdt;
  InstrumentId paper_btc_usd;
  InstrumentId paper_eth_perp;
  InstrumentId paper_sol_halted;

  Markets() {
    binance_btc_usdt = *registry.add(spot(Venue::binance, "BTC-USDT", "BTC", "USDT"));
    kraken_btc_usdt = *registry.add(spot(Venue::kraken, "BTC-USDT", "BTC", "USDT"));
    kraken_btc_usd = *registry.add(spot(Venue::kraken, "BTC-USD", "BTC", "USD"));
    paper_btc_usdt = *registry.add(spot(Venue::paper, "BTC-USDT", "BTC", "USDT"));
    paper_btc_usd = *registry.add(spot(Venue::paper, "BTC-USD", "BTC", "USD"));
    paper_eth_perp = *registry.add(perp(Venue::paper, "ETH-USD-PERP", "ETH", "USD"));
    Instrument sol = spot(Venue::paper, "SOL-USDT", "SOL", "USDT");
    sol.status = TradingStatus::halted;
    paper_sol_halted = *registry.add(sol);
  }
  [[nodiscard]] const Instrument& get(InstrumentId id) const { return *registry.get(id); }
};

inline const ClientIdCodec& codec() {
  static const ClientIdCodec c = *ClientIdCodec::create("t1");
  return c;
}

inline domain::OrderSpec limit_spec(Venue venue, InstrumentId instrument, std::uint64_t seq,
                                    Side side, const char* qty, const char* price,
                                    domain::TimeInForce tif = domain::TimeInForce::gtc) {
  domain::OrderSpec s;
  s.client_order_id = *codec().encode(venue, seq);
  s.venue = venue;
  s.instrument = instrument;
  s.side = side;
  s.type = domain::OrderType::limit;
  s.time_in_force = tif;
  s.quantity = d(qty);
  s.price = d(price);
  return s;
}

inline domain::OrderSpec market_spec(Venue venue, InstrumentId instrument, std::uint64_t seq,
                                     Side side, const char* qty) {
  domain::OrderSpec s;
  s.client_order_id = *codec().encode(venue, seq);
  s.venue = venue;
  s.instrument = instrument;
  s.side = side;
  s.type = domain::OrderType::market;
  s.quantity = d(qty);
  return s;
}

// Answers synchronously (or holds the callback when told to) and records every request.
class FakeVenueClient final : public VenueClient {
 public:
  explicit FakeVenueClient(Venue venue, RequestValidity validity = {5s, 1s})
      : venue_(venue), validity_(validity) {}

  [[nodiscard]] Venue venue() const noexcept override { return venue_; }
  [[nodiscard]] VenueCapabilities capabilities() const noexcept override { return caps; }
  [[nodiscard]] RequestValidity request_validity() const noexcept override { return validity_; }

  void place(const domain::OrderSpec& order, Callback<PlaceAck> done) override {
    placed.push_back(order);
    if (hold_place) {
      held_place.push_back(std::move(done));
      return;
    }
    if (!place_answers.empty()) {
      auto r = place_answers.front();
      place_answers.pop_front();
      done(std::move(r));
      return;
    }
    PlaceAck ack;
    ack.venue_order_id = "V" + std::to_string(placed.size());
    ack.client_order_id = order.client_order_id.text;
    ack.report.status = domain::VenueOrderStatus::open;
    ack.report.venue_order_id = ack.venue_order_id;
    done(ack);
  }
  void cancel(const OrderRef& order, Callback<CancelAck> done) override {
    done(CancelAck{order.venue_order_id, order.client_order_id, {}});
  }
  void cancel_all(std::optional<InstrumentId>, Callback<CancelAllAck> done) override {
    done(CancelAllAck{});
  }
  void order_status(const OrderRef& order, Callback<VenueOrder> done) override {
    status_queries.push_back(order);
    if (!status_answers.empty()) {
      auto r = status_answers.front();
      status_answers.pop_front();
      done(std::move(r));
      return;
    }
    done(Error{ErrorCode::not_found, "unknown order", "-2013", "Order does not exist."});
  }
  void open_orders(std::optional<InstrumentId>, Callback<std::vector<VenueOrder>> done) override {
    done(std::vector<VenueOrder>{});
  }
  void fills_since(Timestamp, std::optional<InstrumentId>,
                   Callback<std::vector<domain::Fill>> done) override {
    done(std::vector<domain::Fill>{});
  }
  void balances(Callback<std::vector<domain::Balance>> done) override {
    if (balances_error) {
      done(*balances_error);
    } else {
      done(balances_answer);
    }
  }
  void load_instruments(Callback<std::vector<Instrument>> done) override {
    done(std::vector<Instrument>{});
  }
  void server_time(Callback<Timestamp> done) override { done(Timestamp::from_seconds(1)); }

  // Out of line: g++ 12 -O2 reports a false -Wmaybe-uninitialized when the Result<VenueOrder>
  // conversion is inlined into some test bodies.
  [[gnu::noinline]] void push_status(const VenueOrder& order) {
    status_answers.emplace_back(order);
  }

  VenueCapabilities caps;
  bool hold_place = false;
  std::vector<Callback<PlaceAck>> held_place;
  std::deque<Result<PlaceAck>> place_answers;
  std::deque<Result<VenueOrder>> status_answers;
  std::vector<domain::OrderSpec> placed;
  std::vector<OrderRef> status_queries;
  std::vector<domain::Balance> balances_answer;
  std::optional<Error> balances_error;

 private:
  Venue venue_;
  RequestValidity validity_;
};

// Captures one callback's result.
template <typename T>
struct Capture {
  std::vector<Result<T>> results;
  Callback<T> callback() {
    return [this](Result<T> r) { results.push_back(std::move(r)); };
  }
  [[nodiscard]] bool has() const { return !results.empty(); }
  const Result<T>& get() const { return results.back(); }
};

}  // namespace nzeza::venues::testing
