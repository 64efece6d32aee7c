#include "sim/coinbase/coinbase_sim.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>

#include "core/time.hpp"
#include "sim/coinbase/jwt_verifier.hpp"
#include "sim/sim_candles.hpp"
#include "support/ws_server.hpp"

namespace nzeza::sim::coinbase {
namespace json = boost::json;
using testsupport::HttpFault;
using testsupport::HttpReply;
using testsupport::HttpSeen;

namespace {

constexpr std::string_view kPrefix = "/api/v3/brokerage";

HttpReply json_reply(unsigned status, const json::value& body) {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

HttpReply error_reply(unsigned status, std::string error, std::string message) {
  return json_reply(
      status, json::object{{"error", error}, {"message", message}, {"error_details", message}});
}

std::string iso(std::int64_t s) {
  return Timestamp::from_seconds(s).to_iso8601();
}

// Splits "/path?a=1&b=2" into path and (key, value) pairs, percent-decoded.
std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}
std::pair<std::string, std::multimap<std::string, std::string>> split_target(std::string_view t) {
  std::multimap<std::string, std::string> q;
  const auto qm = t.find('?');
  std::string path(t.substr(0, qm));
  if (qm != std::string_view::npos) {
    std::string_view rest = t.substr(qm + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      std::string_view kv = rest.substr(0, amp);
      const auto eq = kv.find('=');
      q.emplace(decode(kv.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : decode(kv.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  return {std::move(path), std::move(q)};
}
std::string first(const std::multimap<std::string, std::string>& q, const std::string& k) {
  const auto it = q.find(k);
  return it == q.end() ? std::string() : it->second;
}
std::vector<std::string> all(const std::multimap<std::string, std::string>& q,
                             const std::string& k) {
  std::vector<std::string> out;
  for (auto [a, b] = q.equal_range(k); a != b; ++a) out.push_back(a->second);
  return out;
}

std::optional<Decimal> dec(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  auto d = Decimal::parse(v->as_string());
  if (!d) return std::nullopt;
  return *d;
}

struct SimFill {
  std::string trade_id;
  std::string order_id;
  std::string product_id;
  std::string side;
  Decimal price;
  Decimal size;
  Decimal commission;
  bool maker = false;
  std::int64_t time_s = 0;
  std::uint64_t seq = 0;
};

struct Account {
  Decimal available;
  Decimal hold;
};

}  // namespace

struct CoinbaseSim::Impl {
  SimOptions options;
  mutable std::mutex mu;
  std::map<std::string, SimProduct> products;
  std::vector<std::string> product_order;
  std::map<std::string, Account> accounts;
  std::vector<std::string> account_order;
  std::vector<SimOrder> orders;  // creation order
  std::vector<SimFill> fills;
  std::deque<SimFault> faults;
  std::optional<JwtVerifier> verifier;
  int lag = 0;
  std::size_t places = 0;
  std::map<std::string, std::size_t> places_by_client_id;  // well-formed POST /orders per id
  std::map<std::string, std::size_t> cancels_by_order_id;  // batch_cancel requests naming an id
  std::size_t queries = 0;
  std::uint64_t next_id = 1;
  // set_trade_ids_per_product: trade ids numbered per product ("1", "2"...), not UUID-like.
  bool trade_ids_per_product = false;
  std::map<std::string, std::uint64_t> product_trade_seq;
  std::vector<std::string> auth_failures;
  std::size_t subscriptions = 0;
  std::int64_t history_start = 0;
  std::vector<std::shared_ptr<testsupport::WsSession>> user_sessions;
  std::uint64_t ws_sequence = 0;
  std::unique_ptr<testsupport::HttpServer> http;
  std::unique_ptr<testsupport::WsServer> ws;

  std::int64_t now() const {
    if (options.now_seconds) return options.now_seconds();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string new_id(std::string_view kind) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08llx-%.4s-4000-8000-%012llu",
                  static_cast<unsigned long long>(next_id), std::string(kind).c_str(),
                  static_cast<unsigned long long>(next_id));
    ++next_id;
    return buf;
  }

  // ---- JWT ----------------------------------------------------------------------------------
  std::optional<std::string> check_jwt(std::string_view token,
                                       std::optional<std::string> expected_uri) {
    if (!verifier) return "no API key configured";
    auto jwt = verifier->verify(token);
    if (!jwt) return jwt.error().message;
    auto claims = check_claims(*jwt, options.key_name, expected_uri, now());
    if (!claims) return claims.error().message;
    return std::nullopt;
  }

  // ---- JSON views ------------------------------------------------------------------------------
  json::object order_json(const SimOrder& o) const {
    json::object conf;
    json::object c;
    c["base_size"] = o.base_size.to_string();
    if (o.limit_price) c["limit_price"] = o.limit_price->to_string();
    if (o.stop_price) {
      c["stop_price"] = o.stop_price->to_string();
      c["stop_direction"] = o.side == "BUY" ? "STOP_DIRECTION_STOP_UP" : "STOP_DIRECTION_STOP_DOWN";
    }
    if (o.configuration == "limit_limit_gtc") c["post_only"] = o.post_only;
    conf[o.configuration] = std::move(c);
    const Decimal avg = o.filled.is_positive()
                            ? o.filled_value.checked_div(o.filled).value_or(Decimal::zero())
                            : Decimal::zero();
    return json::object{
        {"order_id", o.order_id},
        {"product_id", o.product_id},
        {"user_id", "sim-user"},
        {"order_configuration", std::move(conf)},
        {"side", o.side},
        {"client_order_id", o.client_order_id},
        {"status", o.status},
        {"time_in_force", o.time_in_force},
        {"created_time", iso(o.created_s)},
        {"completion_percentage", "0"},
        {"filled_size", o.filled.to_string()},
        {"average_filled_price", avg.to_string()},
        {"fee", ""},
        {"number_of_fills", "0"},
        {"filled_value", o.filled_value.to_string()},
        {"pending_cancel", false},
        {"size_in_quote", false},
        {"total_fees", o.fees.to_string()},
        {"order_type", o.order_type},
        {"reject_reason", "REJECT_REASON_UNSPECIFIED"},
        {"reject_message", ""},
        {"cancel_message", ""},
        {"product_type", "SPOT"},
        {"last_fill_time", o.last_fill_s ? json::value(iso(o.last_fill_s)) : json::value(nullptr)}};
  }

  json::object product_json(const SimProduct& p) const {
    json::array alias_to;
    for (const auto& [id, other] : products)
      if (other.alias == p.product_id) alias_to.emplace_back(id);
    return json::object{{"product_id", p.product_id},
                        {"price", p.price.to_string()},
                        {"base_increment", p.base_increment.to_string()},
                        {"quote_increment", p.price_increment.to_string()},
                        {"price_increment", p.price_increment.to_string()},
                        {"base_min_size", p.base_min_size.to_string()},
                        {"base_max_size", p.base_max_size.to_string()},
                        {"quote_min_size", p.quote_min_size.to_string()},
                        {"quote_max_size", "10000000"},
                        {"status", p.status},
                        {"cancel_only", p.cancel_only},
                        {"limit_only", false},
                        {"post_only", false},
                        {"trading_disabled", p.trading_disabled},
                        {"is_disabled", false},
                        {"product_type", "SPOT"},
                        {"base_currency_id", p.base},
                        {"quote_currency_id", p.quote},
                        {"alias", p.alias},
                        {"alias_to", std::move(alias_to)}};
  }

  // ---- user channel ----------------------------------------------------------------------------
  json::object ws_order_json(const SimOrder& o) const {
    const Decimal avg = o.filled.is_positive()
                            ? o.filled_value.checked_div(o.filled).value_or(Decimal::zero())
                            : Decimal::zero();
    const Decimal leaves = o.status == "OPEN" ? o.base_size - o.filled : Decimal::zero();
    return json::object{{"order_id", o.order_id},
                        {"client_order_id", o.client_order_id},
                        {"cumulative_quantity", o.filled.to_string()},
                        {"leaves_quantity", leaves.to_string()},
                        {"avg_price", avg.to_string()},
                        {"total_fees", o.fees.to_string()},
                        {"status", o.status},
                        {"product_id", o.product_id},
                        {"creation_time", iso(o.created_s)},
                        {"order_side", o.side},
                        {"order_type", o.order_type == "MARKET" ? "Market" : "Limit"},
                        {"cancel_reason", ""},
                        {"reject_reason", ""},
                        {"time_in_force", o.time_in_force},
                        {"product_type", "SPOT"}};
  }
  std::string user_message(std::string_view type, json::array orders_json) {
    json::object event{{"type", type}, {"orders", std::move(orders_json)}};
    return json::serialize(json::object{{"channel", "user"},
                                        {"client_id", ""},
                                        {"timestamp", iso(now())},
                                        {"sequence_num", ws_sequence++},
                                        {"events", json::array{std::move(event)}}});
  }
  void push_update(const SimOrder& o) {
    if (user_sessions.empty()) return;
    const std::string msg = user_message("update", json::array{ws_order_json(o)});
    for (auto& s : user_sessions)
      if (s->is_open()) s->send(msg);
  }

  // ---- funds -----------------------------------------------------------------------------------
  Account& account(const std::string& currency) {
    auto [it, fresh] = accounts.try_emplace(currency);
    if (fresh) account_order.push_back(currency);
    return it->second;
  }
  // What an order holds: quote for a buy (price x size, fees on top), base for a sell.
  std::pair<std::string, Decimal> hold_of(const SimOrder& o, const SimProduct& p) const {
    if (o.side == "SELL") return {p.base, o.base_size};
    const Decimal price = o.limit_price.value_or(p.price);
    return {p.quote, price * o.base_size * (Decimal::one() + options.taker_fee_rate)};
  }

  void trade(SimOrder& o, const SimProduct& p, Decimal size, Decimal price, bool maker) {
    const Decimal value = size * price;
    const Decimal fee = (value * (maker ? options.maker_fee_rate : options.taker_fee_rate))
                            .round_to_decimals(8, RoundingMode::nearest_even)
                            .value();
    const auto [hold_ccy, hold_total] = hold_of(o, p);
    Account& base = account(p.base);
    Account& quote = account(p.quote);
    if (o.side == "BUY") {
      // Release this slice's share of the hold; pay value + fee; receive base.
      const Decimal share = (hold_total * size / o.base_size);
      quote.hold -= std::min(share, quote.hold);
      quote.available += share - value - fee;
      base.available += size;
    } else {
      base.hold -= std::min(size, base.hold);
      quote.available += value - fee;
    }
    o.filled += size;
    o.filled_value += value;
    o.fees += fee;
    o.last_fill_s = now();
    std::string trade_id =
        trade_ids_per_product ? std::to_string(++product_trade_seq[o.product_id]) : new_id("fill");
    fills.push_back(SimFill{std::move(trade_id), o.order_id, o.product_id, o.side, price, size, fee,
                            maker, now(), fills.size() + 1});
    if (o.filled == o.base_size) o.status = "FILLED";
  }

  void release_hold(const SimOrder& o, const SimProduct& p) {
    const auto [ccy, total] = hold_of(o, p);
    const Decimal remaining = total * (o.base_size - o.filled) / o.base_size;
    Account& a = account(ccy);
    const Decimal r = std::min(remaining, a.hold);
    a.hold -= r;
    a.available += r;
  }

  // ---- endpoints -------------------------------------------------------------------------------
  HttpReply refuse_order(const json::object& conf, std::string error, std::string message,
                         std::string preview) {
    return json_reply(
        200, json::object{{"success", false},
                          {"failure_reason", "UNKNOWN_FAILURE_REASON"},
                          {"order_id", ""},
                          {"error_response", json::object{{"error", error},
                                                          {"message", message},
                                                          {"error_details", ""},
                                                          {"preview_failure_reason", preview}}},
                          {"order_configuration", conf}});
  }

  HttpReply create_order(const HttpSeen& req) {
    ++places;
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return error_reply(400, "INVALID_ARGUMENT", "body is not JSON");
    const auto& b = v.as_object();
    const auto* cid_v = b.if_contains("client_order_id");
    const auto* pid_v = b.if_contains("product_id");
    const auto* side_v = b.if_contains("side");
    const auto* conf_v = b.if_contains("order_configuration");
    if (!cid_v || !cid_v->is_string() || !pid_v || !pid_v->is_string() || !side_v ||
        !side_v->is_string() || !conf_v || !conf_v->is_object() || conf_v->as_object().size() != 1)
      return error_reply(400, "INVALID_ARGUMENT", "missing or invalid order field");
    const std::string cid(cid_v->as_string());
    ++places_by_client_id[cid];
    const std::string pid(pid_v->as_string());
    const std::string side(side_v->as_string());
    const auto& conf = conf_v->as_object();
    // Coinbase: a reused client_order_id returns the existing order, creating nothing.
    for (const auto& o : orders)
      if (o.client_order_id == cid && !cid.empty())
        return json_reply(
            200, json::object{{"success", true},
                              {"success_response", json::object{{"order_id", o.order_id},
                                                                {"product_id", o.product_id},
                                                                {"side", o.side},
                                                                {"client_order_id", cid}}},
                              {"order_configuration", conf}});
    const auto pit = products.find(pid);
    if (pit == products.end())
      return refuse_order(conf, "UNKNOWN_FAILURE_REASON", "Product not found",
                          "PREVIEW_INVALID_PRODUCT_ID");
    const SimProduct& p = pit->second;
    if (p.trading_disabled || p.cancel_only || p.status != "online")
      return refuse_order(conf, "UNKNOWN_FAILURE_REASON", "Trading is disabled for this product",
                          "PREVIEW_TRADING_DISABLED");
    if (side != "BUY" && side != "SELL")
      return error_reply(400, "INVALID_ARGUMENT", "side must be BUY or SELL");
    SimOrder o;
    o.order_id = new_id("ordr");
    o.client_order_id = cid;
    o.product_id = pid;
    o.side = side;
    o.configuration = std::string(conf.begin()->key());
    const auto& c = conf.begin()->value();
    if (!c.is_object()) return error_reply(400, "INVALID_ARGUMENT", "bad order_configuration");
    const auto& co = c.as_object();
    auto size = dec(co, "base_size");
    if (!size || !size->is_positive())
      return error_reply(400, "INVALID_ARGUMENT", "base_size is required");
    o.base_size = *size;
    o.limit_price = dec(co, "limit_price");
    o.stop_price = dec(co, "stop_price");
    if (const auto* po = co.if_contains("post_only"); po && po->is_bool())
      o.post_only = po->as_bool();
    const std::string& k = o.configuration;
    if (k == "market_market_ioc") {
      o.order_type = "MARKET";
      o.time_in_force = "IMMEDIATE_OR_CANCEL";
    } else if (k == "limit_limit_gtc" || k == "limit_limit_fok" || k == "sor_limit_ioc") {
      o.order_type = "LIMIT";
      o.time_in_force = k == "limit_limit_gtc"   ? "GOOD_UNTIL_CANCELLED"
                        : k == "limit_limit_fok" ? "FILL_OR_KILL"
                                                 : "IMMEDIATE_OR_CANCEL";
      if (!o.limit_price) return error_reply(400, "INVALID_ARGUMENT", "limit_price is required");
    } else if (k == "stop_limit_stop_limit_gtc") {
      o.order_type = "STOP_LIMIT";
      o.time_in_force = "GOOD_UNTIL_CANCELLED";
      const auto* dir = co.if_contains("stop_direction");
      if (!o.limit_price || !o.stop_price || !dir || !dir->is_string())
        return error_reply(400, "INVALID_ARGUMENT", "stop-limit needs prices and stop_direction");
    } else {
      return error_reply(400, "INVALID_ARGUMENT", "unsupported order_configuration " + k);
    }
    if (!o.base_size.is_multiple_of(p.base_increment))
      return refuse_order(conf, "INVALID_SIZE_PRECISION", "Invalid order size precision",
                          "PREVIEW_INVALID_SIZE_PRECISION");
    if (o.limit_price && !o.limit_price->is_multiple_of(p.price_increment))
      return refuse_order(conf, "INVALID_PRICE_PRECISION", "Invalid price precision",
                          "PREVIEW_INVALID_PRICE_PRECISION");
    if (o.base_size < p.base_min_size)
      return refuse_order(conf, "INVALID_ORDER_SIZE", "Order size is too small",
                          "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL");
    const auto [ccy, need] = hold_of(o, p);
    Account& funds = account(ccy);
    if (funds.available < need)
      return refuse_order(conf, "INSUFFICIENT_FUND", "Insufficient balance in source account",
                          "PREVIEW_INSUFFICIENT_FUND");
    funds.available -= need;
    funds.hold += need;
    o.status = "OPEN";
    o.created_s = now();
    const bool marketable =
        o.order_type == "MARKET" ||
        (o.order_type == "LIMIT" && o.time_in_force != "GOOD_UNTIL_CANCELLED" &&
         (o.side == "BUY" ? *o.limit_price >= p.price : *o.limit_price <= p.price));
    if (marketable) {
      trade(o, p, o.base_size, p.price, /*maker=*/false);
    } else if (o.order_type == "LIMIT" && o.time_in_force != "GOOD_UNTIL_CANCELLED") {
      release_hold(o, p);
      o.status = o.time_in_force == "FILL_OR_KILL" ? "CANCELLED" : "EXPIRED";
    }
    orders.push_back(o);
    push_update(o);
    return json_reply(200,
                      json::object{{"success", true},
                                   {"success_response", json::object{{"order_id", o.order_id},
                                                                     {"product_id", pid},
                                                                     {"side", side},
                                                                     {"client_order_id", cid}}},
                                   {"order_configuration", conf}});
  }

  SimOrder* find(const std::string& id) {
    for (auto& o : orders)
      if (o.order_id == id) return &o;
    return nullptr;
  }

  HttpReply batch_cancel(const HttpSeen& req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("order_ids") ||
        !v.as_object().at("order_ids").is_array())
      return error_reply(400, "INVALID_ARGUMENT", "order_ids is required");
    json::array results;
    for (const auto& idv : v.as_object().at("order_ids").as_array()) {
      const std::string id = idv.is_string() ? std::string(idv.as_string()) : std::string();
      ++cancels_by_order_id[id];
      SimOrder* o = find(id);
      if (o == nullptr || o->status != "OPEN") {
        results.push_back(json::object{
            {"success", false}, {"failure_reason", "UNKNOWN_CANCEL_ORDER"}, {"order_id", id}});
        continue;
      }
      release_hold(*o, products.at(o->product_id));
      o->status = "CANCELLED";
      push_update(*o);
      results.push_back(json::object{{"success", true},
                                     {"failure_reason", "UNKNOWN_CANCEL_FAILURE_REASON"},
                                     {"order_id", id}});
    }
    return json_reply(200, json::object{{"results", std::move(results)}});
  }

  HttpReply edit(const HttpSeen& req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return error_reply(400, "INVALID_ARGUMENT", "body is not JSON");
    const auto& b = v.as_object();
    auto refuse = [](std::string reason) {
      return json_reply(
          200,
          json::object{{"success", false},
                       {"errors", json::array{json::object{{"edit_failure_reason", reason},
                                                           {"preview_failure_reason",
                                                            "UNKNOWN_PREVIEW_FAILURE_REASON"}}}}});
    };
    const auto* idv = b.if_contains("order_id");
    SimOrder* o = idv && idv->is_string() ? find(std::string(idv->as_string())) : nullptr;
    if (o == nullptr || o->status != "OPEN") return refuse("ORDER_NOT_FOUND");
    if (o->configuration != "limit_limit_gtc") return refuse("ONLY_LIMIT_ORDER_EDITS_SUPPORTED");
    const SimProduct& p = products.at(o->product_id);
    auto price = dec(b, "price");
    auto size = dec(b, "size");
    if (size && *size <= o->filled) return refuse("CANNOT_EDIT_TO_BELOW_FILLED_SIZE");
    if (price && !price->is_multiple_of(p.price_increment)) return refuse("INVALID_EDITED_PRICE");
    if (size && !size->is_multiple_of(p.base_increment)) return refuse("INVALID_EDITED_SIZE");
    release_hold(*o, p);
    SimOrder edited = *o;
    if (price) edited.limit_price = *price;
    if (size) edited.base_size = *size;
    const auto [ccy, total] = hold_of(edited, p);
    const Decimal need = total * (edited.base_size - edited.filled) / edited.base_size;
    Account& a = account(ccy);
    if (a.available < need) {
      const auto [c0, t0] = hold_of(*o, p);
      const Decimal back = t0 * (o->base_size - o->filled) / o->base_size;
      a.available -= back;
      a.hold += back;
      return refuse("INSUFFICIENT_FUNDS");
    }
    a.available -= need;
    a.hold += need;
    *o = edited;
    push_update(*o);
    return json_reply(200, json::object{{"success", true}, {"errors", json::array{}}});
  }

  HttpReply order_by_id(const std::string& id) {
    ++queries;
    SimOrder* o = find(id);
    if (lag > 0) {
      --lag;
      o = nullptr;
    }
    if (o == nullptr) return error_reply(404, "NOT_FOUND", "order with this orderID was not found");
    return json_reply(200, json::object{{"order", order_json(*o)}});
  }

  HttpReply list_orders(const std::multimap<std::string, std::string>& q) {
    ++queries;
    const bool lagging = lag > 0;
    if (lagging) --lag;
    const auto statuses = all(q, "order_status");
    const auto pids = all(q, "product_ids");
    std::size_t limit = 100;
    if (auto l = first(q, "limit"); !l.empty()) limit = std::max<std::size_t>(1, std::stoul(l));
    std::size_t start = 0;
    if (auto c = first(q, "cursor"); !c.empty()) start = std::stoul(c);
    std::vector<const SimOrder*> match;
    if (!lagging)
      for (auto it = orders.rbegin(); it != orders.rend(); ++it) {  // newest first
        if (!statuses.empty() &&
            std::find(statuses.begin(), statuses.end(), it->status) == statuses.end())
          continue;
        if (!pids.empty() && std::find(pids.begin(), pids.end(), it->product_id) == pids.end())
          continue;
        match.push_back(&*it);
      }
    json::array out;
    for (std::size_t i = start; i < match.size() && i < start + limit; ++i)
      out.push_back(order_json(*match[i]));
    const bool has_next = start + limit < match.size();
    return json_reply(200, json::object{{"orders", std::move(out)},
                                        {"sequence", "0"},
                                        {"has_next", has_next},
                                        {"cursor", has_next ? std::to_string(start + limit) : ""}});
  }

  HttpReply list_fills(const std::multimap<std::string, std::string>& q) {
    const auto oids = all(q, "order_ids");
    const auto pids = all(q, "product_ids");
    std::int64_t since = 0;
    if (auto s = first(q, "start_sequence_timestamp"); !s.empty()) {
      auto t = Timestamp::parse_iso8601(s);
      if (!t) return error_reply(400, "INVALID_ARGUMENT", "bad start_sequence_timestamp");
      since = t->seconds();
    }
    std::size_t limit = 100;
    if (auto l = first(q, "limit"); !l.empty()) limit = std::max<std::size_t>(1, std::stoul(l));
    std::size_t start = 0;
    if (auto c = first(q, "cursor"); !c.empty()) start = std::stoul(c);
    std::vector<const SimFill*> match;
    for (auto it = fills.rbegin(); it != fills.rend(); ++it) {
      if (it->time_s < since) continue;
      if (!oids.empty() && std::find(oids.begin(), oids.end(), it->order_id) == oids.end())
        continue;
      if (!pids.empty() && std::find(pids.begin(), pids.end(), it->product_id) == pids.end())
        continue;
      match.push_back(&*it);
    }
    json::array out;
    for (std::size_t i = start; i < match.size() && i < start + limit; ++i) {
      const SimFill& f = *match[i];
      out.push_back(json::object{{"entry_id", "e-" + f.trade_id},
                                 {"trade_id", f.trade_id},
                                 {"order_id", f.order_id},
                                 {"trade_time", iso(f.time_s)},
                                 {"trade_type", "FILL"},
                                 {"price", f.price.to_string()},
                                 {"size", f.size.to_string()},
                                 {"commission", f.commission.to_string()},
                                 {"product_id", f.product_id},
                                 {"sequence_timestamp", iso(f.time_s)},
                                 {"liquidity_indicator", f.maker ? "MAKER" : "TAKER"},
                                 {"size_in_quote", false},
                                 {"user_id", "sim-user"},
                                 {"side", f.side}});
    }
    const bool more = start + limit < match.size();
    return json_reply(200, json::object{{"fills", std::move(out)},
                                        {"cursor", more ? std::to_string(start + limit) : ""}});
  }

  HttpReply list_accounts(const std::multimap<std::string, std::string>& q) {
    std::size_t limit = 49;
    if (auto l = first(q, "limit"); !l.empty()) limit = std::max<std::size_t>(1, std::stoul(l));
    std::size_t start = 0;
    if (auto c = first(q, "cursor"); !c.empty()) start = std::stoul(c);
    json::array out;
    for (std::size_t i = start; i < account_order.size() && i < start + limit; ++i) {
      const std::string& ccy = account_order[i];
      const Account& a = accounts.at(ccy);
      out.push_back(
          json::object{{"uuid", "acct-" + ccy},
                       {"name", ccy + " Wallet"},
                       {"currency", ccy},
                       {"available_balance",
                        json::object{{"value", a.available.to_string()}, {"currency", ccy}}},
                       {"default", true},
                       {"active", true},
                       {"type", ccy == "USD" ? "FIAT" : "CRYPTO"},
                       {"ready", true},
                       {"hold", json::object{{"value", a.hold.to_string()}, {"currency", ccy}}}});
    }
    const bool more = start + limit < account_order.size();
    return json_reply(200, json::object{{"accounts", std::move(out)},
                                        {"has_next", more},
                                        {"cursor", more ? std::to_string(start + limit) : ""},
                                        {"size", account_order.size()}});
  }

  HttpReply list_products(const std::multimap<std::string, std::string>& q) {
    const auto pids = all(q, "product_ids");
    json::array out;
    for (const auto& id : product_order) {
      if (!pids.empty() && std::find(pids.begin(), pids.end(), id) == pids.end()) continue;
      out.push_back(product_json(products.at(id)));
    }
    const std::size_t n = out.size();
    return json_reply(200, json::object{{"products", std::move(out)}, {"num_products", n}});
  }

  HttpReply server_time() {
    const std::int64_t s = now();
    return json_reply(200, json::object{{"iso", iso(s)},
                                        {"epochSeconds", std::to_string(s)},
                                        {"epochMillis", std::to_string(s * 1000)}});
  }

  HttpReply candles(const std::string& product_id,
                    const std::multimap<std::string, std::string>& q) {
    static const std::map<std::string, std::int64_t> kGranularity = {
        {"ONE_MINUTE", 60},      {"FIVE_MINUTE", 300}, {"FIFTEEN_MINUTE", 900},
        {"THIRTY_MINUTE", 1800}, {"ONE_HOUR", 3600},   {"TWO_HOUR", 7200},
        {"FOUR_HOUR", 14400},    {"SIX_HOUR", 21600},  {"ONE_DAY", 86400}};
    const auto p = products.find(product_id);
    if (p == products.end()) return error_reply(404, "NOT_FOUND", "ProductID is invalid");
    const auto g = kGranularity.find(first(q, "granularity"));
    if (g == kGranularity.end())
      return error_reply(400, "INVALID_ARGUMENT", "granularity is missing or unknown");
    auto seconds = [&q](const char* key) -> std::optional<std::int64_t> {
      const std::string v = first(q, key);
      if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      return std::stoll(v);
    };
    const auto start = seconds("start");
    const auto end = seconds("end");
    if (!start || !end || *end < *start)
      return error_reply(400, "INVALID_ARGUMENT",
                         "start and end must be unix seconds, start <= end");
    std::int64_t limit = 350;
    if (const std::string l = first(q, "limit"); !l.empty()) {
      if (l.size() > 6 || l.find_first_not_of("0123456789") != std::string::npos)
        return error_reply(400, "INVALID_ARGUMENT", "limit is not a number");
      limit = std::stoll(l);
    }
    if (limit < 1 || limit > 350)
      return error_reply(400, "INVALID_ARGUMENT", "limit must be between 1 and 350");
    const std::int64_t step = g->second;
    auto ceil_to = [step](std::int64_t t) { return (t + step - 1) / step * step; };
    const std::int64_t from = std::max(ceil_to(*start), ceil_to(history_start));
    const std::int64_t to = std::min(*end, now());  // the current bucket is included
    if ((*end - ceil_to(*start)) / step + 1 > 350)
      return error_reply(400, "INVALID_ARGUMENT",
                         "number of candles requested should be less than 350");
    json::array out;
    for (std::int64_t t = to / step * step; t >= from && std::ssize(out) < limit; t -= step) {
      const SimCandle c =
          sim_candle(product_id, step * 1000, t * 1000, p->second.price, p->second.price_increment);
      if (c.trades == 0) continue;  // Coinbase publishes nothing for an interval without trades
      out.push_back(json::object{{"start", std::to_string(t)},
                                 {"low", c.low.to_string()},
                                 {"high", c.high.to_string()},
                                 {"open", c.open.to_string()},
                                 {"close", c.close.to_string()},
                                 {"volume", c.volume.to_string()}});
    }
    return json_reply(200, json::object{{"candles", std::move(out)}});
  }

  HttpReply route(const HttpSeen& req) {
    const auto [path, q] = split_target(req.target);
    if (!path.starts_with(kPrefix)) return error_reply(404, "NOT_FOUND", "no route " + path);
    const std::string rel = path.substr(kPrefix.size());
    if (req.method == "GET" && rel == "/time") return server_time();
    if (constexpr std::string_view kMarket = "/market/products/";
        req.method == "GET" && rel.starts_with(kMarket) && rel.ends_with("/candles")) {
      const std::size_t n = rel.size() - kMarket.size() - std::string_view("/candles").size();
      return candles(decode(rel.substr(kMarket.size(), n)), q);
    }
    // Every other endpoint is private: the JWT first.
    std::string auth = req.header("Authorization");
    if (!auth.starts_with("Bearer ")) {
      auth_failures.push_back("no bearer token");
      return error_reply(401, "UNAUTHENTICATED", "missing bearer token");
    }
    const std::string uri = req.method + " " + req.header("Host") + path;
    if (auto bad = check_jwt(std::string_view(auth).substr(7), uri)) {
      auth_failures.push_back(*bad);
      return error_reply(401, "UNAUTHENTICATED", *bad);
    }
    if (req.method == "POST" && rel == "/orders") return create_order(req);
    if (req.method == "POST" && rel == "/orders/batch_cancel") return batch_cancel(req);
    if (req.method == "POST" && rel == "/orders/edit") return edit(req);
    if (req.method == "GET" && rel == "/orders/historical/batch") return list_orders(q);
    if (req.method == "GET" && rel == "/orders/historical/fills") return list_fills(q);
    if (req.method == "GET" && rel.starts_with("/orders/historical/"))
      return order_by_id(rel.substr(std::string_view("/orders/historical/").size()));
    if (req.method == "GET" && rel == "/accounts") return list_accounts(q);
    if (req.method == "GET" && rel == "/products") return list_products(q);
    return error_reply(404, "NOT_FOUND", "no route " + req.method + " " + path);
  }

  HttpReply handle(const HttpSeen& req) {
    std::lock_guard lock(mu);
    std::optional<SimFault> fault;
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if ((!it->method.empty() && it->method != req.method) ||
          !req.target.starts_with(it->path_prefix))
        continue;
      fault = *it;
      if (--it->count <= 0) faults.erase(it);
      break;
    }
    if (fault && !fault->process) return fault->reply;
    HttpReply reply;
    try {
      reply = route(req);
    } catch (const std::exception& e) {
      reply = error_reply(500, "INTERNAL", e.what());
    }
    if (fault) {  // executed; answered with the fault (a lost answer)
      reply.fault = fault->reply.fault;
      reply.truncate_at = fault->reply.truncate_at;
      if (fault->reply.status != 200) reply = fault->reply;
    }
    return reply;
  }

  void on_ws_message(testsupport::WsSession& session, const std::string& text) {
    std::lock_guard lock(mu);
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      session.send(R"({"type":"error","message":"malformed message"})");
      return;
    }
    const auto& o = v.as_object();
    const std::string type =
        o.contains("type") && o.at("type").is_string() ? std::string(o.at("type").as_string()) : "";
    const std::string channel = o.contains("channel") && o.at("channel").is_string()
                                    ? std::string(o.at("channel").as_string())
                                    : "";
    if (type != "subscribe") {
      session.send(R"({"type":"error","message":"unsupported type"})");
      return;
    }
    if (channel == "user") {
      const auto* jwt = o.if_contains("jwt");
      std::optional<std::string> bad = "missing jwt";
      if (jwt && jwt->is_string()) bad = check_jwt(jwt->as_string(), std::nullopt);
      if (bad) {
        auth_failures.push_back("ws: " + *bad);
        session.send(json::serialize(
            json::object{{"type", "error"}, {"message", "authentication failure: " + *bad}}));
        session.close(1008);
        return;
      }
      ++subscriptions;
      std::shared_ptr<testsupport::WsSession> shared = ws->session(session.index());
      if (shared) user_sessions.push_back(shared);
      json::array open;
      for (const auto& ord : orders)
        if (ord.status == "OPEN") open.push_back(ws_order_json(ord));
      session.send(user_message("snapshot", std::move(open)));
    }
    session.send(json::serialize(json::object{
        {"channel", "subscriptions"},
        {"client_id", ""},
        {"timestamp", iso(now())},
        {"sequence_num", ws_sequence++},
        {"events",
         json::array{json::object{{"subscriptions", json::object{{channel, json::array{}}}}}}}}));
  }
};

CoinbaseSim::CoinbaseSim(SimOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  if (!impl_->options.public_key_pem.empty()) {
    auto v = JwtVerifier::from_public_pem(impl_->options.public_key_pem);
    if (v) impl_->verifier.emplace(std::move(v).value());
  }
  testsupport::HttpServerOptions http_options;
  http_options.tls = impl_->options.tls;
  impl_->http = std::make_unique<testsupport::HttpServer>(http_options);
  std::weak_ptr<Impl> weak = impl_;
  impl_->http->on_request([weak](const HttpSeen& req) {
    auto impl = weak.lock();
    if (!impl) return HttpReply{503, {}, "stopping"};
    return impl->handle(req);
  });
  if (impl_->options.websocket) {
    testsupport::WsServerOptions ws_options;
    ws_options.tls = impl_->options.tls;
    impl_->ws = std::make_unique<testsupport::WsServer>(ws_options);
    impl_->ws->on_message([weak](testsupport::WsSession& s, const std::string& text) {
      if (auto impl = weak.lock()) impl->on_ws_message(s, text);
    });
  }
}

CoinbaseSim::~CoinbaseSim() {
  if (impl_->ws) impl_->ws->stop();
  impl_->http->stop();
}

std::string CoinbaseSim::base_url() const {
  std::string u = impl_->http->url("/");
  u.pop_back();
  return u;
}
std::string CoinbaseSim::ws_url() const {
  return impl_->ws ? impl_->ws->url("/") : std::string();
}

void CoinbaseSim::add_product(SimProduct product) {
  std::lock_guard lock(impl_->mu);
  const std::string id = product.product_id;
  if (!impl_->products.contains(id)) impl_->product_order.push_back(id);
  impl_->products[id] = std::move(product);
}
void CoinbaseSim::set_price(const std::string& product_id, Decimal price) {
  std::lock_guard lock(impl_->mu);
  impl_->products.at(product_id).price = price;
}
void CoinbaseSim::set_trade_ids_per_product(bool on) {
  std::lock_guard lock(impl_->mu);
  impl_->trade_ids_per_product = on;
}
void CoinbaseSim::set_balance(const std::string& currency, Decimal available, Decimal hold) {
  std::lock_guard lock(impl_->mu);
  impl_->account(currency) = Account{available, hold};
}
void CoinbaseSim::set_public_key(std::string key_name, std::string public_key_pem) {
  std::lock_guard lock(impl_->mu);
  impl_->options.key_name = std::move(key_name);
  impl_->verifier.reset();
  auto v = JwtVerifier::from_public_pem(public_key_pem);
  if (v) impl_->verifier.emplace(std::move(v).value());
}
void CoinbaseSim::set_history_start(std::int64_t seconds) {
  std::lock_guard lock(impl_->mu);
  impl_->history_start = seconds;
}
void CoinbaseSim::script(SimFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}
void CoinbaseSim::lag_status_queries(int n) {
  std::lock_guard lock(impl_->mu);
  impl_->lag = n;
}
void CoinbaseSim::release_held() {
  impl_->http->release_held();
}
std::size_t CoinbaseSim::held() const {
  return impl_->http->held();
}

void CoinbaseSim::drop_user_sessions() {
  std::vector<std::shared_ptr<testsupport::WsSession>> sessions;
  {
    std::lock_guard lock(impl_->mu);
    sessions.swap(impl_->user_sessions);
  }
  for (auto& s : sessions) s->close(1001);
}

bool CoinbaseSim::fill(const std::string& order_id, Decimal size) {
  std::lock_guard lock(impl_->mu);
  SimOrder* o = impl_->find(order_id);
  if (o == nullptr || o->status != "OPEN" || !o->limit_price || size > o->base_size - o->filled)
    return false;
  impl_->trade(*o, impl_->products.at(o->product_id), size, *o->limit_price, /*maker=*/true);
  impl_->push_update(*o);
  return true;
}

std::vector<SimOrder> CoinbaseSim::orders() const {
  std::lock_guard lock(impl_->mu);
  return impl_->orders;
}
std::optional<SimOrder> CoinbaseSim::order_by_client_id(const std::string& cid) const {
  std::lock_guard lock(impl_->mu);
  for (const auto& o : impl_->orders)
    if (o.client_order_id == cid) return o;
  return std::nullopt;
}
std::size_t CoinbaseSim::place_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->places;
}
std::size_t CoinbaseSim::place_requests(const std::string& client_order_id) const {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->places_by_client_id.find(client_order_id);
  return it == impl_->places_by_client_id.end() ? 0 : it->second;
}
std::size_t CoinbaseSim::cancel_requests(const std::string& order_id) const {
  std::lock_guard lock(impl_->mu);
  const auto it = impl_->cancels_by_order_id.find(order_id);
  return it == impl_->cancels_by_order_id.end() ? 0 : it->second;
}
std::size_t CoinbaseSim::status_queries() const {
  std::lock_guard lock(impl_->mu);
  return impl_->queries;
}
std::vector<std::string> CoinbaseSim::auth_failures() const {
  std::lock_guard lock(impl_->mu);
  return impl_->auth_failures;
}
std::vector<HttpSeen> CoinbaseSim::requests() const {
  return impl_->http->requests();
}
std::size_t CoinbaseSim::ws_subscriptions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subscriptions;
}
std::int64_t CoinbaseSim::now_seconds() const {
  return impl_->now();
}

}  // namespace nzeza::sim::coinbase
