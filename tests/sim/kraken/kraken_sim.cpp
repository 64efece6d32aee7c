#include "sim/kraken/kraken_sim.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <set>

#include "sim/sim_candles.hpp"

namespace nzeza::testsupport::kraken {

namespace json = boost::json;

namespace {

// Base64 through OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock: deliberately not nzeza's code.
std::string b64_encode(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::string b64_decode(const std::string& text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  const int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  if (len < 0) return {};
  std::size_t n = static_cast<std::size_t>(len);
  if (!text.empty() && text.back() == '=') --n;
  if (text.size() > 1 && text[text.size() - 2] == '=') --n;
  out.resize(n);
  return out;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view kv = body.substr(0, amp);
    const auto eq = kv.find('=');
    out[url_decode(kv.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : url_decode(kv.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

std::string dec(Decimal d) {
  return d.to_string();
}

double unix_seconds(Timestamp t) {
  return static_cast<double>(t.ns()) / 1e9;
}

HttpReply json_reply(const json::value& v) {
  HttpReply r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = json::serialize(v);
  return r;
}

HttpReply ok(json::value result) {
  return json_reply(json::object{{"error", json::array{}}, {"result", std::move(result)}});
}

HttpReply err(const std::string& text) {
  return json_reply(
      json::object{{"error", json::array{json::string(text)}}, {"result", json::object{}}});
}

}  // namespace

std::string sim_api_sign(const std::string& secret_b64, const std::string& path,
                         const std::string& nonce, const std::string& body) {
  const std::string key = b64_decode(secret_b64);
  const std::string np = nonce + body;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(np.data()), np.size(), digest);
  std::string msg = path;
  msg.append(reinterpret_cast<const char*>(digest), sizeof digest);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return b64_encode(mac, len);
}

struct KrakenSim::Impl {
  explicit Impl(KrakenSimOptions o)
      : options(std::move(o)),
        http(HttpServerOptions{options.tls, nullptr}),
        ws(WsServerOptions{options.tls, nullptr, true}) {}

  KrakenSimOptions options;
  HttpServer http;
  WsServer ws;
  mutable std::mutex mu;
  std::vector<SimPair> pairs;
  std::map<std::string, std::pair<Decimal, Decimal>> balances;  // asset -> balance, hold
  std::optional<std::int64_t> fixed_time;
  std::int64_t history_start = 0;
  std::map<std::string, std::deque<SimFault>> faults;
  int not_found_left = 0;
  std::map<std::string, SimOrder> orders;  // by txid
  std::vector<std::string> order_seq;      // txids in creation order
  std::vector<SimTrade> trades;
  std::uint64_t last_nonce = 0;
  SimStats stats;
  std::optional<Timestamp> dead_man;
  std::set<std::string> tokens;
  std::size_t tokens_issued = 0;
  // Authenticated requests per order id (AddOrder by cl_ord_id; CancelOrder by txid or
  // cl_ord_id), counted on arrival whatever fault answers them.
  std::map<std::string, std::uint64_t> add_order_requests;
  std::map<std::string, std::uint64_t> cancel_requests;
  std::size_t subscriptions = 0;
  std::vector<std::shared_ptr<WsSession>> subscribers;
  std::uint64_t next_id = 1;

  Timestamp now() const {
    return options.now ? options.now()
                       : Timestamp::from_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  }

  std::string make_id(char prefix) {
    // Kraken-looking ids: "OABCDE-FGHIJ-KLMNOP".
    const std::uint64_t n = next_id++;
    std::string s(1, prefix);
    std::uint64_t x = n * 2654435761u + 12345;
    static constexpr char kAlpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (int i = 0; i < 16; ++i) {
      if (i == 5 || i == 10) s += '-';
      s += kAlpha[x % 32];
      x /= 32;
      if (x == 0) x = n * 7919 + static_cast<std::uint64_t>(i);
    }
    return s + std::to_string(n);
  }

  const SimPair* find_pair(const std::string& name) const {
    for (const auto& p : pairs)
      if (p.key == name || p.altname == name || p.wsname == name || p.v2_symbol == name) return &p;
    return nullptr;
  }

  std::string v2_asset(const std::string& a) const {
    if (a == "XXBT") return "BTC";
    if (a == "ZUSD") return "USD";
    if (a == "XETH") return "ETH";
    if (a == "ZEUR") return "EUR";
    return a;
  }

  json::object order_json(const SimOrder& o) const {
    const SimPair* p = find_pair(o.pair);
    json::object descr{{"pair", p ? p->altname : o.pair},
                       {"type", o.side},
                       {"ordertype", o.ordertype},
                       {"price", o.ordertype == "market" ? "0" : dec(o.price)},
                       {"price2", "0"},
                       {"leverage", "none"},
                       {"order", o.side + " " + dec(o.vol) + " " + (p ? p->altname : o.pair) +
                                     " @ " + o.ordertype + " " + dec(o.price)},
                       {"close", ""}};
    json::object j{{"refid", nullptr},
                   {"userref", 0},
                   {"cl_ord_id", o.cl_ord_id},
                   {"status", o.status},
                   {"opentm", unix_seconds(o.opentm)},
                   {"starttm", 0},
                   {"expiretm", 0},
                   {"descr", std::move(descr)},
                   {"vol", o.vol.to_string_fixed(8)},
                   {"vol_exec", o.vol_exec.to_string_fixed(8)},
                   {"cost", dec(o.cost)},
                   {"fee", dec(o.fee)},
                   {"price", o.vol_exec.is_zero() ? "0.00000" : dec(o.cost / o.vol_exec)},
                   {"stopprice", "0.00000"},
                   {"limitprice", "0.00000"},
                   {"misc", ""},
                   {"oflags", o.oflags},
                   {"timeinforce", o.timeinforce}};
    if (!o.closetm.is_zero()) j["closetm"] = unix_seconds(o.closetm);
    return j;
  }

  // v2 executions entry (numbers as JSON numbers, as live Kraken sends them).
  std::string exec_json(const SimOrder& o, const std::string& exec_type, const SimTrade* t) const {
    const SimPair* p = find_pair(o.pair);
    const std::string status = o.status == "open"
                                   ? (o.vol_exec.is_zero() ? "new" : "partially_filled")
                               : o.status == "closed" ? "filled"
                                                      : o.status;
    std::string s = R"({"order_id":")" + o.txid + R"(","cl_ord_id":")" + o.cl_ord_id +
                    R"(","exec_type":")" + exec_type + R"(","order_status":")" + status +
                    R"(","symbol":")" + (p ? p->v2_symbol : o.pair) + R"(","side":")" + o.side +
                    R"(","order_type":")" + o.ordertype + R"(","order_qty":)" + dec(o.vol) +
                    R"(,"cum_qty":)" + dec(o.vol_exec) + R"(,"time_in_force":")" + o.timeinforce +
                    R"(","post_only":)" +
                    (o.oflags.find("post") != std::string::npos ? "true" : "false") +
                    R"(,"timestamp":")" + now().to_iso8601() + "\"";
    if (o.ordertype == "limit") s += R"(,"limit_price":)" + dec(o.price);
    if (!o.vol_exec.is_zero()) s += R"(,"avg_price":)" + dec(o.cost / o.vol_exec);
    if (t != nullptr) {
      s += R"(,"exec_id":")" + t->id + R"(","trade_id":)" + std::to_string(next_id) +
           R"(,"last_qty":)" + dec(t->vol) + R"(,"last_price":)" + dec(t->price) +
           R"(,"liquidity_ind":")" + (t->maker ? "m" : "t") + R"(","fees":[{"asset":")" +
           (p ? v2_asset(p->quote) : "USD") + R"(","qty":)" + dec(t->fee) + "}]";
    }
    return s + "}";
  }

  void push_locked(const std::string& entry) {
    const std::string msg = R"({"channel":"executions","type":"update","data":[)" + entry +
                            R"(],"sequence":)" + std::to_string(next_id++) + "}";
    for (auto& s : subscribers)
      if (s->is_open()) s->send(msg);
  }

  void release_hold_locked(const SimOrder& o) {
    const SimPair* p = find_pair(o.pair);
    if (p == nullptr) return;
    const Decimal remaining = o.vol - o.vol_exec;
    if (o.side == "buy" && o.ordertype == "limit")
      balances[p->quote].second -= remaining * o.price;
    else if (o.side == "sell")
      balances[p->base].second -= remaining;
  }

  SimTrade trade_locked(SimOrder& o, Decimal qty, Decimal price, bool maker) {
    const SimPair* p = find_pair(o.pair);
    SimTrade t;
    t.id = make_id('T');
    t.ordertxid = o.txid;
    t.pair = o.pair;
    t.side = o.side;
    t.price = price;
    t.vol = qty;
    t.cost = (qty * price).round_to_decimals(5, RoundingMode::nearest_even).value();
    t.fee = (t.cost * Decimal::parse(maker ? "0.0016" : "0.0026").value())
                .round_to_decimals(5, RoundingMode::nearest_even)
                .value();
    t.maker = maker;
    t.time = now();
    o.vol_exec += qty;
    o.cost += t.cost;
    o.fee += t.fee;
    if (p != nullptr) {
      auto& quote = balances[p->quote];
      auto& base = balances[p->base];
      if (o.side == "buy") {
        if (o.ordertype == "limit") quote.second -= qty * o.price;
        quote.first -= t.cost + t.fee;
        base.first += qty;
      } else {
        base.second -= qty;
        base.first -= qty;
        quote.first += t.cost - t.fee;
      }
    }
    if (o.vol_exec >= o.vol) {
      o.status = "closed";
      o.closetm = now();
    }
    trades.push_back(t);
    return t;
  }

  void check_dead_man_locked() {
    if (!dead_man || now() < *dead_man) return;
    dead_man.reset();
    for (auto& [id, o] : orders) {
      if (o.status != "open") continue;
      release_hold_locked(o);
      o.status = "canceled";
      o.closetm = now();
      push_locked(exec_json(o, "canceled", nullptr));
    }
  }

  HttpReply fault_reply(const SimFault& f) {
    HttpReply r;
    switch (f.kind) {
      case SimFaultKind::venue_error:
        return err(f.text);
      case SimFaultKind::http_status:
        r.status = f.status;
        r.headers = f.headers;
        r.body = f.text;
        return r;
      case SimFaultKind::hold:
        r = ok(json::object{});
        r.fault = HttpFault::hold;
        return r;
      case SimFaultKind::malformed:
        r.status = 200;
        r.body = R"({"error":[],"result":{"txid":[)";
        r.body += "\x01garbage";
        return r;
      case SimFaultKind::truncated:
        r = ok(json::object{{"padding", std::string(200, 'x')}});
        r.fault = HttpFault::truncate_body;
        r.truncate_at = 20;
        return r;
      case SimFaultKind::reset:
        r.fault = HttpFault::reset;
        return r;
    }
    return r;
  }

  HttpReply handle(const HttpSeen& req) {
    std::lock_guard lock(mu);
    check_dead_man_locked();
    std::string target = req.target;
    std::string query;
    if (auto q = target.find('?'); q != std::string::npos) {
      query = target.substr(q + 1);
      target = target.substr(0, q);
    }
    if (target.rfind("/0/public/", 0) == 0) {
      const std::string method = target.substr(10);
      if (auto f = take_fault(method)) return fault_reply(*f);
      if (method == "Time") {
        const std::int64_t t = fixed_time ? *fixed_time : now().seconds();
        return ok(json::object{{"unixtime", t}, {"rfc1123", "sim"}});
      }
      if (method == "AssetPairs") return asset_pairs(parse_form(query));
      if (method == "OHLC") return ohlc(parse_form(query));
      return err("EGeneral:Unknown method");
    }
    if (target.rfind("/0/private/", 0) != 0 || req.method != "POST")
      return err("EGeneral:Unknown method");
    ++stats.private_requests;
    const std::string method = target.substr(11);
    // Authentication, independently of nzeza's signer.
    if (req.header("API-Key") != options.api_key) {
      ++stats.bad_keys;
      return err("EAPI:Invalid key");
    }
    auto form = parse_form(req.body);
    const std::string nonce_text = form["nonce"];
    if (nonce_text.empty() || nonce_text.find_first_not_of("0123456789") != std::string::npos) {
      ++stats.bad_nonces;
      return err("EAPI:Invalid nonce");
    }
    if (req.header("API-Sign") !=
        sim_api_sign(options.api_secret_b64, target, nonce_text, req.body)) {
      ++stats.bad_signatures;
      return err("EAPI:Invalid signature");
    }
    const std::uint64_t nonce = std::stoull(nonce_text);
    if (nonce <= last_nonce) {
      ++stats.bad_nonces;
      return err("EAPI:Invalid nonce");
    }
    last_nonce = nonce;
    if (method == "AddOrder") ++add_order_requests[form["cl_ord_id"]];
    if (method == "CancelOrder")
      ++cancel_requests[form["txid"].empty() ? form["cl_ord_id"] : form["txid"]];
    auto fault = take_fault(method);
    if (fault && !fault->execute_first) return fault_reply(*fault);
    HttpReply reply = dispatch(method, form);
    if (fault) return fault_reply(*fault);
    return reply;
  }

  std::optional<SimFault> take_fault(const std::string& method) {
    auto it = faults.find(method);
    if (it == faults.end() || it->second.empty()) return std::nullopt;
    SimFault f = it->second.front();
    it->second.pop_front();
    return f;
  }

  HttpReply ohlc(const std::map<std::string, std::string>& q) {
    static const std::set<std::string> kIntervals = {"1",   "5",    "15",    "30",   "60",
                                                     "240", "1440", "10080", "21600"};
    const auto pair_it = q.find("pair");
    const SimPair* p = nullptr;
    for (const auto& candidate : pairs)
      if (pair_it != q.end() &&
          (pair_it->second == candidate.key || pair_it->second == candidate.altname ||
           pair_it->second == candidate.wsname))
        p = &candidate;
    if (p == nullptr) return err("EQuery:Unknown asset pair");
    std::string interval = "1";
    if (auto it = q.find("interval"); it != q.end()) interval = it->second;
    if (!kIntervals.count(interval)) return err("EGeneral:Invalid arguments");
    const std::int64_t step = std::stoll(interval) * 60;
    std::int64_t since = 0;
    if (auto it = q.find("since"); it != q.end() && !it->second.empty() &&
                                   it->second.find_first_not_of("0123456789") == std::string::npos)
      since = std::stoll(it->second);
    const std::int64_t current = now().seconds() / step * step;
    const std::int64_t oldest =
        std::max((history_start + step - 1) / step * step, current - 719 * step);
    const Decimal tick = Decimal::parse(p->tick_size).value();
    json::array rows;
    for (std::int64_t t = oldest; t <= current; t += step) {
      if (t <= since && t != current) continue;
      const nzeza::sim::SimCandle c =
          nzeza::sim::sim_candle(p->key, step * 1000, t * 1000, p->market_price, tick);
      auto px = [p](Decimal d) { return d.to_string_fixed(p->pair_decimals); };
      rows.push_back(json::array{t, px(c.open), px(c.high), px(c.low), px(c.close),
                                 c.trades == 0 ? px(Decimal::zero()) : px(c.close),
                                 c.volume.to_string_fixed(8), c.trades});
    }
    json::object result;
    result[p->key] = std::move(rows);
    result["last"] = current - step;
    return ok(std::move(result));
  }

  HttpReply asset_pairs(const std::map<std::string, std::string>& q) {
    json::object result;
    std::set<std::string> wanted;
    if (auto it = q.find("pair"); it != q.end()) {
      std::string_view s = it->second;
      while (!s.empty()) {
        auto c = s.find(',');
        wanted.insert(std::string(s.substr(0, c)));
        if (c == std::string_view::npos) break;
        s.remove_prefix(c + 1);
      }
    }
    for (const auto& p : pairs) {
      if (!wanted.empty() && !wanted.count(p.key) && !wanted.count(p.altname)) continue;
      result[p.key] = json::object{{"altname", p.altname},
                                   {"wsname", p.wsname},
                                   {"aclass_base", "currency"},
                                   {"base", p.base},
                                   {"aclass_quote", "currency"},
                                   {"quote", p.quote},
                                   {"lot", "unit"},
                                   {"cost_decimals", 5},
                                   {"pair_decimals", p.pair_decimals},
                                   {"lot_decimals", p.lot_decimals},
                                   {"lot_multiplier", 1},
                                   {"fees", json::array{json::array{0, 0.26}}},
                                   {"fees_maker", json::array{json::array{0, 0.16}}},
                                   {"fee_volume_currency", "ZUSD"},
                                   {"ordermin", p.ordermin},
                                   {"costmin", p.costmin},
                                   {"tick_size", p.tick_size},
                                   {"status", p.status}};
    }
    return ok(std::move(result));
  }

  HttpReply dispatch(const std::string& method, std::map<std::string, std::string>& f) {
    if (method == "AddOrder") return add_order(f);
    if (method == "CancelOrder") return cancel_order(f);
    if (method == "CancelAll") {
      int n = 0;
      for (auto& [id, o] : orders) {
        if (o.status != "open") continue;
        release_hold_locked(o);
        o.status = "canceled";
        o.closetm = now();
        push_locked(exec_json(o, "canceled", nullptr));
        ++n;
      }
      return ok(json::object{{"count", n}});
    }
    if (method == "CancelAllOrdersAfter") {
      const std::int64_t t = std::stoll(f["timeout"].empty() ? "0" : f["timeout"]);
      const Timestamp n = now();
      if (t <= 0) {
        dead_man.reset();
        return ok(json::object{{"currentTime", n.floor_to(1s).to_iso8601()}, {"triggerTime", "0"}});
      }
      dead_man = n.floor_to(1s) + std::chrono::seconds(t);
      return ok(json::object{{"currentTime", n.floor_to(1s).to_iso8601()},
                             {"triggerTime", dead_man->to_iso8601()}});
    }
    if (method == "QueryOrders") {
      ++stats.status_queries;
      if (not_found_left > 0) {
        --not_found_left;
        return err("EOrder:Unknown order");
      }
      json::object result;
      std::string_view s = f["txid"];
      while (!s.empty()) {
        auto c = s.find(',');
        const std::string id(s.substr(0, c));
        if (auto it = orders.find(id); it != orders.end()) result[id] = order_json(it->second);
        if (c == std::string_view::npos) break;
        s.remove_prefix(c + 1);
      }
      if (result.empty()) return err("EOrder:Unknown order");
      return ok(std::move(result));
    }
    if (method == "OpenOrders" || method == "ClosedOrders") {
      const bool open = method == "OpenOrders";
      const std::string cl = f["cl_ord_id"];
      bool hide = false;
      if (!cl.empty()) {
        ++stats.status_queries;
        // A lagging venue: the not-found budget covers one status question (Open+Closed).
        if (not_found_left > 0) {
          hide = true;
          if (!open) --not_found_left;
        }
      }
      json::object list;
      for (const auto& id : order_seq) {
        const auto& o = orders.at(id);
        if ((o.status == "open") != open) continue;
        if (!cl.empty() && o.cl_ord_id != cl) continue;
        if (hide) continue;
        list[id] = order_json(o);
      }
      if (open) return ok(json::object{{"open", std::move(list)}});
      const auto count = list.size();
      return ok(json::object{{"closed", std::move(list)}, {"count", count}});
    }
    if (method == "TradesHistory") {
      const double start = f["start"].empty() ? 0.0 : std::stod(f["start"]);
      const std::size_t ofs = f["ofs"].empty() ? 0 : std::stoul(f["ofs"]);
      std::vector<const SimTrade*> sel;
      for (auto it = trades.rbegin(); it != trades.rend(); ++it)
        if (unix_seconds(it->time) > start) sel.push_back(&*it);
      json::object page;
      for (std::size_t i = ofs; i < sel.size() && i < ofs + 50; ++i) {
        const auto& t = *sel[i];
        const SimPair* p = find_pair(t.pair);
        page[t.id] = json::object{{"ordertxid", t.ordertxid},
                                  {"postxid", "P" + t.id},
                                  {"pair", p ? p->key : t.pair},
                                  {"time", unix_seconds(t.time)},
                                  {"type", t.side},
                                  {"ordertype", "limit"},
                                  {"price", dec(t.price)},
                                  {"cost", dec(t.cost)},
                                  {"fee", dec(t.fee)},
                                  {"vol", t.vol.to_string_fixed(8)},
                                  {"margin", "0.00000"},
                                  {"misc", ""},
                                  {"maker", t.maker}};
      }
      return ok(json::object{{"trades", std::move(page)}, {"count", sel.size()}});
    }
    if (method == "BalanceEx") {
      json::object result;
      for (const auto& [asset, b] : balances)
        result[asset] = json::object{{"balance", b.first.to_string_fixed(4)},
                                     {"hold_trade", b.second.to_string_fixed(4)}};
      return ok(std::move(result));
    }
    if (method == "GetWebSocketsToken") {
      const std::string token = "tok" + std::to_string(next_id++) + "sim";
      tokens.insert(token);
      ++tokens_issued;
      return ok(json::object{{"token", token}, {"expires", 900}});
    }
    return err("EGeneral:Unknown method");
  }

  HttpReply add_order(std::map<std::string, std::string>& f) {
    ++stats.add_orders;
    const SimPair* p = find_pair(f["pair"]);
    if (p == nullptr) return err("EQuery:Unknown asset pair");
    if (p->status != "online") return err("EService:Market in cancel_only mode");
    if (!f["deadline"].empty()) {
      auto d = Timestamp::parse_iso8601(f["deadline"]);
      if (!d) return err("EGeneral:Invalid arguments:deadline");
      if (now() > *d) return err("EService:Deadline elapsed");
    }
    const std::string side = f["type"];
    const std::string ordertype = f["ordertype"];
    if (side != "buy" && side != "sell") return err("EGeneral:Invalid arguments:type");
    if (ordertype != "market" && ordertype != "limit")
      return err("EGeneral:Invalid arguments:ordertype");
    auto vol = Decimal::parse(f["volume"]);
    if (!vol || !vol->is_positive()) return err("EGeneral:Invalid arguments:volume");
    if (*vol < Decimal::parse(p->ordermin).value()) return err("EOrder:Order minimum not met");
    Decimal price = p->market_price;
    if (ordertype == "limit") {
      auto px = Decimal::parse(f["price"]);
      if (!px || !px->is_positive()) return err("EGeneral:Invalid arguments:price");
      if (!px->is_multiple_of(Decimal::parse(p->tick_size).value()))
        return err("EOrder:Tick size check failed");
      price = *px;
    }
    const std::string cl = f["cl_ord_id"];
    for (const auto& [id, o] : orders)
      if (!cl.empty() && o.cl_ord_id == cl && o.status == "open")
        return err("EOrder:Duplicate order");
    // Funds.
    auto& quote = balances[p->quote];
    auto& base = balances[p->base];
    if (side == "buy") {
      const Decimal need = *vol * price;
      if (quote.first - quote.second < need) return err("EOrder:Insufficient funds");
      if (ordertype == "limit") quote.second += need;
    } else {
      if (base.first - base.second < *vol) return err("EOrder:Insufficient funds");
      base.second += *vol;
    }
    SimOrder o;
    o.txid = make_id('O');
    o.cl_ord_id = cl;
    o.pair = p->key;
    o.side = side;
    o.ordertype = ordertype;
    o.price = ordertype == "limit" ? price : Decimal::zero();
    o.vol = *vol;
    o.oflags = f["oflags"];
    o.timeinforce = f["timeinforce"].empty() ? "GTC" : f["timeinforce"];
    o.opentm = now();
    orders[o.txid] = o;
    order_seq.push_back(o.txid);
    SimOrder& stored = orders[o.txid];
    push_locked(exec_json(stored, "new", nullptr));
    if (ordertype == "market") {
      const SimTrade t = trade_locked(stored, *vol, price, false);
      push_locked(exec_json(stored, "trade", &t));
    } else if (o.timeinforce == "IOC") {
      release_hold_locked(stored);
      stored.status = "canceled";
      stored.closetm = now();
      push_locked(exec_json(stored, "canceled", nullptr));
    }
    json::object descr{{"order", side + " " + dec(*vol) + " " + p->altname + " @ " + ordertype +
                                     (ordertype == "limit" ? " " + dec(price) : "")}};
    return ok(
        json::object{{"descr", std::move(descr)}, {"txid", json::array{json::string(o.txid)}}});
  }

  HttpReply cancel_order(std::map<std::string, std::string>& f) {
    SimOrder* target = nullptr;
    if (!f["txid"].empty()) {
      if (auto it = orders.find(f["txid"]); it != orders.end()) target = &it->second;
      if (target == nullptr)
        for (auto& [id, o] : orders)
          if (o.cl_ord_id == f["txid"]) target = &o;
    } else if (!f["cl_ord_id"].empty()) {
      for (auto& [id, o] : orders)
        if (o.cl_ord_id == f["cl_ord_id"]) target = &o;
    }
    if (target == nullptr || target->status != "open") return err("EOrder:Unknown order");
    release_hold_locked(*target);
    target->status = "canceled";
    target->closetm = now();
    push_locked(exec_json(*target, "canceled", nullptr));
    return ok(json::object{{"count", 1}, {"pending", false}});
  }

  void on_ws_message(WsSession& s, const std::string& text) {
    json::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.get_object();
    const auto* m = o.if_contains("method");
    if (m == nullptr || !m->is_string()) return;
    const auto req_id = o.contains("req_id") ? json::serialize(o.at("req_id")) : "0";
    if (m->get_string() == "ping") {
      s.send(R"({"method":"pong","req_id":)" + req_id + "}");
      return;
    }
    if (m->get_string() != "subscribe") return;
    const auto* params = o.if_contains("params");
    std::string channel;
    std::string token;
    if (params != nullptr && params->is_object()) {
      if (const auto* c = params->get_object().if_contains("channel"); c && c->is_string())
        channel = std::string(c->get_string());
      if (const auto* t = params->get_object().if_contains("token"); t && t->is_string())
        token = std::string(t->get_string());
    }
    std::lock_guard lock(mu);
    if (channel != "executions" || tokens.count(token) == 0) {
      s.send(R"({"method":"subscribe","req_id":)" + req_id +
             R"(,"success":false,"error":"EAPI:Invalid token"})");
      return;
    }
    tokens.erase(token);  // one connection per token
    s.send(R"({"method":"subscribe","req_id":)" + req_id +
           R"(,"success":true,"result":{"channel":"executions","snapshot":true}})");
    std::string data;
    for (const auto& id : order_seq) {
      const auto& ord = orders.at(id);
      if (ord.status != "open") continue;
      if (!data.empty()) data += ',';
      data += exec_json(ord, "status", nullptr);
    }
    s.send(R"({"channel":"executions","type":"snapshot","data":[)" + data + R"(],"sequence":1})");
    subscribers.push_back(ws.session(s.index()));
    ++subscriptions;
  }
};

KrakenSim::KrakenSim(KrakenSimOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {
  Impl* impl = impl_.get();
  impl_->http.on_request([impl](const HttpSeen& req) { return impl->handle(req); });
  impl_->ws.on_message([impl](WsSession& s, const std::string& m) { impl->on_ws_message(s, m); });
}

KrakenSim::~KrakenSim() {
  impl_->ws.stop();
  impl_->http.stop();
}

std::string KrakenSim::base_url() const {
  std::string u = impl_->http.url("/");
  u.pop_back();
  return u;
}
std::string KrakenSim::ws_url() const {
  return impl_->ws.url("/v2");
}
void KrakenSim::add_pair(SimPair pair) {
  std::lock_guard lock(impl_->mu);
  impl_->pairs.push_back(std::move(pair));
}
void KrakenSim::set_balance(const std::string& asset, Decimal balance, Decimal hold) {
  std::lock_guard lock(impl_->mu);
  impl_->balances[asset] = {balance, hold};
}
void KrakenSim::set_server_time(std::int64_t unixtime) {
  std::lock_guard lock(impl_->mu);
  impl_->fixed_time = unixtime;
}
void KrakenSim::set_history_start(std::int64_t unixtime) {
  std::lock_guard lock(impl_->mu);
  impl_->history_start = unixtime;
}
void KrakenSim::fail_next(const std::string& method, SimFault fault, int times) {
  std::lock_guard lock(impl_->mu);
  for (int i = 0; i < times; ++i) impl_->faults[method].push_back(fault);
}
void KrakenSim::not_found_first(int n) {
  std::lock_guard lock(impl_->mu);
  impl_->not_found_left = n;
}
void KrakenSim::release_held() {
  impl_->http.release_held();
}
std::size_t KrakenSim::held() const {
  return impl_->http.held();
}
bool KrakenSim::fill(const std::string& txid, Decimal qty, Decimal price, bool maker) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->orders.find(txid);
  if (it == impl_->orders.end() || it->second.status != "open") return false;
  if (qty > it->second.vol - it->second.vol_exec) return false;
  const SimTrade t = impl_->trade_locked(it->second, qty, price, maker);
  impl_->push_locked(impl_->exec_json(it->second, "trade", &t));
  return true;
}
void KrakenSim::tick() {
  std::lock_guard lock(impl_->mu);
  impl_->check_dead_man_locked();
}
std::optional<SimOrder> KrakenSim::order(const std::string& txid) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->orders.find(txid);
  if (it == impl_->orders.end()) return std::nullopt;
  return it->second;
}
std::optional<SimOrder> KrakenSim::order_by_client_id(const std::string& cl) const {
  std::lock_guard lock(impl_->mu);
  for (const auto& [id, o] : impl_->orders)
    if (o.cl_ord_id == cl) return o;
  return std::nullopt;
}
std::vector<SimOrder> KrakenSim::orders() const {
  std::lock_guard lock(impl_->mu);
  std::vector<SimOrder> out;
  for (const auto& id : impl_->order_seq) out.push_back(impl_->orders.at(id));
  return out;
}
SimStats KrakenSim::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}
std::uint64_t KrakenSim::last_nonce() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_nonce;
}
std::optional<Timestamp> KrakenSim::dead_man_trigger() const {
  std::lock_guard lock(impl_->mu);
  return impl_->dead_man;
}
std::vector<HttpSeen> KrakenSim::requests() const {
  return impl_->http.requests();
}
std::size_t KrakenSim::ws_subscriptions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subscriptions;
}
void KrakenSim::drop_private_connections() {
  std::vector<std::shared_ptr<WsSession>> sessions;
  {
    std::lock_guard lock(impl_->mu);
    sessions.swap(impl_->subscribers);
  }
  for (auto& s : sessions)
    if (s) s->close(1001);
}
std::uint64_t KrakenSim::add_order_requests(const std::string& cl_ord_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->add_order_requests.find(cl_ord_id);
  return it == impl_->add_order_requests.end() ? 0 : it->second;
}
std::uint64_t KrakenSim::cancel_requests(const std::string& id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->cancel_requests.find(id);
  return it == impl_->cancel_requests.end() ? 0 : it->second;
}
std::string KrakenSim::book_order(const std::string& pair_key, const std::string& side, Decimal vol,
                                  Decimal price, const std::string& cl_ord_id) {
  std::lock_guard lock(impl_->mu);
  SimOrder o;
  o.txid = impl_->make_id('O');
  o.cl_ord_id = cl_ord_id;
  o.pair = pair_key;
  o.side = side;
  o.ordertype = "limit";
  o.price = price;
  o.vol = vol;
  o.opentm = impl_->now();
  impl_->orders[o.txid] = o;
  impl_->order_seq.push_back(o.txid);
  impl_->push_locked(impl_->exec_json(impl_->orders[o.txid], "new", nullptr));
  return o.txid;
}
std::size_t KrakenSim::tokens_issued() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tokens_issued;
}

}  // namespace nzeza::testsupport::kraken
