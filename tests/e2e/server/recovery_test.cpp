// Failures mid-flow: an actor that throws is restarted and nothing is lost or doubled; an
// order whose answer is lost is resolved by client id before anything else is sent for it.

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

using strategy::SignalKind;

// Throws once, the first time `actor` handles `message`.
struct FaultOnce {
  std::string actor;
  std::string message;
  std::shared_ptr<int> thrown = std::make_shared<int>(0);
  void operator()(std::string_view a, std::string_view m) const {
    if (*thrown == 0 && a == actor && m == message) {
      ++*thrown;
      throw std::runtime_error("injected fault: " + actor + " on " + message);
    }
  }
};

// After a buy and its close: the venue saw exactly two orders (each filled once), and the
// portfolio and execution agree with it.
void expect_round_trip_matches_the_venue(Harness& h, Decimal start_cash) {
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 2u) << h.log();
  EXPECT_NE(fills[0].client_order_id, fills[1].client_order_id);
  EXPECT_EQ(h.entries().size(), 1u) << h.log();
  EXPECT_EQ(h.closes().size(), 1u) << h.log();
  const ServerStatus s = h.status();
  EXPECT_EQ(s.execution.orders_sent, h.intents.size());
  EXPECT_EQ(s.portfolio.fills, 2u);
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
  EXPECT_EQ(s.portfolio.realized_pnl, h.venue_balance("USD") - start_cash);
  ASSERT_EQ(s.portfolio.positions.size(), 1u);
  EXPECT_TRUE(s.portfolio.positions[0].quantity.is_zero());
  EXPECT_TRUE(h.venue_balance("BTC").is_zero());
  EXPECT_TRUE(s.execution.open_orders.empty());
  EXPECT_EQ(s.execution.orders_refused, 0u) << h.log();  // a resent client id would be refused
}

void crash_test(const std::string& actor, const std::string& message) {
  FaultOnce fault{actor, message};
  ServerOptions options = scripted_options();
  options.fault = fault;
  Harness h(scripted_config(), options);
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  h.run_for(std::chrono::seconds(2));  // the restart's backoff, and its resync
  ASSERT_EQ(*fault.thrown, 1) << h.log();

  ServerStatus s = h.status();
  EXPECT_EQ(s.restarts, 1u) << h.log();
  // The entry: one order, one fill, the position is the venue's fill, counted once.
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 1u) << h.log();
  EXPECT_EQ(h.entries().size(), 1u);
  EXPECT_EQ(s.portfolio.fills, 1u);
  ASSERT_EQ(s.portfolio.positions.size(), 1u);
  EXPECT_EQ(s.portfolio.positions[0].quantity, fills[0].quantity);
  EXPECT_EQ(s.portfolio.positions[0].average_entry, fills[0].price);
  EXPECT_EQ(s.portfolio.positions[0].fees, fills[0].fee);
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
  EXPECT_FALSE(h.order_in_flight()) << "the entry is done";

  // The flow goes on: the close is sent once and the books balance.
  h.touch("BTC-USD", dec("45200"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::sell).ok());
  expect_round_trip_matches_the_venue(h, start);
}

TEST(ServerRecovery, execution_crash_on_a_fill_is_restarted_and_nothing_is_lost_or_doubled) {
  crash_test("execution", "VenueFillMsg");
}

TEST(ServerRecovery, execution_crash_on_the_place_answer_still_completes_the_entry_once) {
  crash_test("execution", "PlaceResult");
}

TEST(ServerRecovery, portfolio_crash_on_a_fill_is_restarted_and_finds_the_fill_again) {
  crash_test("portfolio", "VenueFillMsg");
}

// ── lost answers ────────────────────────────────────────────────────────────────────────────

// Forwards everything to the paper venue except the answer to the first place: that one is
// replaced by a connection reset after the request was written (Delivery::sent_no_answer).
// `reach_venue` false: the request itself is lost too (the venue never sees it).
class LoseFirstPlaceAnswer final : public venues::VenueClient {
 public:
  LoseFirstPlaceAnswer(venues::VenueClient& inner, bool reach_venue)
      : inner_(inner), reach_venue_(reach_venue) {}
  [[nodiscard]] Venue venue() const noexcept override { return inner_.venue(); }
  [[nodiscard]] venues::VenueCapabilities capabilities() const noexcept override {
    return inner_.capabilities();
  }
  [[nodiscard]] venues::RequestValidity request_validity() const noexcept override {
    return inner_.request_validity();
  }
  void place(const domain::OrderSpec& order, venues::Callback<venues::PlaceAck> done) override {
    if (lost_++ > 0) return inner_.place(order, std::move(done));
    const auto reset = [done] {
      done(Error{ErrorCode::network, "paper place: connection reset after the request was sent"}
               .with_delivery(Delivery::sent_no_answer));
    };
    if (!reach_venue_) return reset();
    inner_.place(order, [reset](Result<venues::PlaceAck>) { reset(); });
  }
  void cancel(const venues::OrderRef& o, venues::Callback<venues::CancelAck> d) override {
    inner_.cancel(o, std::move(d));
  }
  void cancel_all(std::optional<InstrumentId> i,
                  venues::Callback<venues::CancelAllAck> d) override {
    inner_.cancel_all(i, std::move(d));
  }
  void order_status(const venues::OrderRef& o, venues::Callback<venues::VenueOrder> d) override {
    inner_.order_status(o, std::move(d));
  }
  void open_orders(std::optional<InstrumentId> i,
                   venues::Callback<std::vector<venues::VenueOrder>> d) override {
    inner_.open_orders(i, std::move(d));
  }
  void fills_since(Timestamp t, std::optional<InstrumentId> i,
                   venues::Callback<std::vector<domain::Fill>> d) override {
    inner_.fills_since(t, i, std::move(d));
  }
  void balances(venues::Callback<std::vector<domain::Balance>> d) override {
    inner_.balances(std::move(d));
  }
  void load_instruments(venues::Callback<std::vector<Instrument>> d) override {
    inner_.load_instruments(std::move(d));
  }
  void server_time(venues::Callback<Timestamp> d) override { inner_.server_time(std::move(d)); }

 private:
  venues::VenueClient& inner_;
  bool reach_venue_;
  int lost_ = 0;
};

// The server takes a client decorator through ServerOptions::wrap_venue (tests only: the
// router and the order tracker use the wrapped client).

TEST(ServerRecovery, lost_answer_of_an_executed_entry_is_found_by_client_id_and_never_resent) {
  ServerOptions options = scripted_options();
  options.wrap_venue = [](venues::VenueClient& v) {
    return std::make_unique<LoseFirstPlaceAnswer>(v, true);
  };
  Harness h(scripted_config(), options);
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  h.run_for(std::chrono::seconds(5));  // past the venue's validity window: resolution done

  ServerStatus s = h.status();
  EXPECT_EQ(s.execution.unknown_outcomes, 1u) << h.log();
  ASSERT_EQ(h.find("resolution", "resolution", "found").size(), 1u) << h.log();
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 1u) << h.log();
  EXPECT_EQ(h.entries().size(), 1u);
  ASSERT_EQ(s.portfolio.positions.size(), 1u);
  EXPECT_EQ(s.portfolio.positions[0].quantity, fills[0].quantity);
  EXPECT_EQ(s.portfolio.positions[0].average_entry, fills[0].price);
  EXPECT_FALSE(h.order_in_flight()) << h.log();

  h.touch("BTC-USD", dec("45100"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::sell).ok());
  expect_round_trip_matches_the_venue(h, start);
}

TEST(ServerRecovery, lost_entry_blocks_the_symbol_until_resolved_never_executed_then_trades) {
  ServerOptions options = scripted_options();
  options.wrap_venue = [](venues::VenueClient& v) {
    return std::make_unique<LoseFirstPlaceAnswer>(v, false);
  };
  Harness h(scripted_config(), options);
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.entries().size(), 1u);
  EXPECT_EQ(h.status().execution.unknown_outcomes, 1u) << h.log();

  // While the resolver asks the venue: no second order for the symbol.
  h.touch("BTC-USD", dec("45001"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), 1u) << h.log();
  EXPECT_EQ(h.refusals("outcome unknown"), 1u) << h.log();
  EXPECT_TRUE(h.venue_fills().empty());

  // Not found twice (validity window, then the grace): it never executed.
  for (int i = 0; i < 10 && h.find("resolution").empty(); ++i)
    h.hold("BTC-USD", dec("45000"), std::chrono::seconds(1));
  ASSERT_EQ(h.find("resolution", "resolution", "never_executed").size(), 1u) << h.log();
  EXPECT_FALSE(h.order_in_flight());
  EXPECT_TRUE(h.position("BTC-USD") == std::nullopt);

  // Resolved: the next signal trades, once.
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.entries().size(), 2u) << h.log();
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(h.position("BTC-USD")->quantity, fills[0].quantity);
  EXPECT_EQ(h.venue_balance("BTC"), fills[0].quantity);
}

}  // namespace
}  // namespace nzeza::app::e2e
