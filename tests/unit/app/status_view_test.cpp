// StatusView: the status block holds what a trader needs, events are one line each, and every
// JSON line parses back with the exact values.
#include "app/status_view.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace nzeza::app {
namespace {

namespace json = boost::json;

Decimal d(const char* text) {
  return *Decimal::parse(text);
}

const Timestamp kAt = Timestamp::from_seconds(1'767'225'610);  // 2026-01-01T00:00:10Z

StatusView view() {
  return StatusView(StatusViewOptions{"USD", d("100000")});
}

ServerStatus busy_status() {
  ServerStatus s;
  s.at = kAt;
  s.mode = "paper (simulated market)";
  FeedStatusLine feed;
  feed.venue = "simulated";
  feed.state = "in-process";
  feed.live = true;
  feed.age = std::chrono::milliseconds(250);
  feed.has_event = true;
  s.feeds.push_back(feed);
  SymbolStatus btc;
  btc.symbol = "BTC-USD";
  btc.reference = d("45012.13");
  btc.fresh = true;
  btc.venues = 1;
  btc.warm_candles = 12;
  btc.warm_needed = 26;
  btc.last_signal = "buy 0.71 at 2026-01-01T00:00:00Z";
  s.symbols.push_back(btc);
  SymbolStatus eth;
  eth.symbol = "ETH-USD";
  eth.warm_needed = 26;
  s.symbols.push_back(eth);
  s.execution.open_orders.push_back(
      {"1767225600001", Venue::paper, "BTC-USD", "stop_loss 0.2 at 42761.52 (native)"});
  s.execution.refusals = {{"confidence", 4}, {"max positions", 1}};
  s.execution.signals = 9;
  s.execution.orders_sent = 3;
  s.execution.orders_refused = 5;
  s.execution.exits_sent = 1;
  PositionStatus p;
  p.symbol = "BTC-USD";
  p.venue = Venue::paper;
  p.quantity = d("0.2");
  p.average_entry = d("45000");
  p.mark = d("45012.13");
  p.unrealized_pnl = d("2.426");
  p.realized_pnl = d("-1.5");
  p.fees = d("0.9");
  s.portfolio.positions.push_back(p);
  s.portfolio.cash = d("91000.123456789");
  s.portfolio.equity = d("100002.426");
  s.portfolio.realized_pnl = d("-1.5");
  s.portfolio.unrealized_pnl = d("2.426");
  s.portfolio.fees = d("0.9");
  s.portfolio.fills = 2;
  s.restarts = 1;
  s.dead_letters = 3;
  return s;
}

// The first line that starts with `label`, or "".
std::string line_of(const std::vector<std::string>& lines, std::string_view label) {
  for (const auto& l : lines)
    if (l.rfind(label, 0) == 0) return l;
  return "";
}
// The first line that contains every word.
std::string line_with(const std::vector<std::string>& lines,
                      const std::vector<std::string_view>& words) {
  for (const auto& l : lines) {
    bool all = true;
    for (auto w : words) all = all && l.find(w) != std::string::npos;
    if (all) return l;
  }
  return "";
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + '\n';
  return out;
}

json::object parse_object(const std::string& line) {
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  EXPECT_FALSE(ec) << ec.message() << ": " << line;
  EXPECT_TRUE(v.is_object()) << line;
  return v.is_object() ? v.as_object() : json::object{};
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "(not a string: " + json::serialize(v) + ")";
}

TEST(StatusView, block_shows_mode_time_feeds_and_per_symbol_reference_warm_up_and_signal) {
  const auto lines = view().block(busy_status());
  const std::string all = joined(lines);
  EXPECT_NE(lines.front().find("paper (simulated market)"), std::string::npos) << all;
  EXPECT_NE(lines.front().find("2026-01-01T00:00:10Z"), std::string::npos) << all;
  const std::string feeds = line_of(lines, "feeds");
  EXPECT_NE(feeds.find("simulated"), std::string::npos) << all;
  EXPECT_NE(feeds.find("in-process"), std::string::npos) << all;
  EXPECT_NE(feeds.find("0.2 s ago"), std::string::npos) << all;

  const std::string btc = line_with(lines, {"BTC-USD", "45012.13"});
  EXPECT_NE(btc.find("yes"), std::string::npos) << all;
  EXPECT_NE(btc.find("12/26 candles"), std::string::npos) << all;
  EXPECT_NE(btc.find("buy 0.71 at 2026-01-01T00:00:00Z"), std::string::npos) << all;
  const std::string eth = line_with(lines, {"ETH-USD", "0/26 candles"});
  ASSERT_FALSE(eth.empty()) << all;
  EXPECT_NE(eth.find(" no "), std::string::npos) << eth;
  // The symbol table's columns line up: the reference column starts at one offset.
  const std::string header = line_of(lines, "symbols");
  EXPECT_EQ(header.find("reference"), btc.find("45012.13")) << all;
}

TEST(StatusView, block_shows_open_orders_positions_account_refusals_and_health) {
  const auto lines = view().block(busy_status());
  const std::string all = joined(lines);
  EXPECT_NE(line_of(lines, "orders").find("1 open"), std::string::npos) << all;
  EXPECT_FALSE(
      line_with(lines, {"#1767225600001", "paper", "BTC-USD", "stop_loss 0.2 at 42761.52"}).empty())
      << all;
  const std::string pos = line_of(lines, "positions");
  for (const char* w : {"BTC-USD", "qty 0.2", "entry 45000", "mark 45012.13", "unrealised 2.426",
                        "realised -1.5", "fees 0.9"})
    EXPECT_NE(pos.find(w), std::string::npos) << w << "\n" << all;
  const std::string account = line_of(lines, "account");
  // Money on screen is rounded to 4 decimals; the JSON line keeps every digit.
  for (const char* w : {"cash 91000.1235 USD", "equity 100002.426 USD", "realised -1.5",
                        "unrealised 2.426", "fees 0.9"})
    EXPECT_NE(account.find(w), std::string::npos) << w << "\n" << all;
  const std::string activity = line_of(lines, "activity");
  for (const char* w : {"signals 9", "orders sent 3", "refused 5", "exits 1", "fills 2"})
    EXPECT_NE(activity.find(w), std::string::npos) << w << "\n" << all;
  const std::string refusals = line_of(lines, "refusals");
  EXPECT_NE(refusals.find("confidence ×4"), std::string::npos) << all;
  EXPECT_NE(refusals.find("max positions ×1"), std::string::npos) << all;
  const std::string health = line_of(lines, "health");
  EXPECT_NE(health.find("restarts 1"), std::string::npos) << all;
  EXPECT_NE(health.find("dead letters 3"), std::string::npos) << all;
  EXPECT_EQ(health.find("KILL SWITCH"), std::string::npos) << all;
}

TEST(StatusView, kill_switch_halt_and_stopping_are_shown_on_the_health_line) {
  auto s = busy_status();
  s.execution.kill_switch = true;
  s.execution.halted = true;
  s.execution.stopping = true;
  const std::string health = line_of(view().block(s), "health");
  EXPECT_NE(health.find("KILL SWITCH ENGAGED"), std::string::npos) << health;
  EXPECT_NE(health.find("RISK HALT"), std::string::npos) << health;
  EXPECT_NE(health.find("stopping"), std::string::npos) << health;
}

TEST(StatusView, an_empty_status_renders_a_full_block_that_says_none) {
  ServerStatus s;
  s.at = kAt;
  s.mode = "paper (simulated market)";
  const auto lines = view().block(s);
  const std::string all = joined(lines);
  EXPECT_EQ(line_of(lines, "feeds"), "feeds      none") << all;
  EXPECT_EQ(line_of(lines, "symbols"), "symbols    none") << all;
  EXPECT_EQ(line_of(lines, "orders"), "orders     none open") << all;
  EXPECT_EQ(line_of(lines, "positions"), "positions  none") << all;
  EXPECT_EQ(line_of(lines, "refusals"), "refusals   none") << all;
  EXPECT_NE(line_of(lines, "account").find("cash 0 USD"), std::string::npos) << all;
  EXPECT_NE(line_of(lines, "health").find("restarts 0"), std::string::npos) << all;
  for (const auto& l : lines) EXPECT_EQ(l.find('\n'), std::string::npos);
}

TEST(StatusView, an_empty_status_is_a_json_line_with_empty_lists) {
  ServerStatus s;
  s.at = kAt;
  s.mode = "paper (simulated market)";
  const json::object o = parse_object(view().status_json(s));
  EXPECT_EQ(str(o.at("kind")), "status");
  EXPECT_TRUE(o.at("symbols").as_array().empty());
  EXPECT_TRUE(o.at("open_orders").as_array().empty());
  EXPECT_TRUE(o.at("portfolio").at("positions").as_array().empty());
  EXPECT_TRUE(o.at("refusals").as_object().empty());
  EXPECT_EQ(str(o.at("portfolio").at("equity")), "0");
}

TEST(StatusView, event_line_is_time_kind_and_text) {
  TradeEvent e{kAt + std::chrono::microseconds(1500),
               "order",
               "entry #7 buy 0.2 BTC-USD market",
               {{"symbol", "BTC-USD"}}};
  EXPECT_EQ(StatusView::event_line(e),
            "2026-01-01T00:00:10.001Z order entry #7 buy 0.2 BTC-USD market");
  e.at = kAt;
  EXPECT_EQ(StatusView::event_line(e),
            "2026-01-01T00:00:10Z order entry #7 buy 0.2 BTC-USD market");
}

TEST(StatusView, event_json_holds_kind_time_text_and_every_field_as_a_string) {
  const TradeEvent e{kAt,
                     "fill",
                     "#7 buy 0.2 BTC-USD @ 45000.1 fee 0.009 USD; position 0.2",
                     {{"symbol", "BTC-USD"},
                      {"sequence", "7"},
                      {"price", "45000.10000001"},
                      {"quantity", "0.2"},
                      {"kind", "not the event's kind"}}};
  const json::object o = parse_object(StatusView::event_json(e));
  EXPECT_EQ(str(o.at("kind")), "fill");
  EXPECT_EQ(str(o.at("at")), "2026-01-01T00:00:10Z");
  EXPECT_EQ(str(o.at("text")), e.text);
  EXPECT_EQ(str(o.at("symbol")), "BTC-USD");
  EXPECT_EQ(str(o.at("sequence")), "7");
  EXPECT_EQ(str(o.at("price")), "45000.10000001");
  EXPECT_EQ(str(o.at("quantity")), "0.2");
  EXPECT_EQ(str(o.at("field_kind")), "not the event's kind");
}

TEST(StatusView, event_json_escapes_quotes_and_newlines_into_one_line) {
  const TradeEvent e{kAt, "refusal", "BTC-USD: venue said \"no\"\nsecond line", {}};
  const json::object o = parse_object(StatusView::event_json(e));
  EXPECT_EQ(str(o.at("text")), e.text);
}

TEST(StatusView, status_json_parses_back_with_exact_decimal_strings) {
  const json::object o = parse_object(view().status_json(busy_status()));
  EXPECT_EQ(str(o.at("kind")), "status");
  EXPECT_EQ(str(o.at("at")), "2026-01-01T00:00:10Z");
  EXPECT_EQ(str(o.at("mode")), "paper (simulated market)");
  const auto& feed = o.at("feeds").as_array().at(0).as_object();
  EXPECT_EQ(str(feed.at("venue")), "simulated");
  EXPECT_EQ(feed.at("age_ms").to_number<std::int64_t>(), 250);
  const auto& symbols = o.at("symbols").as_array();
  ASSERT_EQ(symbols.size(), 2u);
  EXPECT_EQ(str(symbols[0].at("symbol")), "BTC-USD");
  EXPECT_EQ(str(symbols[0].at("reference")), "45012.13");
  EXPECT_TRUE(symbols[0].at("fresh").as_bool());
  EXPECT_EQ(symbols[0].at("warm_candles").to_number<int>(), 12);
  EXPECT_EQ(symbols[0].at("warm_needed").to_number<int>(), 26);
  EXPECT_EQ(str(symbols[0].at("last_signal")), "buy 0.71 at 2026-01-01T00:00:00Z");
  EXPECT_TRUE(symbols[1].at("reference").is_null());
  EXPECT_EQ(o.at("execution").at("orders_sent").to_number<int>(), 3);
  EXPECT_EQ(o.at("execution").at("orders_refused").to_number<int>(), 5);
  EXPECT_EQ(o.at("refusals").at("confidence").to_number<int>(), 4);
  EXPECT_EQ(str(o.at("open_orders").at(0).at("client_order_id")), "1767225600001");
  const auto& pf = o.at("portfolio").as_object();
  EXPECT_EQ(str(pf.at("cash")), "91000.123456789");
  EXPECT_EQ(str(pf.at("equity")), "100002.426");
  EXPECT_EQ(str(pf.at("realized_pnl")), "-1.5");
  EXPECT_EQ(str(pf.at("currency")), "USD");
  EXPECT_EQ(pf.at("fills").to_number<int>(), 2);
  const auto& pos = pf.at("positions").at(0).as_object();
  EXPECT_EQ(str(pos.at("quantity")), "0.2");
  EXPECT_EQ(str(pos.at("average_entry")), "45000");
  EXPECT_EQ(str(pos.at("mark")), "45012.13");
  EXPECT_EQ(str(pos.at("venue")), "paper");
  EXPECT_EQ(o.at("restarts").to_number<int>(), 1);
  EXPECT_EQ(o.at("dead_letters").to_number<int>(), 3);
}

TEST(StatusView, summary_states_orders_fills_pnl_fees_and_equity_against_the_start) {
  const auto lines = view().summary(busy_status(), std::chrono::seconds(1800));
  const std::string all = joined(lines);
  for (const auto& l : lines) EXPECT_EQ(l.rfind("summary: ", 0), 0u) << all;
  for (const char* w : {"ran 1800.0 s", "3 orders sent", "5 refused", "1 exits", "2 fills",
                        "realised -1.5 USD", "unrealised 2.426 USD", "fees 0.9 USD",
                        "equity 100002.426 USD vs 100000 USD at start (+2.426 USD, +0.0024%)",
                        "open positions: BTC-USD paper qty 0.2 entry 45000",
                        "open orders: #1767225600001 paper BTC-USD stop_loss"})
    EXPECT_NE(all.find(w), std::string::npos) << w << "\n" << all;
}

TEST(StatusView, summary_of_a_losing_flat_session_says_none_open_and_a_negative_change) {
  ServerStatus s;
  s.at = kAt;
  s.portfolio.cash = d("99990");
  s.portfolio.equity = d("99990");
  const auto lines = view().summary(s, std::chrono::seconds(3));
  const std::string all = joined(lines);
  EXPECT_NE(all.find("vs 100000 USD at start (-10 USD, -0.01%)"), std::string::npos) << all;
  EXPECT_NE(all.find("open positions: none"), std::string::npos) << all;
  EXPECT_NE(all.find("open orders: none"), std::string::npos) << all;
}

TEST(StatusView, summary_json_parses_back_with_the_equity_change) {
  const json::object o =
      parse_object(view().summary_json(busy_status(), std::chrono::seconds(1800)));
  EXPECT_EQ(str(o.at("kind")), "summary");
  EXPECT_EQ(str(o.at("at")), "2026-01-01T00:00:10Z");
  EXPECT_EQ(o.at("orders_sent").to_number<int>(), 3);
  EXPECT_EQ(o.at("fills").to_number<int>(), 2);
  EXPECT_EQ(str(o.at("realized_pnl")), "-1.5");
  EXPECT_EQ(str(o.at("unrealized_pnl")), "2.426");
  EXPECT_EQ(str(o.at("fees")), "0.9");
  EXPECT_EQ(str(o.at("equity")), "100002.426");
  EXPECT_EQ(str(o.at("starting_equity")), "100000");
  EXPECT_EQ(str(o.at("equity_change")), "2.426");
  EXPECT_EQ(o.at("open_positions").to_number<int>(), 1);
  EXPECT_EQ(o.at("ran_ms").to_number<std::int64_t>(), 1'800'000);
}

}  // namespace
}  // namespace nzeza::app
