// The operator API's market and health routes against a real paper trading server: each venue's
// price with its age beside the reference, candles from the server's builders, the latest
// screening from the journal, and readiness from each venue client's health now.
#include <gtest/gtest.h>

#include "api/api_service.hpp"
#include "app/pipeline_messages.hpp"
#include "integration/api/api_harness.hpp"
#include "store/journal.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::api::test {
namespace {

Decimal dec(const boost::json::value& v) {
  auto d = Decimal::parse(v.as_string());
  EXPECT_TRUE(d.ok()) << v;
  return d ? *d : Decimal{};
}

// A market event for the paper instrument of `symbol`, as `venue`'s feed would deliver it.
MarketEvent event(ApiHarness& h, Venue venue, std::string_view symbol) {
  const Instrument* i = h.server->registry().find_canonical(Venue::paper, symbol);
  EXPECT_NE(i, nullptr) << symbol;
  MarketEvent e;
  e.venue = venue;
  e.instrument = i->id;
  e.symbol = i->symbol;
  e.receive_time = h.clock.now();
  return e;
}

void quote(ApiHarness& h, Venue venue, std::string_view bid, std::string_view ask) {
  MarketEvent e = event(h, venue, "BTC-USD");
  e.body = Quote{*Decimal::parse(bid), Decimal{}, *Decimal::parse(ask), Decimal{}};
  h.server->inject(e);
}

void trade(ApiHarness& h, std::string_view price, std::string_view size) {
  MarketEvent e = event(h, Venue::coinbase, "BTC-USD");
  Trade t;
  t.price = *Decimal::parse(price);
  t.size = *Decimal::parse(size);
  e.body = t;
  h.server->inject(e);
}

TEST(ApiMarket, prices_list_each_venue_bid_ask_and_age_beside_the_reference) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string read = h.add_key(Scope::read);
  // One at a time: the hop conflates quotes per instrument, and both carry the paper one here.
  auto quoted = [&](std::size_t venues) {
    return h.wait_for([&] {
      const auto s = h.status();
      return !s.symbols.empty() && s.symbols[0].quotes.size() == venues && s.symbols[0].fresh;
    });
  };
  quote(h, Venue::coinbase, "50000", "50001");
  ASSERT_TRUE(quoted(1));
  quote(h, Venue::binance, "50002", "50003");
  ASSERT_TRUE(quoted(2));
  h.clock.advance(std::chrono::milliseconds(1500));

  const auto r = h.get("/api/v1/prices", read);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200u) << r->body;
  const auto v = parse_json(r->body);
  const auto& prices = v.at("prices").as_array();
  ASSERT_EQ(prices.size(), 1u) << r->body;
  const auto& btc = prices[0].as_object();
  EXPECT_EQ(btc.at("symbol").as_string(), "BTC-USD");
  // The median of the two mids (50000.5 and 50002.5).
  EXPECT_EQ(dec(btc.at("reference")), *Decimal::parse("50001.5")) << r->body;
  EXPECT_TRUE(btc.at("fresh").as_bool());
  const auto& venues = btc.at("venues").as_array();
  ASSERT_EQ(venues.size(), 2u) << r->body;
  EXPECT_EQ(venues[0].at("venue").as_string(), "binance");
  EXPECT_EQ(dec(venues[0].at("bid")), *Decimal::parse("50002"));
  EXPECT_EQ(dec(venues[0].at("ask")), *Decimal::parse("50003"));
  EXPECT_EQ(venues[1].at("venue").as_string(), "coinbase");
  EXPECT_EQ(dec(venues[1].at("bid")), *Decimal::parse("50000"));
  for (const auto& venue : venues) {
    EXPECT_EQ(venue.at("age_ms").to_number<std::int64_t>(), 1500) << r->body;
    EXPECT_TRUE(venue.at("used").as_bool());
  }
  // The stream's writer is the same one.
  const auto status = h.status();
  EXPECT_EQ(parse_json(price_json(status.symbols[0])), prices[0]);
}

TEST(ApiMarket, candles_come_from_the_server_builders_closed_and_open) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string read = h.add_key(Scope::read);
  const Timestamp start = h.clock.now();  // on a 10 s boundary
  auto current_volume = [&]() -> std::optional<Decimal> {
    const auto r = h.get("/api/v1/candles?symbol=BTC-USD", read);
    if (!r || r->status != 200) return std::nullopt;
    const auto v = parse_json(r->body);
    const auto& list = v.at("candles").as_array();
    if (list.empty() || list.back().at("closed").as_bool()) return std::nullopt;
    return dec(list.back().at("volume"));
  };
  trade(h, "50000", "0.1");
  h.clock.advance(std::chrono::seconds(2));
  trade(h, "50010", "0.2");
  h.clock.advance(std::chrono::seconds(3));
  trade(h, "49990", "0.1");
  // Every trade reached the builder before its interval closes (a late one would be dropped).
  ASSERT_TRUE(h.wait_for([&] { return current_volume() == *Decimal::parse("0.4"); }));
  h.clock.advance_to(start + std::chrono::seconds(10));
  trade(h, "49995", "0.5");

  boost::json::array candles;
  ASSERT_TRUE(h.wait_for([&] {
    const auto r = h.get("/api/v1/candles?symbol=BTC-USD&limit=5", read);
    if (!r || r->status != 200) return false;
    candles = parse_json(r->body).at("candles").as_array();
    return candles.size() == 2 && candles[0].at("closed").as_bool() &&
           dec(candles[1].at("volume")) == *Decimal::parse("0.5");
  }));
  const auto& c = candles[0].as_object();
  EXPECT_EQ(c.at("symbol").as_string(), "BTC-USD");
  EXPECT_EQ(c.at("interval").as_string(), "10s");
  EXPECT_EQ(c.at("open_time").as_string(), start.to_iso8601());
  EXPECT_EQ(dec(c.at("open")), *Decimal::parse("50000"));
  EXPECT_EQ(dec(c.at("high")), *Decimal::parse("50010"));
  EXPECT_EQ(dec(c.at("low")), *Decimal::parse("49990"));
  EXPECT_EQ(dec(c.at("close")), *Decimal::parse("49990"));
  EXPECT_EQ(dec(c.at("volume")), *Decimal::parse("0.4"));
  EXPECT_FALSE(candles[1].at("closed").as_bool());
  EXPECT_EQ(candles[1].at("open_time").as_string(),
            (start + std::chrono::seconds(10)).to_iso8601());

  // Another interval: the journal's history (none here).
  const auto hourly = h.get("/api/v1/candles?symbol=BTC-USD&interval=1h", read);
  ASSERT_TRUE(hourly);
  ASSERT_EQ(hourly->status, 200u) << hourly->body;
  EXPECT_TRUE(parse_json(hourly->body).at("candles").as_array().empty());
  expect_error(h.get("/api/v1/candles", read), 400, "bad_request");
  expect_error(h.get("/api/v1/candles?symbol=BTC-USD&interval=7x", read), 400, "invalid_argument");
  expect_error(h.get("/api/v1/candles?symbol=BTC-USD&limit=100000", read), 400, "invalid_argument");
  expect_error(h.get("/api/v1/candles?symbol=DOGE-EUR", read), 404, "not_found");
}

TEST(ApiMarket, screening_is_empty_until_one_is_journaled_then_its_latest_best_first) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string read = h.add_key(Scope::read);
  const auto empty = h.get("/api/v1/screening", read);
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->status, 200u) << empty->body;
  EXPECT_TRUE(parse_json(empty->body).at("screening").as_array().empty());
  EXPECT_TRUE(parse_json(empty->body).at("at").is_null());

  const Timestamp older = h.clock.now() - std::chrono::hours(1);
  const Timestamp latest = h.clock.now();
  h.server->journal().record(store::ScreeningRecord{older, "SOL-USD", 9.0, R"({"old":true})"});
  h.server->journal().record(store::ScreeningRecord{latest, "ETH-USD", 0.4, R"({"atr":1})"});
  h.server->journal().record(store::ScreeningRecord{latest, "BTC-USD", 0.7, R"({"atr":2})"});
  const auto r = h.get("/api/v1/screening", read);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200u) << r->body;
  const auto v = parse_json(r->body);
  EXPECT_EQ(v.at("at").as_string(), latest.to_iso8601());
  const auto& rows = v.at("screening").as_array();
  ASSERT_EQ(rows.size(), 2u) << r->body;
  EXPECT_EQ(rows[0].at("symbol").as_string(), "BTC-USD");
  EXPECT_EQ(rows[0].at("details").at("atr").to_number<int>(), 2);
  EXPECT_EQ(rows[1].at("symbol").as_string(), "ETH-USD");
}

TEST(ApiMarket, ready_is_503_naming_a_venue_whose_private_stream_went_down) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const auto ok = h.get("/api/v1/ready");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200u) << ok->body;
  const auto ready = parse_json(ok->body);
  ASSERT_EQ(ready.at("venue_clients").as_array().size(), 1u) << ok->body;
  EXPECT_TRUE(ready.at("venue_clients").as_array()[0].at("healthy").as_bool());
  EXPECT_TRUE(ready.at("not_ready").as_array().empty());

  h.server->paper_venue()->stop();  // its order stream: nothing would report fills now
  const auto down = h.get("/api/v1/ready");
  ASSERT_TRUE(down);
  ASSERT_EQ(down->status, 503u) << down->body;
  const auto v = parse_json(down->body);
  const auto& client = v.at("venue_clients").as_array()[0];
  EXPECT_EQ(client.at("venue").as_string(), "paper");
  EXPECT_FALSE(client.at("healthy").as_bool());
  EXPECT_NE(std::string(client.at("reason").as_string()).find("private stream"), std::string::npos)
      << down->body;
  ASSERT_EQ(v.at("not_ready").as_array().size(), 1u) << down->body;
  EXPECT_EQ(std::string(v.at("not_ready").as_array()[0].as_string()).rfind("venue paper: ", 0), 0u)
      << down->body;
}

TEST(ApiMarket, alerts_are_the_events_that_need_the_operator_and_a_blocked_symbol_is_an_error) {
  using app::TradeEvent;
  const Timestamp t = Timestamp::from_seconds(1);
  EXPECT_EQ(app::alert_level(TradeEvent{t, "refusal", "BTC-USD: stale price", {}}), "warning");
  EXPECT_EQ(app::alert_level(TradeEvent{t, "journal", "records not written yet", {}}), "error");
  EXPECT_EQ(app::alert_level(TradeEvent{t, "fill", "#1 buy 0.01 BTC-USD", {}}), "");
  // The start-up summary is no alert; a finding is; one that blocks a symbol is an error.
  EXPECT_EQ(app::alert_level(TradeEvent{t, "reconciliation", "journal reconciled", {}}), "");
  EXPECT_EQ(
      app::alert_level(TradeEvent{
          t, "reconciliation", "paper: external order", {{"finding", "x"}, {"blocks", "false"}}}),
      "warning");
  EXPECT_EQ(app::alert_level(TradeEvent{
                t, "reconciliation", "paper: position", {{"finding", "x"}, {"blocks", "true"}}}),
            "error");
  EXPECT_EQ(app::alert_level(
                TradeEvent{t, "reconciliation", "BTC-USD blocked", {{"venue_quantity", "0.1"}}}),
            "error");
}

}  // namespace
}  // namespace nzeza::api::test
