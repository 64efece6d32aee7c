#include "sim/dydx/dydx_sim.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "core/time.hpp"
#include "dydxprotocol/clob/tx.pb.h"
#include "sim/dydx/verifier.hpp"

namespace nzeza::sim::dydx {
namespace json = boost::json;
using testsupport::HttpReply;
using testsupport::HttpSeen;

namespace {

HttpReply json_reply(unsigned status, const json::value& v) {
  HttpReply r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = json::serialize(v);
  return r;
}

std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> q;
  const auto qm = target.find('?');
  if (qm == std::string::npos) return q;
  std::string rest = target.substr(qm + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    const std::string kv = rest.substr(pos, amp - pos);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) q[kv.substr(0, eq)] = kv.substr(eq + 1);
    pos = amp + 1;
  }
  return q;
}

// The Indexer's candle resolutions, in ms.
std::optional<std::int64_t> resolution_ms(std::string_view wire) {
  constexpr std::int64_t kMin = 60'000;
  constexpr std::pair<std::string_view, std::int64_t> kResolutions[] = {
      {"1MIN", kMin},       {"5MINS", 5 * kMin},    {"15MINS", 15 * kMin}, {"30MINS", 30 * kMin},
      {"1HOUR", 60 * kMin}, {"4HOURS", 240 * kMin}, {"1DAY", 1440 * kMin},
  };
  for (const auto& [name, ms] : kResolutions) {
    if (name == wire) return ms;
  }
  return std::nullopt;
}

// "2024-05-06T17:24:00.000Z", the Indexer's form.
std::string iso_ms(std::int64_t ms) {
  std::string s = Timestamp::from_ms(ms / 1000 * 1000).to_iso8601();
  const std::int64_t frac = ms % 1000;
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03lldZ", static_cast<long long>(frac));
  s.pop_back();  // 'Z'
  return s + buf;
}

HttpReply indexer_error(std::string msg) {
  return json_reply(400,
                    json::object{{"errors", json::array{json::object{{"msg", std::move(msg)}}}}});
}

// value * 10^-exp as a decimal string, the sim's own arithmetic (independent of quantums.cpp).
std::string scaled(std::uint64_t v, int exp) {
  auto d = Decimal::from_scaled(static_cast<std::int64_t>(v), exp);
  return d ? d->to_string() : std::to_string(v) + "e-" + std::to_string(exp);
}

struct Account {
  std::uint64_t number = 0;
  std::uint64_t sequence = 0;
  Decimal usdc;
};

struct Fill {
  std::string id;
  std::string order_id;
  std::string ticker;
  bool buy = true;
  std::string price;
  std::string size;
  std::string created_at;
  std::uint32_t height = 0;
};

}  // namespace

struct DydxSim::Impl {
  SimOptions options;
  mutable std::mutex mu;
  std::vector<SimMarket> markets;
  std::map<std::string, Account> accounts;
  std::vector<SimOrder> orders;
  std::vector<Fill> fills;
  std::deque<SimFault> faults;
  std::deque<SimTxError> tx_errors_next;
  std::vector<std::string> tx_errors;
  int empty_orders = 0;
  std::map<std::pair<std::string, std::string>, std::vector<SimCandle>> candles;  // ticker, res
  std::size_t candles_max_limit = 100;
  std::size_t candle_requests = 0;
  std::uint32_t height = 0;
  std::size_t broadcasts = 0;
  std::map<std::uint32_t, std::size_t> place_msgs;   // by client id, every decoded MsgPlaceOrder
  std::map<std::uint32_t, std::size_t> cancel_msgs;  // by client id, every decoded MsgCancelOrder
  std::size_t accepted = 0;
  std::size_t verified = 0;
  std::uint64_t next_id = 1;
  testsupport::HttpServer* server = nullptr;
  struct Sub {
    testsupport::WsSession* session = nullptr;  // owned by the WsServer until it stops
    std::string id;                             // "<address>/<number>"
  };
  std::vector<Sub> subs;
  std::uint64_t ws_message_id = 1;

  json::object fill_json(const Fill& f) const {
    json::object j;
    j["id"] = f.id;
    j["side"] = f.buy ? "BUY" : "SELL";
    j["liquidity"] = "TAKER";
    j["type"] = "LIMIT";
    j["market"] = f.ticker;
    j["marketType"] = "PERPETUAL";
    j["price"] = f.price;
    j["size"] = f.size;
    j["fee"] = "0";
    j["createdAt"] = f.created_at;
    j["createdAtHeight"] = std::to_string(f.height);
    j["orderId"] = f.order_id;
    j["subaccountNumber"] = 0;
    return j;
  }

  // channel_data for the subscribers of the order's subaccount: the order as it is now, and
  // the fills it just made. The Indexer's channel carries clobPairId, not the ticker.
  void publish(const SimOrder& o, const std::vector<Fill>& new_fills) {
    const std::string id = o.owner + "/" + std::to_string(o.subaccount_number);
    json::object order = order_json(o);
    order.erase("ticker");
    json::array fs;
    for (const auto& f : new_fills) fs.push_back(fill_json(f));
    for (const auto& sub : subs) {
      if (sub.id != id || !sub.session->is_open()) continue;
      json::object contents;
      contents["orders"] = json::array{order};
      if (!fs.empty()) contents["fills"] = fs;
      json::object msg{{"type", "channel_data"},        {"connection_id", "sim"},
                       {"message_id", ws_message_id++}, {"id", id},
                       {"channel", "v4_subaccounts"},   {"version", "3.0.0"},
                       {"contents", contents}};
      sub.session->send(json::serialize(msg));
    }
  }

  void on_ws_message(testsupport::WsSession& session, const std::string& text) {
    std::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* type = o.if_contains("type");
    const auto* channel = o.if_contains("channel");
    const auto* id = o.if_contains("id");
    if (!type || !channel || !id || !id->is_string() || *type != "subscribe" ||
        *channel != "v4_subaccounts")
      return;
    const std::string sid(id->get_string());
    subs.push_back({&session, sid});
    json::array open;
    for (const auto& ord : orders)
      if (ord.owner + "/" + std::to_string(ord.subaccount_number) == sid && ord.status == "OPEN")
        open.push_back(order_json(ord));
    json::object msg{
        {"type", "subscribed"},
        {"connection_id", "sim"},
        {"message_id", ws_message_id++},
        {"channel", "v4_subaccounts"},
        {"id", sid},
        {"contents", json::object{{"orders", open}, {"blockHeight", std::to_string(height)}}}};
    session.send(json::serialize(msg));
  }

  std::int64_t now_ms() const {
    if (options.now_ms) return options.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::string now_iso() const { return Timestamp::from_ms(now_ms()).to_iso8601(); }

  const SimMarket* market_by_pair(std::uint32_t pair) const {
    for (const auto& m : markets)
      if (m.clob_pair_id == pair) return &m;
    return nullptr;
  }
  static int price_exp(const SimMarket& m) {
    return m.atomic_resolution - m.quantum_conversion_exponent + 6;
  }
  std::uint64_t oracle_subticks(const SimMarket& m) const {
    // oracle * 10^price_exp, exact for the sim's own prices.
    __extension__ typedef unsigned __int128 U128;
    U128 raw = static_cast<U128>(m.oracle_price.raw16());
    int e = price_exp(m) - Decimal::kScale;
    while (e > 0) raw *= 10, --e;
    while (e < 0) raw /= 10, ++e;
    return static_cast<std::uint64_t>(raw);
  }

  void expire_short_term() {
    for (auto& o : orders)
      if (o.order_flags == 0 && o.status == "OPEN" && o.good_til_block < height) {
        o.status = "CANCELED";
        publish(o, {});
      }
  }

  json::object order_json(const SimOrder& o) const {
    const SimMarket* m = market_by_pair(o.clob_pair_id);
    json::object j;
    j["id"] = o.id;
    j["subaccountId"] = o.owner + "/" + std::to_string(o.subaccount_number);
    j["clientId"] = std::to_string(o.client_id);
    j["clobPairId"] = std::to_string(o.clob_pair_id);
    j["side"] = o.buy ? "BUY" : "SELL";
    j["size"] = scaled(o.quantums, -m->atomic_resolution);
    j["totalFilled"] = scaled(o.filled_quantums, -m->atomic_resolution);
    j["price"] = scaled(o.subticks, price_exp(*m));
    j["type"] = "LIMIT";
    j["status"] = o.status;
    j["timeInForce"] = o.time_in_force == 1 ? "IOC" : o.time_in_force == 3 ? "FOK" : "GTT";
    j["postOnly"] = o.time_in_force == 2;
    j["reduceOnly"] = o.reduce_only;
    j["orderFlags"] = std::to_string(o.order_flags);
    if (o.order_flags == 0) {
      j["goodTilBlock"] = std::to_string(o.good_til_block);
    } else {
      j["goodTilBlockTime"] = Timestamp::from_seconds(o.good_til_block_time).to_iso8601();
    }
    j["createdAtHeight"] = std::to_string(o.created_height);
    j["clientMetadata"] = "0";
    j["updatedAt"] = now_iso();
    j["ticker"] = m->ticker;
    j["subaccountNumber"] = o.subaccount_number;
    return j;
  }

  // Net position per market from the sim's fills (all of them belong to the one account the
  // tests trade with), in the Indexer's openPerpetualPositions shape.
  json::object positions_json() const {
    std::map<std::string, Decimal> net;
    std::map<std::string, std::string> last_price;
    for (const auto& f : fills) {
      const Decimal size = Decimal::parse(f.size).value_or(Decimal::zero());
      net[f.ticker] = f.buy ? net[f.ticker] + size : net[f.ticker] - size;
      last_price[f.ticker] = f.price;
    }
    json::object out;
    for (const auto& [ticker, size] : net) {
      if (size.is_zero()) continue;
      json::object p;
      p["market"] = ticker;
      p["status"] = "OPEN";
      p["side"] = size.is_negative() ? "SHORT" : "LONG";
      p["size"] = size.to_string();
      p["entryPrice"] = last_price[ticker];
      p["unrealizedPnl"] = "0";
      out[ticker] = p;
    }
    return out;
  }

  HttpReply tx_reply(const std::string& hash, std::uint32_t code, const std::string& space,
                     const std::string& log) {
    if (code == 0) {
      ++accepted;
    } else {
      tx_errors.push_back(space + ":" + std::to_string(code) + " " + log);
    }
    json::object txr;
    txr["height"] = "0";
    txr["txhash"] = hash;
    txr["codespace"] = space;
    txr["code"] = code;
    txr["data"] = "";
    txr["raw_log"] = log;
    txr["gas_wanted"] = "0";
    txr["gas_used"] = "0";
    return json_reply(200, json::object{{"tx_response", txr}});
  }

  // Every POST of a tx, faulted or not: counted, and its message's client id counted.
  void count_broadcast(const HttpSeen& req) {
    ++broadcasts;
    std::error_code ec;
    auto body = json::parse(req.body, ec);
    const json::value* tb =
        !ec && body.is_object() ? body.as_object().if_contains("tx_bytes") : nullptr;
    if (tb == nullptr || !tb->is_string()) return;
    auto raw = base64_decode(std::string(tb->get_string()));
    std::string why;
    auto tx = raw ? decode_tx(*raw, why) : std::nullopt;
    if (!tx) return;
    dydxprotocol::clob::MsgPlaceOrder place;
    dydxprotocol::clob::MsgCancelOrder cancel;
    if (tx->type_url == "/dydxprotocol.clob.MsgPlaceOrder" && place.ParseFromString(tx->message))
      ++place_msgs[place.order().order_id().client_id()];
    if (tx->type_url == "/dydxprotocol.clob.MsgCancelOrder" && cancel.ParseFromString(tx->message))
      ++cancel_msgs[cancel.order_id().client_id()];
  }

  HttpReply broadcast(const HttpSeen& req) {
    std::error_code ec;
    auto body = json::parse(req.body, ec);
    const json::value* tb =
        !ec && body.is_object() ? body.as_object().if_contains("tx_bytes") : nullptr;
    if (tb == nullptr || !tb->is_string())
      return json_reply(
          400,
          json::object{{"code", 3}, {"message", "invalid empty tx"}, {"details", json::array{}}});
    auto raw = base64_decode(std::string(tb->get_string()));
    if (!raw)
      return json_reply(
          400, json::object{
                   {"code", 3}, {"message", "tx_bytes is not base64"}, {"details", json::array{}}});
    const std::string hash = sha256_upper_hex(*raw);
    std::string why;
    auto tx = decode_tx(*raw, why);
    if (!tx) return tx_reply(hash, 2, "sdk", why + ": tx parse error");
    if (!tx_errors_next.empty()) {
      auto e = tx_errors_next.front();
      tx_errors_next.pop_front();
      return tx_reply(hash, e.code, e.codespace, e.raw_log);
    }

    // The message and its owner.
    std::string owner;
    std::uint32_t flags = 0;
    dydxprotocol::clob::MsgPlaceOrder place;
    dydxprotocol::clob::MsgCancelOrder cancel;
    const bool is_place = tx->type_url == "/dydxprotocol.clob.MsgPlaceOrder";
    if (is_place) {
      if (!place.ParseFromString(tx->message)) return tx_reply(hash, 2, "sdk", "bad MsgPlaceOrder");
      owner = place.order().order_id().subaccount_id().owner();
      flags = place.order().order_id().order_flags();
    } else if (tx->type_url == "/dydxprotocol.clob.MsgCancelOrder") {
      if (!cancel.ParseFromString(tx->message))
        return tx_reply(hash, 2, "sdk", "bad MsgCancelOrder");
      owner = cancel.order_id().subaccount_id().owner();
      flags = cancel.order_id().order_flags();
    } else {
      return tx_reply(hash, 6, "sdk", "unrecognized message type " + tx->type_url);
    }
    auto acc = accounts.find(owner);
    if (acc == accounts.end())
      return tx_reply(hash, 9, "sdk", "account " + owner + " not found: unknown address");
    const auto owner_hash = decode_address(owner);
    if (!owner_hash || *owner_hash != address_hash(tx->public_key))
      return tx_reply(hash, 8, "sdk",
                      "pubKey does not match signer address " + owner +
                          " with signer index: 0: invalid pubkey");
    if (!verify_signature(*tx, options.chain_id, acc->second.number, why))
      return tx_reply(hash, 4, "sdk",
                      "signature verification failed; please verify account number (" +
                          std::to_string(acc->second.number) + ") and chain-id (" +
                          options.chain_id + "): unauthorized (" + why + ")");
    ++verified;
    const bool stateful = flags != 0;
    if (stateful && tx->sequence != acc->second.sequence)
      return tx_reply(hash, 32, "sdk",
                      "account sequence mismatch, expected " +
                          std::to_string(acc->second.sequence) + ", got " +
                          std::to_string(tx->sequence) + ": incorrect account sequence");

    if (is_place) {
      auto r = place_order(place.order(), hash);
      if (r.code == 0 && stateful) ++acc->second.sequence;
      return tx_reply(hash, r.code, r.space, r.log);
    }
    auto r = cancel_order(cancel);
    if (r.code == 0 && stateful) ++acc->second.sequence;
    return tx_reply(hash, r.code, r.space, r.log);
  }

  struct Outcome {
    std::uint32_t code = 0;
    std::string space;
    std::string log;
  };

  Outcome place_order(const dydxprotocol::clob::Order& o, const std::string& hash) {
    const auto& id = o.order_id();
    const SimMarket* m = market_by_pair(id.clob_pair_id());
    if (m == nullptr) return {8, "clob", "ClobPair ID does not reference a valid CLOB"};
    if (o.quantums() == 0 || o.quantums() % m->step_base_quantums != 0)
      return {4, "clob", "Invalid order quantums: must be a multiple of step base quantums"};
    if (o.subticks() == 0 || o.subticks() % m->subticks_per_tick != 0)
      return {6, "clob", "Invalid order subticks: must be a multiple of subticks per tick"};
    if (id.order_flags() == 0) {
      if (!o.has_good_til_block() &&
          o.good_til_oneof_case() != dydxprotocol::clob::Order::kGoodTilBlock)
        return {5, "clob", "Invalid order goodTilBlock"};
      if (o.good_til_block() <= height)
        return {10, "clob",
                "The order has a goodTilBlock in the past: height " + std::to_string(height) +
                    " exceeds goodTilBlock " + std::to_string(o.good_til_block())};
      if (o.good_til_block() > height + 20)
        return {11, "clob",
                "The GoodTilBlock exceeds ShortBlockWindow: goodTilBlock " +
                    std::to_string(o.good_til_block()) + " > " + std::to_string(height + 20)};
    } else {
      const auto now_s = now_ms() / 1000;
      if (static_cast<std::int64_t>(o.good_til_block_time()) <= now_s)
        return {3003, "clob", "The block time exceeds the GoodTilBlockTime"};
    }
    for (const auto& e : orders)
      if (e.owner == id.subaccount_id().owner() && e.client_id == id.client_id() &&
          e.order_flags == id.order_flags() && e.clob_pair_id == id.clob_pair_id() &&
          e.status == "OPEN")
        return {3005, "clob", "A stateful order with this OrderId already exists"};
    SimOrder s;
    s.id = "sim-" + std::to_string(next_id++);
    s.owner = id.subaccount_id().owner();
    s.subaccount_number = id.subaccount_id().number();
    s.client_id = id.client_id();
    s.order_flags = id.order_flags();
    s.clob_pair_id = id.clob_pair_id();
    s.ticker = m->ticker;
    s.buy = o.side() == dydxprotocol::clob::Order::SIDE_BUY;
    s.quantums = o.quantums();
    s.subticks = o.subticks();
    s.good_til_block = o.good_til_block();
    s.good_til_block_time = o.good_til_block_time();
    s.time_in_force = static_cast<int>(o.time_in_force());
    s.reduce_only = o.reduce_only();
    s.created_height = height;
    s.status = "OPEN";
    const std::uint64_t oracle = oracle_subticks(*m);
    const bool crosses = s.buy ? s.subticks >= oracle : s.subticks <= oracle;
    if (crosses && s.time_in_force != 2) {
      s.filled_quantums = s.quantums;
      s.status = "FILLED";
      Fill f;
      f.id = "fill-" + std::to_string(next_id++);
      f.order_id = s.id;
      f.ticker = m->ticker;
      f.buy = s.buy;
      f.price = scaled(oracle, price_exp(*m));
      f.size = scaled(s.quantums, -m->atomic_resolution);
      f.created_at = now_iso();
      f.height = height;
      fills.push_back(f);
    } else if (s.time_in_force == 1 || s.time_in_force == 3 || (crosses && s.time_in_force == 2)) {
      s.status = "CANCELED";
    }
    (void)hash;
    orders.push_back(s);
    std::vector<Fill> made;
    if (s.status == "FILLED") made.push_back(fills.back());
    publish(s, made);
    return {};
  }

  Outcome cancel_order(const dydxprotocol::clob::MsgCancelOrder& c) {
    const auto& id = c.order_id();
    for (auto& e : orders) {
      if (e.owner == id.subaccount_id().owner() && e.client_id == id.client_id() &&
          e.order_flags == id.order_flags() && e.clob_pair_id == id.clob_pair_id() &&
          e.status == "OPEN") {
        e.status = "CANCELED";
        publish(e, {});
        return {};
      }
    }
    if (id.order_flags() != 0)
      return {3006, "clob", "Stateful order does not exist: cancel of an unknown order"};
    return {};  // a short-term cancel waits in the memclob until its good-til-block
  }

  HttpReply candles_reply(const std::string& ticker, const std::map<std::string, std::string>& q) {
    ++candle_requests;
    const std::string res = q.count("resolution") ? q.at("resolution") : "";
    const auto step = resolution_ms(res);
    if (!step) {
      return indexer_error(
          "resolution must be a valid Candle Resolution, one of "
          "1MIN,5MINS,15MINS,30MINS,1HOUR,4HOURS,1DAY");
    }
    const SimMarket* market = nullptr;
    for (const auto& m : markets) {
      if (m.ticker == ticker) market = &m;
    }
    if (market == nullptr) return indexer_error("ticker must be a valid ticker: " + ticker);
    std::size_t limit = candles_max_limit;
    if (q.count("limit")) {
      const std::string& l = q.at("limit");
      std::size_t n = 0;
      const auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), n);
      if (ec != std::errc{} || p != l.data() + l.size() || n == 0 || n > candles_max_limit) {
        return indexer_error("limit must be a positive integer that is not greater than max: " +
                             std::to_string(candles_max_limit));
      }
      limit = n;
    }
    std::optional<std::int64_t> from;
    std::optional<std::int64_t> to;
    for (const auto& [key, slot] : {std::pair{"fromISO", &from}, std::pair{"toISO", &to}}) {
      if (!q.count(key)) continue;
      auto t = Timestamp::parse_iso8601(q.at(key));
      if (!t) return indexer_error(std::string(key) + " must be a valid ISO 8601 date");
      *slot = t->ms();
    }
    std::vector<SimCandle> list;  // newest first
    if (auto it = candles.find({ticker, res}); it != candles.end()) {
      for (const auto& c : it->second) {
        if (from && c.started_at_ms < *from) continue;
        if (to && c.started_at_ms >= *to) continue;
        list.push_back(c);
      }
      std::stable_sort(list.begin(), list.end(), [](const SimCandle& a, const SimCandle& b) {
        return a.started_at_ms > b.started_at_ms;
      });
      if (list.size() > limit) list.resize(limit);
    } else {
      std::int64_t t = now_ms() / *step * *step;
      if (to) t = std::min(t, (*to - 1) / *step * *step);
      for (; list.size() < limit && t >= 0 && (!from || t >= *from); t -= *step) {
        list.push_back(generated_candle(market->oracle_price, t, *step));
      }
    }
    json::array out;
    for (const auto& c : list) {
      out.push_back(json::object{{"startedAt", iso_ms(c.started_at_ms)},
                                 {"ticker", ticker},
                                 {"resolution", res},
                                 {"low", c.low},
                                 {"high", c.high},
                                 {"open", c.open},
                                 {"close", c.close},
                                 {"baseTokenVolume", c.base_volume},
                                 {"usdVolume", c.usd_volume},
                                 {"trades", c.trades},
                                 {"startingOpenInterest", "1234.5"},
                                 {"orderbookMidPriceOpen", c.open},
                                 {"orderbookMidPriceClose", c.close}});
    }
    return json_reply(200, json::object{{"candles", std::move(out)}});
  }

  HttpReply handle(const HttpSeen& req) {
    const std::string path = req.target.substr(0, req.target.find('?'));
    const auto q = query_of(req.target);
    if (req.method == "POST" && path == "/cosmos/tx/v1beta1/txs") return broadcast(req);
    if (path == "/cosmos/base/tendermint/v1beta1/node_info")
      return json_reply(
          200, json::object{{"default_node_info", json::object{{"network", options.chain_id}}}});
    static const std::string kAccounts = "/cosmos/auth/v1beta1/accounts/";
    if (path.rfind(kAccounts, 0) == 0) {
      const std::string addr = path.substr(kAccounts.size());
      auto it = accounts.find(addr);
      if (it == accounts.end())
        return json_reply(404, json::object{{"code", 5},
                                            {"message", "account " + addr + " not found"},
                                            {"details", json::array{}}});
      json::object a;
      a["@type"] = "/cosmos.auth.v1beta1.BaseAccount";
      a["address"] = addr;
      a["pub_key"] = nullptr;
      a["account_number"] = std::to_string(it->second.number);
      a["sequence"] = std::to_string(it->second.sequence);
      return json_reply(200, json::object{{"account", a}});
    }
    if (path == "/v4/height")
      return json_reply(200, json::object{{"height", std::to_string(height)}, {"time", now_iso()}});
    if (path == "/v4/time") {
      const auto ms = now_ms();
      return json_reply(
          200, json::object{{"iso", now_iso()}, {"epoch", static_cast<double>(ms) / 1000.0}});
    }
    if (path == "/v4/perpetualMarkets") {
      json::object ms;
      for (const auto& m : markets) {
        json::object j;
        j["clobPairId"] = std::to_string(m.clob_pair_id);
        j["ticker"] = m.ticker;
        j["status"] = "ACTIVE";
        j["oraclePrice"] = m.oracle_price.to_string();
        j["atomicResolution"] = m.atomic_resolution;
        j["quantumConversionExponent"] = m.quantum_conversion_exponent;
        j["tickSize"] = m.tick_size;
        j["stepSize"] = m.step_size;
        j["stepBaseQuantums"] = m.step_base_quantums;
        j["subticksPerTick"] = m.subticks_per_tick;
        j["marketType"] = "CROSS";
        ms[m.ticker] = j;
      }
      return json_reply(200, json::object{{"markets", ms}});
    }
    if (path == "/v4/orders") {
      json::array out;
      if (empty_orders > 0) {
        --empty_orders;
        return json_reply(200, out);
      }
      const std::string status = q.count("status") ? q.at("status") : "";
      for (const auto& o : orders) {
        if (q.count("address") && o.owner != q.at("address")) continue;
        if (q.count("subaccountNumber") &&
            std::to_string(o.subaccount_number) != q.at("subaccountNumber"))
          continue;
        if (!status.empty() && o.status != status) continue;
        out.push_back(order_json(o));
      }
      return json_reply(200, out);
    }
    if (path == "/v4/fills") {
      json::array out;
      for (auto it = fills.rbegin(); it != fills.rend(); ++it) {  // newest first, as the Indexer
        const auto& f = *it;
        json::object j;
        j["id"] = f.id;
        j["side"] = f.buy ? "BUY" : "SELL";
        j["liquidity"] = "TAKER";
        j["type"] = "LIMIT";
        j["market"] = f.ticker;
        j["marketType"] = "PERPETUAL";
        j["price"] = f.price;
        j["size"] = f.size;
        j["fee"] = "0";
        j["createdAt"] = f.created_at;
        j["createdAtHeight"] = std::to_string(f.height);
        j["orderId"] = f.order_id;
        j["subaccountNumber"] = 0;
        out.push_back(j);
      }
      return json_reply(200, json::object{{"fills", out}});
    }
    static const std::string kCandles = "/v4/candles/perpetualMarkets/";
    if (path.rfind(kCandles, 0) == 0) return candles_reply(path.substr(kCandles.size()), q);
    static const std::string kAddresses = "/v4/addresses/";
    if (path.rfind(kAddresses, 0) == 0) {
      const std::string rest = path.substr(kAddresses.size());
      const std::string addr = rest.substr(0, rest.find('/'));
      auto it = accounts.find(addr);
      if (it == accounts.end())
        return json_reply(
            404,
            json::object{{"errors", json::array{json::object{
                                        {"msg", "No subaccount found with address " + addr}}}}});
      json::object sub;
      sub["address"] = addr;
      sub["subaccountNumber"] = 0;
      sub["equity"] = it->second.usdc.to_string();
      sub["freeCollateral"] = it->second.usdc.to_string();
      sub["openPerpetualPositions"] = positions_json();
      sub["marginEnabled"] = true;
      return json_reply(200, json::object{{"subaccount", sub}});
    }
    return json_reply(
        404, json::object{{"errors", json::array{json::object{{"msg", "not found: " + path}}}}});
  }

  static bool matches(const SimFault& f, const HttpSeen& req) {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (f.match.empty()) return true;
    if (f.match == "broadcast") return path == "/cosmos/tx/v1beta1/txs";
    if (f.match == "account") return path.rfind("/cosmos/auth/", 0) == 0;
    if (f.match == "node_info") return path.rfind("/cosmos/base/", 0) == 0;
    return path.rfind(f.match, 0) == 0;
  }

  HttpReply on_request(const HttpSeen& req) {
    std::lock_guard lock(mu);
    if (req.method == "POST" && req.target.rfind("/cosmos/tx/v1beta1/txs", 0) == 0)
      count_broadcast(req);
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (!matches(*it, req)) continue;
      SimFault f = *it;
      faults.erase(it);
      if (!f.process) return f.reply;
      HttpReply r = handle(req);
      r.fault = f.reply.fault;
      r.truncate_at = f.reply.truncate_at;
      if (!f.reply.body.empty()) {
        r.status = f.reply.status;
        r.body = f.reply.body;
        r.headers = f.reply.headers;
      }
      return r;
    }
    return handle(req);
  }
};

DydxSim::DydxSim(SimOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->height = impl_->options.start_height;
  testsupport::HttpServerOptions so;
  so.tls = impl_->options.tls;
  server_ = std::make_unique<testsupport::HttpServer>(so);
  impl_->server = server_.get();
  testsupport::WsServerOptions wo;
  wo.tls = impl_->options.tls;
  ws_ = std::make_unique<testsupport::WsServer>(wo);
  std::weak_ptr<Impl> weak = impl_;
  ws_->on_connect([](testsupport::WsSession& s) {
    s.send(R"({"type":"connected","connection_id":"sim","message_id":0})");
  });
  ws_->on_message([weak](testsupport::WsSession& s, const std::string& text) {
    auto self = weak.lock();
    if (!self) return;
    std::lock_guard lock(self->mu);
    self->on_ws_message(s, text);
  });
  server_->on_request([weak](const HttpSeen& req) {
    auto self = weak.lock();
    if (!self) return HttpReply{503, {}, "sim stopped"};
    return self->on_request(req);
  });
}

DydxSim::~DydxSim() {
  stop();
}

std::string DydxSim::base_url() const {
  auto u = server_->url("/");
  if (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

void DydxSim::add_market(SimMarket market) {
  std::lock_guard lock(impl_->mu);
  impl_->markets.push_back(std::move(market));
}

void DydxSim::set_oracle_price(const std::string& ticker, Decimal price) {
  std::lock_guard lock(impl_->mu);
  for (auto& m : impl_->markets)
    if (m.ticker == ticker) m.oracle_price = price;
}

void DydxSim::add_account(const std::string& address, std::uint64_t account_number, Decimal usdc) {
  std::lock_guard lock(impl_->mu);
  impl_->accounts[address] = Account{account_number, 0, usdc};
}

void DydxSim::bump_sequence(const std::string& address, std::uint64_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->accounts[address].sequence += n;
}

void DydxSim::advance_blocks(std::uint32_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->height += n;
  impl_->expire_short_term();
}

void DydxSim::push_fault(SimFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}

void DydxSim::fail_next_broadcasts(std::vector<SimTxError> errors) {
  std::lock_guard lock(impl_->mu);
  for (auto& e : errors) impl_->tx_errors_next.push_back(std::move(e));
}

void DydxSim::empty_orders_for_next(int n) {
  std::lock_guard lock(impl_->mu);
  impl_->empty_orders = n;
}

void DydxSim::set_candles(const std::string& ticker, const std::string& resolution,
                          std::vector<SimCandle> candles) {
  std::lock_guard lock(impl_->mu);
  impl_->candles[{ticker, resolution}] = std::move(candles);
}

void DydxSim::set_candles_max_limit(std::size_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->candles_max_limit = n;
}

std::size_t DydxSim::candle_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->candle_requests;
}

namespace {

// A candle with trades: prices within +-2% of the oracle in steps of oracle/1000.
SimCandle traded_candle(Decimal oracle, std::int64_t t, std::int64_t step) {
  const std::int64_t k = t / step;
  const Decimal unit = oracle * Decimal::from_raw8(100'000);  // oracle x 0.001
  const Decimal open = oracle + unit * Decimal::from_integer(k % 13);
  const Decimal close = oracle + unit * Decimal::from_integer((k * 5) % 13);
  const Decimal high = std::max(open, close) + unit * Decimal::from_integer(k % 4);
  const Decimal low = std::min(open, close) - unit * Decimal::from_integer(k % 6);
  const Decimal volume = Decimal::from_raw8((k % 500 + 1) * 10'000);  // 0.0001 .. 0.05
  SimCandle c;
  c.started_at_ms = t;
  c.open = open.to_string();
  c.high = high.to_string();
  c.low = low.to_string();
  c.close = close.to_string();
  c.base_volume = volume.to_string();
  c.usd_volume = (volume * close).to_string();
  c.trades = static_cast<int>(1 + k % 9);
  return c;
}

}  // namespace

SimCandle DydxSim::generated_candle(Decimal oracle, std::int64_t started_at_ms,
                                    std::int64_t resolution_ms) {
  if ((started_at_ms / resolution_ms) % 11 != 0) {
    return traded_candle(oracle, started_at_ms, resolution_ms);
  }
  // No trade in this interval: flat at the previous interval's close (never itself tradeless).
  const SimCandle prev = traded_candle(oracle, started_at_ms - resolution_ms, resolution_ms);
  SimCandle c;
  c.started_at_ms = started_at_ms;
  c.open = c.high = c.low = c.close = prev.close;
  c.base_volume = "0";
  c.usd_volume = "0";
  c.trades = 0;
  return c;
}

void DydxSim::release_held() {
  server_->release_held();
}

void DydxSim::stop() {
  if (server_) server_->stop();
  if (ws_) {
    {
      std::lock_guard lock(impl_->mu);
      impl_->subs.clear();  // sessions die with the server
    }
    ws_->stop();
  }
}

std::string DydxSim::ws_url() const {
  return ws_->url("/v4/ws");
}

std::size_t DydxSim::ws_subscriptions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subs.size();
}

std::uint32_t DydxSim::height() const {
  std::lock_guard lock(impl_->mu);
  return impl_->height;
}

std::uint64_t DydxSim::sequence(const std::string& address) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->accounts.find(address);
  return it == impl_->accounts.end() ? 0 : it->second.sequence;
}

std::vector<SimOrder> DydxSim::orders() const {
  std::lock_guard lock(impl_->mu);
  return impl_->orders;
}

std::size_t DydxSim::broadcasts() const {
  std::lock_guard lock(impl_->mu);
  return impl_->broadcasts;
}

std::size_t DydxSim::place_broadcasts(std::uint32_t client_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->place_msgs.find(client_id);
  return it == impl_->place_msgs.end() ? 0 : it->second;
}

std::size_t DydxSim::cancel_broadcasts(std::uint32_t client_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->cancel_msgs.find(client_id);
  return it == impl_->cancel_msgs.end() ? 0 : it->second;
}

std::size_t DydxSim::accepted_txs() const {
  std::lock_guard lock(impl_->mu);
  return impl_->accepted;
}

std::size_t DydxSim::verified_signatures() const {
  std::lock_guard lock(impl_->mu);
  return impl_->verified;
}

std::vector<std::string> DydxSim::tx_errors() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tx_errors;
}

}  // namespace nzeza::sim::dydx
