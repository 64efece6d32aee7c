#include "sim/binance/binance_sim.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "sim/sim_candles.hpp"

namespace nzeza::sim::binance {

namespace json = boost::json;
using testsupport::HttpFault;
using testsupport::HttpReply;
using testsupport::HttpSeen;

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string fixed(Decimal d) {
  return d.to_string_fixed(8);
}

// A commission as Binance charges it: 8 decimals (what the answers and reports print, so a
// balance moves by exactly the commission the client is told; dropped digits favour the user).
Decimal commission_of(Decimal exact) {
  return exact.round_to_decimals(8, RoundingMode::down).value_or(exact);
}

HttpReply json_reply(unsigned status, const json::value& v) {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
  r.body = json::serialize(v);
  return r;
}

HttpReply error_reply(unsigned status, long long code, const std::string& msg) {
  return json_reply(status, json::object{{"code", code}, {"msg", msg}});
}

}  // namespace

struct BinanceSim::Request {
  std::string method;
  std::string path;
  std::string raw_query;
  std::string body;
  std::map<std::string, std::string> params;  // decoded; query wins over body
  std::string api_key;
  std::string key() const { return method + " " + path; }
  std::optional<std::string> get(const std::string& k) const {
    auto it = params.find(k);
    if (it == params.end()) return std::nullopt;
    return it->second;
  }
};

BinanceSim::BinanceSim(SimOptions options) : options_(std::move(options)) {
  if (!options_.now_ms) {
    options_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  testsupport::HttpServerOptions ho;
  ho.tls = options_.tls;
  http_ = std::make_unique<testsupport::HttpServer>(ho);
  http_->on_request([this](const HttpSeen& seen) { return handle(seen); });
  testsupport::WsServerOptions wo;
  wo.tls = options_.tls;
  ws_ = std::make_unique<testsupport::WsServer>(wo);
  ws_->on_message(
      [this](testsupport::WsSession& s, const std::string& text) { on_ws_message(s, text); });
}

BinanceSim::~BinanceSim() {
  stop();
}

void BinanceSim::stop() {
  if (http_) http_->stop();
  if (ws_) ws_->stop();
}

std::string BinanceSim::base_url() const {
  std::string u = http_->url("/");
  if (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}
std::string BinanceSim::ws_api_url() const {
  return ws_->url("/ws-api/v3");
}

void BinanceSim::add_symbol(SimSymbol symbol) {
  std::lock_guard lock(mu_);
  symbols_[symbol.symbol] = std::move(symbol);
}
void BinanceSim::set_price(const std::string& symbol, Decimal price) {
  std::lock_guard lock(mu_);
  prices_[symbol] = price;
  fire_triggers_locked(symbol, price, now_locked());
}
void BinanceSim::set_balance(const std::string& asset, Decimal free, Decimal locked) {
  std::lock_guard lock(mu_);
  balances_[asset] = {free, locked};
}
void BinanceSim::set_clock_skew_ms(std::int64_t skew) {
  std::lock_guard lock(mu_);
  skew_ms_ = skew;
}
void BinanceSim::set_history_start_ms(std::int64_t start_ms) {
  std::lock_guard lock(mu_);
  history_start_ms_ = start_ms;
}
void BinanceSim::set_used_weight_header(std::optional<int> used) {
  std::lock_guard lock(mu_);
  used_weight_header_ = used;
}
void BinanceSim::script(const std::string& endpoint, Fault fault, int times) {
  std::lock_guard lock(mu_);
  faults_[endpoint].emplace_back(std::move(fault), times);
}
void BinanceSim::not_found_first(int n) {
  std::lock_guard lock(mu_);
  not_found_first_ = n;
}
void BinanceSim::release_held() {
  http_->release_held();
}

std::optional<SimOrder> BinanceSim::order(const std::string& client_order_id) const {
  std::lock_guard lock(mu_);
  auto it = by_client_id_.find(client_order_id);
  if (it == by_client_id_.end()) return std::nullopt;
  return orders_.at(it->second);
}
std::vector<SimTrade> BinanceSim::trades() const {
  std::lock_guard lock(mu_);
  return trades_;
}
std::optional<std::pair<Decimal, Decimal>> BinanceSim::balance(const std::string& asset) const {
  std::lock_guard lock(mu_);
  auto it = balances_.find(asset);
  if (it == balances_.end()) return std::nullopt;
  return it->second;
}
int BinanceSim::place_requests(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = place_requests_.find(id);
  return it == place_requests_.end() ? 0 : it->second;
}
int BinanceSim::cancel_requests(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = cancel_requests_.find(id);
  return it == cancel_requests_.end() ? 0 : it->second;
}
int BinanceSim::order_queries() const {
  std::lock_guard lock(mu_);
  return order_queries_;
}
int BinanceSim::bad_signatures() const {
  std::lock_guard lock(mu_);
  return bad_signatures_;
}
int BinanceSim::time_rejections() const {
  std::lock_guard lock(mu_);
  return time_rejections_;
}
std::size_t BinanceSim::request_count() const {
  return http_->request_count();
}
std::vector<HttpSeen> BinanceSim::requests() const {
  return http_->requests();
}
int BinanceSim::stream_subscriptions() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(subscribers_.size());
}

std::int64_t BinanceSim::now_locked() const {
  return options_.now_ms() + skew_ms_;
}

// ---------------------------------------------------------------------------------------------

HttpReply BinanceSim::handle(const HttpSeen& seen) {
  if (options_.on_request) options_.on_request(seen, std::chrono::steady_clock::now());
  Request r;
  r.method = seen.method;
  const auto q = seen.target.find('?');
  r.path = seen.target.substr(0, q);
  r.raw_query = q == std::string::npos ? "" : seen.target.substr(q + 1);
  r.body = seen.body;
  r.api_key = seen.header("X-MBX-APIKEY");
  auto parse_into = [&r](const std::string& text, bool overwrite) {
    std::size_t start = 0;
    while (start < text.size()) {
      auto amp = text.find('&', start);
      if (amp == std::string::npos) amp = text.size();
      const std::string part = text.substr(start, amp - start);
      const auto eq = part.find('=');
      if (eq != std::string::npos) {
        std::string k = decode(part.substr(0, eq));
        std::string v = decode(part.substr(eq + 1));
        if (overwrite || !r.params.count(k)) r.params[k] = v;
      }
      start = amp + 1;
    }
  };
  parse_into(r.raw_query, true);
  parse_into(r.body, false);

  Fault fault;
  bool faulted = false;
  {
    std::lock_guard lock(mu_);
    if (r.key() == "POST /api/v3/order") {
      if (auto id = r.get("newClientOrderId")) ++place_requests_[*id];
    } else if (r.key() == "DELETE /api/v3/order") {
      if (auto id = r.get("origClientOrderId")) ++cancel_requests_[*id];
    }
    auto it = faults_.find(r.key());
    if (it != faults_.end() && !it->second.empty()) {
      fault = it->second.front().first;
      if (--it->second.front().second <= 0) it->second.erase(it->second.begin());
      faulted = true;
    }
  }
  HttpReply reply;
  if (!faulted || fault.execute) reply = route(r);
  {
    std::lock_guard lock(mu_);
    weight_this_minute_ += 1;
    const int used = used_weight_header_.value_or(weight_this_minute_);
    reply.headers.emplace_back("X-MBX-USED-WEIGHT-1M", std::to_string(used));
  }
  if (!faulted) return reply;
  switch (fault.kind) {
    case FaultKind::venue_error:
      return error_reply(fault.status, fault.code, fault.msg);
    case FaultKind::rate_limited: {
      HttpReply x = error_reply(429, -1003,
                                fault.msg.empty() ? "Too many requests; please use the websocket "
                                                    "for live updates to avoid polling the API."
                                                  : fault.msg);
      x.headers.emplace_back("Retry-After", std::to_string(fault.retry_after_s));
      return x;
    }
    case FaultKind::banned: {
      HttpReply x = error_reply(
          418, -1003, fault.msg.empty() ? "Way too many requests; IP banned." : fault.msg);
      x.headers.emplace_back("Retry-After", std::to_string(fault.retry_after_s));
      return x;
    }
    case FaultKind::server_error: {
      HttpReply x;
      x.status = fault.status;
      x.body = fault.msg.empty() ? "<html><body>Internal Server Error</body></html>" : fault.msg;
      return x;
    }
    case FaultKind::hold:
      reply.fault = HttpFault::hold;
      return reply;
    case FaultKind::malformed: {
      HttpReply x;
      x.status = 200;
      x.headers.emplace_back("Content-Type", "application/json");
      x.body = R"({"symbol":"BTCUSDT","orderId":)";
      x.body += "}{]";
      return x;
    }
    case FaultKind::truncated: {
      if (reply.body.size() < 8)
        reply.body = R"({"serverTime":1700000000000,"padding":"xxxxxxxx"})";
      reply.fault = HttpFault::truncate_body;
      reply.truncate_at = reply.body.size() / 2;
      return reply;
    }
    case FaultKind::reset:
      reply.fault = HttpFault::reset;
      return reply;
    case FaultKind::garbage:
      reply.fault = HttpFault::garbage;
      return reply;
  }
  return reply;
}

std::optional<HttpReply> BinanceSim::check_auth(const Request& r) {
  if (r.api_key != options_.api_key)
    return error_reply(401, -2015, "Invalid API-key, IP, or permissions for action.");
  // The signature is the last parameter of the query string (or of the body).
  std::string signature;
  std::string payload;
  const auto pos = r.raw_query.rfind("signature=");
  if (pos != std::string::npos && (pos == 0 || r.raw_query[pos - 1] == '&')) {
    signature = r.raw_query.substr(pos + 10);
    payload = r.raw_query.substr(0, pos == 0 ? 0 : pos - 1) + r.body;
  } else {
    const auto bpos = r.body.rfind("signature=");
    if (bpos == std::string::npos) {
      std::lock_guard lock(mu_);
      ++bad_signatures_;
      return error_reply(
          400, -1102,
          "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    }
    signature = r.body.substr(bpos + 10);
    payload = r.raw_query + r.body.substr(0, bpos == 0 ? 0 : bpos - 1);
  }
  if (lower(signature) != hmac_sha256_hex(options_.api_secret, payload)) {
    std::lock_guard lock(mu_);
    ++bad_signatures_;
    return error_reply(400, -1022, "Signature for this request is not valid.");
  }
  const auto ts = r.get("timestamp");
  if (!ts)
    return error_reply(
        400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  std::int64_t recv_window = 5000;
  if (auto rw = r.get("recvWindow")) recv_window = std::stoll(*rw);
  if (recv_window > 60000) return error_reply(400, -1131, "recvWindow must be less than 60000");
  const std::int64_t t = std::stoll(*ts);
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  if (t >= now + 1000 || now - t > recv_window) {
    ++time_rejections_;
    return error_reply(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  }
  return std::nullopt;
}

HttpReply BinanceSim::route(const Request& r) {
  const std::string k = r.key();
  if (k == "GET /api/v3/time") {
    std::lock_guard lock(mu_);
    return json_reply(200, json::object{{"serverTime", now_locked()}});
  }
  if (k == "GET /api/v3/exchangeInfo") return exchange_info(r);
  if (k == "GET /api/v3/klines") return klines(r);
  static const std::set<std::string> kSigned = {
      "POST /api/v3/order",        "DELETE /api/v3/order",   "GET /api/v3/order",
      "DELETE /api/v3/openOrders", "GET /api/v3/openOrders", "GET /api/v3/myTrades",
      "GET /api/v3/account"};
  if (!kSigned.count(k)) return error_reply(404, -1000, "Unknown endpoint " + k);
  if (auto refused = check_auth(r)) return *refused;
  if (k == "POST /api/v3/order") return place(r);
  if (k == "DELETE /api/v3/order") return cancel(r);
  if (k == "GET /api/v3/order") return query_order(r);
  if (k == "DELETE /api/v3/openOrders") return cancel_all(r);
  if (k == "GET /api/v3/openOrders") return open_orders(r);
  if (k == "GET /api/v3/myTrades") return my_trades(r);
  return account(r);
}

namespace {
bool is_trigger_type(const std::string& t) {
  return t == "STOP_LOSS" || t == "STOP_LOSS_LIMIT" || t == "TAKE_PROFIT" ||
         t == "TAKE_PROFIT_LIMIT";
}
// Executes as a MARKET order (now, or once triggered).
bool is_market_type(const std::string& t) {
  return t == "MARKET" || t == "STOP_LOSS" || t == "TAKE_PROFIT";
}
// "Price below market price: STOP_LOSS SELL, TAKE_PROFIT BUY": those fire on a falling price.
bool reached(const std::string& type, const std::string& side, Decimal stop, Decimal last) {
  if (last.is_zero()) return false;
  const bool falls = type.starts_with("TAKE_PROFIT") ? side == "BUY" : side == "SELL";
  return falls ? last <= stop : last >= stop;
}

json::object order_json(const SimOrder& o) {
  return json::object{{"symbol", o.symbol},
                      {"orderId", o.order_id},
                      {"orderListId", -1},
                      {"clientOrderId", o.client_order_id},
                      {"price", fixed(o.price)},
                      {"origQty", fixed(o.quantity)},
                      {"executedQty", fixed(o.executed)},
                      {"cummulativeQuoteQty", fixed(o.cum_quote)},
                      {"status", o.status},
                      {"timeInForce", o.tif.empty() ? "GTC" : o.tif},
                      {"type", o.type},
                      {"side", o.side},
                      {"stopPrice", fixed(o.stop_price)},
                      {"icebergQty", "0.00000000"},
                      {"time", o.time},
                      {"updateTime", o.update_time},
                      {"isWorking", o.working},
                      {"workingTime", o.working ? o.working_time : -1},
                      {"origQuoteOrderQty", "0.00000000"},
                      {"selfTradePreventionMode", "NONE"}};
}

bool is_open(const SimOrder& o) {
  return o.status == "NEW" || o.status == "PARTIALLY_FILLED";
}
}  // namespace

void BinanceSim::release_locked(SimOrder& o) {
  const SimSymbol& s = symbols_.at(o.symbol);
  const std::string asset = o.side == "BUY" ? s.quote : s.base;
  auto& b = balances_[asset];
  b.second -= o.locked;
  b.first += o.locked;
  o.locked = Decimal::zero();
}

void BinanceSim::fire_triggers_locked(const std::string& symbol, Decimal price, std::int64_t now) {
  auto sit = symbols_.find(symbol);
  if (sit == symbols_.end() || price.is_zero()) return;
  const SimSymbol& s = sit->second;
  bool touched = false;
  for (auto& [id, o] : orders_) {  // in placement order
    if (o.symbol != symbol || o.working || !is_open(o) ||
        !reached(o.type, o.side, o.stop_price, price))
      continue;
    touched = true;
    o.working = true;
    o.working_time = now;
    o.update_time = now;
    const Decimal left = o.quantity - o.executed;
    if (is_market_type(o.type)) {
      if (o.side == "BUY") {
        // The reserve was taken at the stop; the MARKET pays the last price.
        release_locked(o);
        const Decimal need = left * price;
        auto& q = balances_[s.quote];
        if (q.first < need) {
          o.status = "EXPIRED";
          push_execution_locked(o, nullptr, "EXPIRED");
          continue;
        }
        q.first -= need;
        q.second += need;
        o.locked = need;
      }
      trade_locked(o, left, price, false, now, nullptr);
      continue;
    }
    const bool crosses = o.side == "BUY" ? o.price >= price : o.price <= price;
    if (crosses) {
      trade_locked(o, left, price, false, now, nullptr);
      if (o.status == "FILLED" && !o.locked.is_zero()) release_locked(o);
    } else if (o.tif == "IOC" || o.tif == "FOK") {
      o.status = "EXPIRED";
      release_locked(o);
      push_execution_locked(o, nullptr, "EXPIRED");
    } else {
      push_execution_locked(o, nullptr, "NEW");  // now working in the book
    }
  }
  if (touched) push_account_locked({s.base, s.quote}, now);
}

void BinanceSim::trade_locked(SimOrder& o, Decimal qty, Decimal price, bool maker, std::int64_t now,
                              std::vector<SimTrade>* out) {
  const SimSymbol& s = symbols_.at(o.symbol);
  const Decimal quote = qty * price;
  const Decimal fee_rate = Decimal::parse("0.001").value();
  SimTrade t;
  t.id = next_trade_id_.try_emplace(o.symbol, 500).first->second++;  // numbered per symbol
  t.order_id = o.order_id;
  t.symbol = o.symbol;
  t.price = price;
  t.qty = qty;
  t.time = now;
  t.is_buyer = o.side == "BUY";
  t.is_maker = maker;
  if (o.side == "BUY") {
    // Spend the quote reserved at the order price (market: at this price), get base - fee.
    const Decimal reserved = is_market_type(o.type) ? quote : qty * o.price;
    auto& q = balances_[s.quote];
    q.second -= reserved;
    q.first += reserved - quote;
    o.locked -= reserved;
    t.commission = commission_of(qty * fee_rate);
    t.commission_asset = s.base;
    balances_[s.base].first += qty - t.commission;
  } else {
    auto& b = balances_[s.base];
    b.second -= qty;
    o.locked -= qty;
    t.commission = commission_of(quote * fee_rate);
    t.commission_asset = s.quote;
    balances_[s.quote].first += quote - t.commission;
  }
  o.executed += qty;
  o.cum_quote += quote;
  o.update_time = now;
  o.status = o.executed == o.quantity ? "FILLED" : "PARTIALLY_FILLED";
  trades_.push_back(t);
  if (out) out->push_back(t);
  push_execution_locked(o, &t, "TRADE");
}

HttpReply BinanceSim::place(const Request& r) {
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  auto need = [&](const char* k) -> std::optional<std::string> { return r.get(k); };
  const auto symbol = need("symbol");
  const auto side = need("side");
  const auto type = need("type");
  const auto qty_text = need("quantity");
  if (!symbol || !side || !type || !qty_text)
    return error_reply(400, -1102,
                       "Mandatory parameter was not sent, was empty/null, or malformed.");
  auto sit = symbols_.find(*symbol);
  if (sit == symbols_.end()) return error_reply(400, -1121, "Invalid symbol.");
  const SimSymbol& s = sit->second;
  if (*side != "BUY" && *side != "SELL") return error_reply(400, -1117, "Invalid side.");
  static const std::set<std::string> kTypes = {
      "LIMIT",       "LIMIT_MAKER",     "MARKET",           "STOP_LOSS",
      "TAKE_PROFIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"};
  if (!kTypes.count(*type)) return error_reply(400, -1116, "Invalid orderType.");
  const bool trigger = is_trigger_type(*type);
  const bool has_tif =
      *type == "LIMIT" || *type == "STOP_LOSS_LIMIT" || *type == "TAKE_PROFIT_LIMIT";
  auto qty = Decimal::parse(*qty_text);
  if (!qty || !qty->is_positive())
    return error_reply(400, -1100, "Illegal characters found in parameter 'quantity'.");
  std::string client_id = r.get("newClientOrderId").value_or("");
  if (client_id.empty()) client_id = "sim-" + std::to_string(next_order_id_);
  if (auto it = by_client_id_.find(client_id);
      it != by_client_id_.end() && is_open(orders_.at(it->second)))
    return error_reply(400, -2010, "Duplicate order sent.");
  std::string tif = r.get("timeInForce").value_or("");
  Decimal price = Decimal::zero();
  if (trigger && is_market_type(*type) && r.get("price"))
    return error_reply(400, -1106, "Parameter 'price' sent when not required.");
  if (!is_market_type(*type)) {
    auto p = r.get("price") ? Decimal::parse(*r.get("price")) : Result<Decimal>(Error{});
    if (!p || !p->is_positive())
      return error_reply(400, -1102,
                         "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    price = *p;
    if (has_tif && tif != "GTC" && tif != "IOC" && tif != "FOK")
      return error_reply(
          400, -1102,
          "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    if (!price.is_multiple_of(s.tick))
      return error_reply(400, -1013, "Filter failure: PRICE_FILTER");
  }
  Decimal stop = Decimal::zero();
  if (trigger) {
    auto sp = r.get("stopPrice") ? Decimal::parse(*r.get("stopPrice")) : Result<Decimal>(Error{});
    if (!sp || !sp->is_positive())
      return error_reply(
          400, -1102,
          "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
    stop = *sp;
    if (!stop.is_multiple_of(s.tick))
      return error_reply(400, -1013, "Filter failure: PRICE_FILTER");
  }
  if (!qty->is_multiple_of(s.step) || *qty < s.min_qty || *qty > s.max_qty)
    return error_reply(400, -1013, "Filter failure: LOT_SIZE");
  const auto pit = prices_.find(*symbol);
  const Decimal market = pit == prices_.end() ? Decimal::zero() : pit->second;
  if (*type == "MARKET" && market.is_zero()) return error_reply(400, -2010, "Market is closed.");
  // A market-on-trigger order is valued (and funded) at its stop price.
  const Decimal ref_price = *type == "MARKET" ? market : is_market_type(*type) ? stop : price;
  if (*qty * ref_price < s.min_notional) return error_reply(400, -1013, "Filter failure: NOTIONAL");
  if (trigger && reached(*type, *side, stop, market))
    return error_reply(400, -2010, "Stop price would trigger immediately.");
  const bool crosses =
      !trigger && (*type == "MARKET" ||
                   (!market.is_zero() && (*side == "BUY" ? price >= market : price <= market)));
  if (*type == "LIMIT_MAKER" && crosses)
    return error_reply(400, -2010, "Order would immediately match and take.");
  // Funds.
  const std::string asset = *side == "BUY" ? s.quote : s.base;
  const Decimal need_amount = *side == "BUY" ? *qty * ref_price : *qty;
  auto& bal = balances_[asset];
  if (bal.first < need_amount)
    return error_reply(400, -2010, "Account has insufficient balance for requested action.");
  bal.first -= need_amount;
  bal.second += need_amount;

  SimOrder o;
  o.order_id = options_.order_ids_per_symbol
                   ? next_order_id_of_.try_emplace(*symbol, 1000).first->second++
                   : next_order_id_++;
  o.client_order_id = client_id;
  o.symbol = *symbol;
  o.side = *side;
  o.type = *type;
  o.tif = has_tif ? tif : "";
  o.price = price;
  o.stop_price = stop;
  o.working = !trigger;
  o.working_time = now;
  o.quantity = *qty;
  o.locked = need_amount;
  o.status = "NEW";
  o.time = now;
  o.update_time = now;
  push_execution_locked(o, nullptr, "NEW");
  std::vector<SimTrade> fills;
  if (crosses && !(tif == "FOK" && false)) trade_locked(o, *qty, market, false, now, &fills);
  if (!trigger && !crosses && (tif == "IOC" || tif == "FOK")) {
    o.status = "EXPIRED";
    release_locked(o);
    push_execution_locked(o, nullptr, "EXPIRED");
  }
  if (o.status == "FILLED" && !o.locked.is_zero()) release_locked(o);
  const std::int64_t key = next_order_key_++;
  orders_[key] = o;
  by_client_id_[client_id] = key;
  push_account_locked({s.base, s.quote}, now);
  json::object out = order_json(o);
  if (!trigger) out.erase("stopPrice");
  out.erase("icebergQty");
  out.erase("time");
  out.erase("updateTime");
  out.erase("isWorking");
  out["transactTime"] = now;
  json::array fj;
  for (const auto& t : fills)
    fj.push_back(json::object{{"price", fixed(t.price)},
                              {"qty", fixed(t.qty)},
                              {"commission", fixed(t.commission)},
                              {"commissionAsset", t.commission_asset},
                              {"tradeId", t.id}});
  out["fills"] = std::move(fj);
  return json_reply(200, out);
}

SimOrder* BinanceSim::find_order_locked(const std::string& symbol, const std::string& order_id) {
  for (auto& [key, o] : orders_)
    if (o.symbol == symbol && std::to_string(o.order_id) == order_id) return &o;
  return nullptr;
}

HttpReply BinanceSim::cancel(const Request& r) {
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  const auto symbol = r.get("symbol");
  if (!symbol)
    return error_reply(400, -1102,
                       "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  SimOrder* o = nullptr;
  if (auto id = r.get("orderId")) {
    o = find_order_locked(*symbol, *id);
  } else if (auto cid = r.get("origClientOrderId")) {
    auto it = by_client_id_.find(*cid);
    if (it != by_client_id_.end()) o = &orders_.at(it->second);
  } else {
    return error_reply(
        400, -1102,
        "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  }
  if (o == nullptr || o->symbol != *symbol || !is_open(*o))
    return error_reply(400, -2011, "Unknown order sent.");
  o->status = "CANCELED";
  o->update_time = now;
  release_locked(*o);
  push_execution_locked(*o, nullptr, "CANCELED");
  const SimSymbol& s = symbols_.at(o->symbol);
  push_account_locked({s.base, s.quote}, now);
  json::object out = order_json(*o);
  out["origClientOrderId"] = o->client_order_id;
  out["clientOrderId"] = "cancel-" + std::to_string(now);
  out["transactTime"] = now;
  return json_reply(200, out);
}

HttpReply BinanceSim::cancel_all(const Request& r) {
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  const auto symbol = r.get("symbol");
  if (!symbol)
    return error_reply(400, -1102,
                       "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  json::array out;
  for (auto& [id, o] : orders_) {
    if (o.symbol != *symbol || !is_open(o)) continue;
    o.status = "CANCELED";
    o.update_time = now;
    release_locked(o);
    push_execution_locked(o, nullptr, "CANCELED");
    json::object j = order_json(o);
    j["origClientOrderId"] = o.client_order_id;
    j["clientOrderId"] = "cancelall-" + std::to_string(id);
    out.push_back(std::move(j));
  }
  if (out.empty()) return error_reply(400, -2011, "Unknown order sent.");
  return json_reply(200, out);
}

HttpReply BinanceSim::query_order(const Request& r) {
  std::lock_guard lock(mu_);
  ++order_queries_;
  const auto symbol = r.get("symbol");
  if (!symbol)
    return error_reply(400, -1102,
                       "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  if (not_found_first_ > 0) {
    --not_found_first_;
    return error_reply(400, -2013, "Order does not exist.");
  }
  const SimOrder* o = nullptr;
  if (auto id = r.get("orderId")) {
    o = find_order_locked(*symbol, *id);
  } else if (auto cid = r.get("origClientOrderId")) {
    auto it = by_client_id_.find(*cid);
    if (it != by_client_id_.end()) o = &orders_.at(it->second);
  }
  if (o == nullptr || o->symbol != *symbol) return error_reply(400, -2013, "Order does not exist.");
  return json_reply(200, order_json(*o));
}

HttpReply BinanceSim::open_orders(const Request& r) {
  std::lock_guard lock(mu_);
  const auto symbol = r.get("symbol");
  json::array out;
  for (const auto& [id, o] : orders_)
    if (is_open(o) && (!symbol || o.symbol == *symbol)) out.push_back(order_json(o));
  return json_reply(200, out);
}

HttpReply BinanceSim::my_trades(const Request& r) {
  std::lock_guard lock(mu_);
  const auto symbol = r.get("symbol");
  if (!symbol)
    return error_reply(400, -1102,
                       "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  std::int64_t start = 0;
  if (auto st = r.get("startTime")) start = std::stoll(*st);
  json::array out;
  for (const auto& t : trades_) {
    if (t.symbol != *symbol || t.time < start) continue;
    out.push_back(json::object{{"symbol", t.symbol},
                               {"id", t.id},
                               {"orderId", t.order_id},
                               {"orderListId", -1},
                               {"price", fixed(t.price)},
                               {"qty", fixed(t.qty)},
                               {"quoteQty", fixed(t.qty * t.price)},
                               {"commission", fixed(t.commission)},
                               {"commissionAsset", t.commission_asset},
                               {"time", t.time},
                               {"isBuyer", t.is_buyer},
                               {"isMaker", t.is_maker},
                               {"isBestMatch", true}});
  }
  return json_reply(200, out);
}

HttpReply BinanceSim::account(const Request& r) {
  std::lock_guard lock(mu_);
  const bool omit_zero = r.get("omitZeroBalances").value_or("false") == "true";
  json::array bal;
  for (const auto& [asset, b] : balances_) {
    if (omit_zero && b.first.is_zero() && b.second.is_zero()) continue;
    bal.push_back(
        json::object{{"asset", asset}, {"free", fixed(b.first)}, {"locked", fixed(b.second)}});
  }
  return json_reply(200, json::object{{"makerCommission", 10},
                                      {"takerCommission", 10},
                                      {"canTrade", true},
                                      {"canWithdraw", true},
                                      {"canDeposit", true},
                                      {"updateTime", now_locked()},
                                      {"accountType", "SPOT"},
                                      {"balances", std::move(bal)},
                                      {"permissions", json::array{"SPOT"}},
                                      {"uid", 354937868}});
}

HttpReply BinanceSim::klines(const Request& r) {
  static const std::map<std::string, std::int64_t> kIntervalMs = {
      {"1s", 1'000},      {"1m", 60'000},      {"3m", 180'000},    {"5m", 300'000},
      {"15m", 900'000},   {"30m", 1'800'000},  {"1h", 3'600'000},  {"2h", 7'200'000},
      {"4h", 14'400'000}, {"6h", 21'600'000},  {"8h", 28'800'000}, {"12h", 43'200'000},
      {"1d", 86'400'000}, {"3d", 259'200'000}, {"1w", 604'800'000}};
  auto number = [&r](const char* name) -> std::optional<std::int64_t> {
    auto v = r.get(name);
    if (!v) return std::nullopt;
    try {
      std::size_t used = 0;
      const std::int64_t n = std::stoll(*v, &used);
      if (used == v->size()) return n;
    } catch (const std::exception&) {
    }
    return std::int64_t{-1};
  };
  const auto symbol = r.get("symbol");
  const auto interval = r.get("interval");
  if (!symbol || !interval)
    return error_reply(400, -1102,
                       std::string("Mandatory parameter '") + (symbol ? "interval" : "symbol") +
                           "' was not sent, was empty/null, or malformed.");
  const auto it = kIntervalMs.find(*interval);
  if (it == kIntervalMs.end()) return error_reply(400, -1120, "Invalid interval.");
  const std::int64_t step = it->second;
  const auto limit = number("limit").value_or(500);
  if (limit < 1 || limit > 1000)
    return error_reply(400, -1130, "Data sent for parameter 'limit' is not valid.");
  std::lock_guard lock(mu_);
  if (!symbols_.count(*symbol)) return error_reply(400, -1121, "Invalid symbol.");
  const std::int64_t now = now_locked();
  const auto price = prices_.find(*symbol);
  const Decimal base = price == prices_.end() ? Decimal::from_integer(100) : price->second;
  const Decimal tick = symbols_.at(*symbol).tick;
  auto floor_to = [step](std::int64_t t) { return t - ((t % step) + step) % step; };
  // openTime bounds, inclusive: nothing after the current kline, nothing before the history.
  std::int64_t last = floor_to(now);
  if (auto end = number("endTime")) last = std::min(last, floor_to(*end));
  std::int64_t first = 0;
  if (auto start = number("startTime")) {
    first = floor_to(*start) == *start ? *start : floor_to(*start) + step;
  } else {
    first = last - (limit - 1) * step;
  }
  first = std::max(first, floor_to(history_start_ms_) == history_start_ms_
                              ? history_start_ms_
                              : floor_to(history_start_ms_) + step);
  json::array rows;
  for (std::int64_t t = first; t <= last && static_cast<std::int64_t>(rows.size()) < limit;
       t += step) {
    const SimCandle c = sim_candle(*symbol, step, t, base, tick);
    const Decimal quote = (c.volume * c.close).round_to_decimals(8, RoundingMode::down).value();
    rows.push_back(json::array{t, fixed(c.open), fixed(c.high), fixed(c.low), fixed(c.close),
                               fixed(c.volume), t + step - 1, fixed(quote), c.trades,
                               fixed(Decimal::zero()), fixed(Decimal::zero()), "0"});
  }
  return json_reply(200, rows);
}

HttpReply BinanceSim::exchange_info(const Request& r) {
  std::lock_guard lock(mu_);
  std::set<std::string> wanted;
  if (auto s = r.get("symbols")) {
    boost::system::error_code ec;
    auto v = json::parse(*s, ec);
    if (ec || !v.is_array())
      return error_reply(400, -1100, "Illegal characters found in parameter 'symbols'.");
    for (const auto& e : v.get_array())
      if (e.is_string()) wanted.insert(std::string(e.get_string()));
    for (const auto& w : wanted)
      if (!symbols_.count(w)) return error_reply(400, -1121, "Invalid symbol.");
  }
  if (auto s = r.get("symbol")) wanted.insert(*s);
  json::array syms;
  for (const auto& [name, s] : symbols_) {
    if (!wanted.empty() && !wanted.count(name)) continue;
    json::array filters{json::object{{"filterType", "PRICE_FILTER"},
                                     {"minPrice", fixed(s.tick)},
                                     {"maxPrice", "1000000.00000000"},
                                     {"tickSize", fixed(s.tick)}},
                        json::object{{"filterType", "LOT_SIZE"},
                                     {"minQty", fixed(s.min_qty)},
                                     {"maxQty", fixed(s.max_qty)},
                                     {"stepSize", fixed(s.step)}},
                        json::object{{"filterType", "NOTIONAL"},
                                     {"minNotional", fixed(s.min_notional)},
                                     {"applyMinToMarket", true},
                                     {"maxNotional", "9000000.00000000"},
                                     {"applyMaxToMarket", false},
                                     {"avgPriceMins", 5}},
                        json::object{{"filterType", "MAX_NUM_ORDERS"}, {"maxNumOrders", 200}}};
    syms.push_back(json::object{
        {"symbol", name},
        {"status", s.status},
        {"baseAsset", s.base},
        {"baseAssetPrecision", 8},
        {"quoteAsset", s.quote},
        {"quotePrecision", 8},
        {"quoteAssetPrecision", 8},
        {"orderTypes", json::array{"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT",
                                   "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"}},
        {"isSpotTradingAllowed", true},
        {"filters", std::move(filters)},
        {"permissions", json::array{}},
        {"defaultSelfTradePreventionMode", "EXPIRE_MAKER"}});
  }
  json::array limits{
      json::object{{"rateLimitType", "REQUEST_WEIGHT"},
                   {"interval", "MINUTE"},
                   {"intervalNum", 1},
                   {"limit", 6000}},
      json::object{
          {"rateLimitType", "ORDERS"}, {"interval", "SECOND"}, {"intervalNum", 10}, {"limit", 50}},
      json::object{
          {"rateLimitType", "ORDERS"}, {"interval", "DAY"}, {"intervalNum", 1}, {"limit", 160000}},
      json::object{{"rateLimitType", "RAW_REQUESTS"},
                   {"interval", "MINUTE"},
                   {"intervalNum", 5},
                   {"limit", 61000}}};
  return json_reply(200, json::object{{"timezone", "UTC"},
                                      {"serverTime", now_locked()},
                                      {"rateLimits", std::move(limits)},
                                      {"exchangeFilters", json::array{}},
                                      {"symbols", std::move(syms)}});
}

bool BinanceSim::fill(const std::string& client_order_id, Decimal qty) {
  std::lock_guard lock(mu_);
  auto it = by_client_id_.find(client_order_id);
  if (it == by_client_id_.end()) return false;
  SimOrder& o = orders_.at(it->second);
  if (!is_open(o) || !o.working || qty > o.quantity - o.executed) return false;
  const std::int64_t now = now_locked();
  trade_locked(o, qty, o.price, true, now, nullptr);
  const SimSymbol& s = symbols_.at(o.symbol);
  push_account_locked({s.base, s.quote}, now);
  return true;
}

// ---------------------------------------------------------------------------------------------
// User data stream over the WS API: userDataStream.subscribe.signature, then
// {"subscriptionId":N,"event":{...}} pushes.

void BinanceSim::on_ws_message(testsupport::WsSession& session, const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    session.send(R"({"id":null,"status":400,"error":{"code":-1000,"msg":"Malformed request."}})");
    return;
  }
  const auto& o = v.get_object();
  json::value id = o.contains("id") ? o.at("id") : json::value(nullptr);
  const std::string method = o.contains("method") && o.at("method").is_string()
                                 ? std::string(o.at("method").get_string())
                                 : "";
  auto reply_error = [&](int status, long long code, const std::string& msg) {
    session.send(json::serialize(json::object{
        {"id", id}, {"status", status}, {"error", json::object{{"code", code}, {"msg", msg}}}}));
  };
  if (method != "userDataStream.subscribe.signature") {
    reply_error(400, -1000, "Unsupported method '" + method + "'.");
    return;
  }
  if (!o.contains("params") || !o.at("params").is_object()) {
    reply_error(400, -1102, "Mandatory parameter 'params' was not sent.");
    return;
  }
  // WS-API signing: every param but signature, sorted, k=v joined with '&', values verbatim.
  std::map<std::string, std::string> params;
  std::string signature;
  for (const auto& [k, val] : o.at("params").get_object()) {
    std::string sv;
    if (val.is_string()) {
      sv = std::string(val.get_string());
    } else {
      sv = json::serialize(val);
    }
    if (k == "signature") {
      signature = sv;
    } else {
      params[std::string(k)] = sv;
    }
  }
  std::string payload;
  for (const auto& [k, val] : params) {
    if (!payload.empty()) payload += "&";
    payload += k + "=" + val;
  }
  if (params["apiKey"] != options_.api_key) {
    reply_error(401, -2015, "Invalid API-key, IP, or permissions for action.");
    return;
  }
  if (lower(signature) != hmac_sha256_hex(options_.api_secret, payload)) {
    {
      std::lock_guard lock(mu_);
      ++bad_signatures_;
    }
    reply_error(400, -1022, "Signature for this request is not valid.");
    return;
  }
  std::lock_guard lock(mu_);
  const std::int64_t now = now_locked();
  const std::int64_t t = params.count("timestamp") ? std::stoll(params["timestamp"]) : 0;
  const std::int64_t rw = params.count("recvWindow") ? std::stoll(params["recvWindow"]) : 5000;
  if (t >= now + 1000 || now - t > rw) {
    ++time_rejections_;
    session.send(json::serialize(json::object{
        {"id", id},
        {"status", 400},
        {"error",
         json::object{{"code", -1021},
                      {"msg", "Timestamp for this request is outside of the recvWindow."}}}}));
    return;
  }
  subscribers_.push_back(ws_->session(session.index()));
  session.send(json::serialize(
      json::object{{"id", id}, {"status", 200}, {"result", json::object{{"subscriptionId", 0}}}}));
}

void BinanceSim::push_execution_locked(const SimOrder& o, const SimTrade* t,
                                       const std::string& exec) {
  if (subscribers_.empty()) return;
  const bool cancel = exec == "CANCELED";
  json::object e{{"e", "executionReport"},
                 {"E", o.update_time},
                 {"s", o.symbol},
                 {"c", cancel ? "cancel-" + std::to_string(o.update_time) : o.client_order_id},
                 {"S", o.side},
                 {"o", o.type},
                 {"f", o.tif.empty() ? "GTC" : o.tif},
                 {"q", fixed(o.quantity)},
                 {"p", fixed(o.price)},
                 {"P", fixed(o.stop_price)},
                 {"F", "0.00000000"},
                 {"g", -1},
                 {"C", cancel ? o.client_order_id : ""},
                 {"x", exec},
                 {"X", o.status},
                 {"r", "NONE"},
                 {"i", o.order_id},
                 {"l", fixed(t ? t->qty : Decimal::zero())},
                 {"z", fixed(o.executed)},
                 {"L", fixed(t ? t->price : Decimal::zero())},
                 {"n", fixed(t ? t->commission : Decimal::zero())},
                 {"N", t ? json::value(t->commission_asset) : json::value(nullptr)},
                 {"T", o.update_time},
                 {"t", t ? t->id : -1},
                 {"I", 0},
                 {"w", o.working && is_open(o)},
                 {"m", t ? t->is_maker : false},
                 {"M", false},
                 {"O", o.time},
                 {"Z", fixed(o.cum_quote)},
                 {"Y", fixed(t ? t->qty * t->price : Decimal::zero())},
                 {"Q", "0.00000000"},
                 {"W", o.working ? o.working_time : -1},
                 {"V", "NONE"}};
  const std::string text =
      json::serialize(json::object{{"subscriptionId", 0}, {"event", std::move(e)}});
  for (const auto& s : subscribers_)
    if (s && s->is_open()) s->send(text);
}

void BinanceSim::push_account_locked(const std::vector<std::string>& assets, std::int64_t now) {
  if (subscribers_.empty()) return;
  json::array b;
  for (const auto& a : assets) {
    const auto& bal = balances_[a];
    b.push_back(json::object{{"a", a}, {"f", fixed(bal.first)}, {"l", fixed(bal.second)}});
  }
  const std::string text = json::serialize(json::object{
      {"subscriptionId", 0},
      {"event",
       json::object{
           {"e", "outboundAccountPosition"}, {"E", now}, {"u", now}, {"B", std::move(b)}}}});
  for (const auto& s : subscribers_)
    if (s && s->is_open()) s->send(text);
}

}  // namespace nzeza::sim::binance
