#include "venues/coinbase/market_data_frames.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::coinbase::frames {
namespace {

namespace json = boost::json;

using codec::append_json_string;

// ,"key":"value"
void field(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, value);
}

}  // namespace

std::string envelope(std::string_view channel, Timestamp timestamp, std::uint64_t sequence_num,
                     std::string_view events_json) {
  std::string out;
  out.reserve(96 + events_json.size());
  out += R"({"channel":)";
  append_json_string(out, channel);
  out += R"(,"client_id":"","timestamp":)";
  append_json_string(out, timestamp.to_iso8601());
  out += R"(,"sequence_num":)";
  out += std::to_string(sequence_num);
  out += R"(,"events":)";
  out += events_json;
  out += '}';
  return out;
}

std::string ticker_events(std::string_view type, const TickerFields& t) {
  std::string out = R"([{"type":)";
  append_json_string(out, type);
  out += R"(,"tickers":[{"type":"ticker")";
  field(out, "product_id", t.product_id);
  field(out, "price", t.price);
  field(out, "volume_24_h", t.volume_24_h);
  field(out, "low_24_h", t.low_24_h);
  field(out, "high_24_h", t.high_24_h);
  field(out, "low_52_w", t.low_52_w);
  field(out, "high_52_w", t.high_52_w);
  field(out, "price_percent_chg_24_h", t.price_percent_chg_24_h);
  field(out, "best_bid", t.best_bid);
  field(out, "best_bid_quantity", t.best_bid_quantity);
  field(out, "best_ask", t.best_ask);
  field(out, "best_ask_quantity", t.best_ask_quantity);
  out += "}]}]";
  return out;
}

std::string market_trades_events(std::string_view type, std::span<const TradeFields> trades) {
  std::string out = R"([{"type":)";
  append_json_string(out, type);
  out += R"(,"trades":[)";
  for (std::size_t i = 0; i < trades.size(); ++i) {
    const TradeFields& t = trades[i];
    if (i != 0) out += ',';
    out += R"({"trade_id":)";
    append_json_string(out, t.trade_id);
    field(out, "product_id", t.product_id);
    field(out, "price", t.price);
    field(out, "size", t.size);
    field(out, "side", t.buy ? "BUY" : "SELL");
    field(out, "time", t.time.to_iso8601());
    out += '}';
  }
  out += "]}]";
  return out;
}

std::string l2_events(std::string_view type, std::string_view product_id,
                      std::span<const LevelUpdate> updates, Timestamp event_time) {
  const std::string time = event_time.to_iso8601();
  std::string out = R"([{"type":)";
  append_json_string(out, type);
  field(out, "product_id", product_id);
  out += R"(,"updates":[)";
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const LevelUpdate& u = updates[i];
    if (i != 0) out += ',';
    out += R"({"side":)";
    out += u.bid ? R"("bid")" : R"("offer")";
    field(out, "event_time", time);
    field(out, "price_level", u.price_level);
    field(out, "new_quantity", u.new_quantity);
    out += '}';
  }
  out += "]}]";
  return out;
}

std::string heartbeats_events(Timestamp current_time, std::uint64_t counter) {
  // "2026-11-24T00:00:00Z" of the whole second → "2026-11-24 00:00:00.<9 digits> +0000 UTC".
  const std::int64_t ns = current_time.ns();
  std::int64_t frac = ns % 1'000'000'000;
  if (frac < 0) frac += 1'000'000'000;
  std::string text = Timestamp::from_ns(ns - frac).to_iso8601();
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  if (const auto t = text.find('T'); t != std::string::npos) text[t] = ' ';
  char digits[16];
  std::snprintf(digits, sizeof digits, ".%09lld", static_cast<long long>(frac));
  text += digits;
  text += " +0000 UTC";
  std::string out = R"([{"current_time":)";
  append_json_string(out, text);
  out += R"(,"heartbeat_counter":)";
  out += std::to_string(counter);
  out += "}]";
  return out;
}

std::string subscriptions_events(
    const std::map<std::string, std::vector<std::string>>& by_channel) {
  std::string out = R"([{"subscriptions":{)";
  bool first = true;
  for (const auto& [channel, products] : by_channel) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, channel);
    out += ":[";
    for (std::size_t i = 0; i < products.size(); ++i) {
      if (i != 0) out += ',';
      append_json_string(out, products[i]);
    }
    out += ']';
  }
  out += "}}]";
  return out;
}

std::string error_message(std::string_view text) {
  std::string out = R"({"type":"error","message":)";
  append_json_string(out, text);
  out += '}';
  return out;
}

Result<ControlRequest> parse_control(std::string_view text) {
  auto refuse = [](std::string what) {
    return Error{ErrorCode::parse_error, "coinbase control message: " + std::move(what)};
  };
  json::error_code ec;
  const json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !value.is_object()) return refuse("not a JSON object");
  const json::object& o = value.as_object();
  ControlRequest request;
  const json::value* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return refuse("field 'type' missing or not a string");
  if (type->as_string() == "subscribe") {
    request.subscribe = true;
  } else if (type->as_string() == "unsubscribe") {
    request.subscribe = false;
  } else {
    return refuse("type '" + std::string(type->as_string()) +
                  "' is neither subscribe nor unsubscribe");
  }
  const json::value* channel = o.if_contains("channel");
  if (channel == nullptr || !channel->is_string() || channel->as_string().empty()) {
    return refuse("field 'channel' missing or not a string");
  }
  request.channel = std::string(channel->as_string());
  if (const json::value* products = o.if_contains("product_ids"); products != nullptr) {
    if (!products->is_array()) return refuse("field 'product_ids' is not an array");
    for (const json::value& p : products->as_array()) {
      if (!p.is_string()) return refuse("a product id is not a string");
      request.product_ids.emplace_back(p.as_string());
    }
  }
  return request;
}

}  // namespace nzeza::venues::coinbase::frames
