#include "sim/hyperliquid/hyperliquid_sim.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <deque>
#include <set>

#include "sim/hyperliquid/verifier.hpp"

namespace nzeza::sim::hyperliquid {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
const Decimal kTakerFee = Decimal::from_raw8(35'000);  // 0.00035
const Decimal kMakerFee = Decimal::from_raw8(10'000);  // 0.0001

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string http_date(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<std::uint64_t> as_u64(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  return std::nullopt;
}

std::optional<Decimal> as_dec(const json::value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  auto d = Decimal::parse(std::string_view(v->get_string()));
  if (!d) return std::nullopt;
  return *d;
}

// The candle intervals the venue publishes, in ms (1M: a 30-day stand-in; the client never
// asks for it).
std::optional<std::int64_t> interval_ms(std::string_view wire) {
  constexpr std::int64_t kMin = 60'000;
  constexpr std::pair<std::string_view, std::int64_t> kIntervals[] = {
      {"1m", kMin},
      {"3m", 3 * kMin},
      {"5m", 5 * kMin},
      {"15m", 15 * kMin},
      {"30m", 30 * kMin},
      {"1h", 60 * kMin},
      {"2h", 120 * kMin},
      {"4h", 240 * kMin},
      {"8h", 480 * kMin},
      {"12h", 720 * kMin},
      {"1d", 1440 * kMin},
      {"3d", 3 * 1440 * kMin},
      {"1w", 7 * 1440 * kMin},
      {"1M", 30 * 1440 * kMin},
  };
  for (const auto& [name, ms] : kIntervals) {
    if (name == wire) return ms;
  }
  return std::nullopt;
}

constexpr std::size_t kCandlesKept = 5000;

}  // namespace

struct HyperliquidSim::Impl {
  struct Position {
    Decimal szi;
    Decimal entry;
  };
  struct Account {
    Decimal deposit;
    Decimal fees;
    std::map<std::string, Position> positions;
    std::optional<std::int64_t> dead_man;
  };

  SimOptions options;
  mutable std::mutex mu;
  std::vector<SimAsset> assets;
  std::map<std::string, Account> accounts;                     // lower-case address
  std::map<std::string, std::string> agents;                   // agent → account
  std::map<std::string, std::set<std::uint64_t>> used_nonces;  // per signer
  std::map<std::string, std::vector<SimOrder>> orders;         // per account
  std::map<std::string, std::vector<SimFill>> fills;           // per account
  std::deque<SimFault> faults;
  std::deque<std::string> item_rejections;
  int unknown_oid = 0;
  std::size_t fills_page = 0;
  std::map<std::pair<std::string, std::string>, std::vector<SimCandle>> candles;  // coin, interval
  std::uint64_t next_oid = 1000;
  std::uint64_t next_tid = 500000;
  std::size_t exchange_requests = 0;
  std::map<std::string, std::size_t> place_requests;   // per cloid
  std::map<std::string, std::size_t> cancel_requests;  // per oid text or cloid
  std::size_t accepted = 0;
  std::vector<std::string> refusals;
  std::string last_signer;
  struct Subscription {
    std::shared_ptr<testsupport::WsSession> session;
    std::string type;  // orderUpdates | userFills
    std::string user;
  };
  std::vector<Subscription> subscriptions;

  void push(const std::string& user, std::string_view type, const json::value& data) {
    const std::string text = json::serialize(json::object{{"channel", type}, {"data", data}});
    for (const auto& sub : subscriptions) {
      if (sub.user == user && sub.type == type && sub.session->is_open()) sub.session->send(text);
    }
  }
  json::object fill_json(const SimFill& f) const {
    json::object j;
    j["coin"] = f.coin;
    j["px"] = f.px.to_string();
    j["sz"] = f.sz.to_string();
    j["side"] = f.is_buy ? "B" : "A";
    j["time"] = f.time;
    j["startPosition"] = "0";
    j["dir"] = f.is_buy ? "Open Long" : "Open Short";
    j["closedPnl"] = "0";
    j["hash"] = "0x" + std::string(64, '0');
    j["oid"] = f.oid;
    j["crossed"] = f.crossed;
    j["fee"] = f.fee.to_string();
    j["tid"] = f.tid;
    j["feeToken"] = "USDC";
    if (!f.cloid.empty()) j["cloid"] = f.cloid;
    return j;
  }
  void emit_order(const std::string& account, const SimOrder& o) {
    push(account, "orderUpdates",
         json::array{json::object{{"order", order_json(o)},
                                  {"status", o.status},
                                  {"statusTimestamp", o.status_timestamp}}});
  }
  void emit_fill(const std::string& account, const SimFill& f) {
    push(account, "userFills",
         json::object{{"user", account}, {"fills", json::array{fill_json(f)}}});
  }

  void on_ws_message(testsupport::WsServer& server, testsupport::WsSession& session,
                     const std::string& text) {
    std::lock_guard lock(mu);
    std::error_code ec;
    const auto msg = json::parse(text, ec);
    if (ec || !msg.is_object()) return;
    const auto* method = msg.get_object().if_contains("method");
    if (method == nullptr || !method->is_string()) return;
    if (method->get_string() == "ping") {
      session.send(R"({"channel":"pong"})");
      return;
    }
    if (method->get_string() != "subscribe") return;
    const auto* sub = msg.get_object().if_contains("subscription");
    if (sub == nullptr || !sub->is_object()) return;
    const auto* type = sub->get_object().if_contains("type");
    const auto* user = sub->get_object().if_contains("user");
    if (type == nullptr || !type->is_string() || user == nullptr || !user->is_string()) return;
    Subscription s{server.session(session.index()), std::string(type->get_string()),
                   lower(std::string(user->get_string()))};
    if (!s.session) return;
    session.send(json::serialize(
        json::object{{"channel", "subscriptionResponse"},
                     {"data", json::object{{"method", "subscribe"}, {"subscription", *sub}}}}));
    if (s.type == "userFills") {
      json::array snapshot;
      if (auto it = fills.find(s.user); it != fills.end()) {
        for (const auto& f : it->second) snapshot.push_back(fill_json(f));
      }
      session.send(json::serialize(json::object{
          {"channel", "userFills"},
          {"data", json::object{{"isSnapshot", true}, {"user", s.user}, {"fills", snapshot}}}}));
    }
    subscriptions.push_back(std::move(s));
  }

  std::int64_t now() const {
    if (options.now_ms) return options.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  const SimAsset* asset_by_name(const std::string& coin, std::uint32_t* index = nullptr) const {
    for (std::size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].name == coin) {
        if (index != nullptr) *index = static_cast<std::uint32_t>(i);
        return &assets[i];
      }
    }
    return nullptr;
  }

  Decimal margin_used(const std::string& account) const {
    Decimal used;
    const auto& acct = accounts.at(account);
    for (const auto& [coin, p] : acct.positions) {
      used += (p.szi.abs() * p.entry / options.leverage);
    }
    if (auto it = orders.find(account); it != orders.end()) {
      for (const auto& o : it->second) {
        if (o.status == "open" && !o.reduce_only) used += o.sz * o.limit_px / options.leverage;
      }
    }
    return used;
  }
  Decimal account_value(const std::string& account) const {
    const auto& a = accounts.at(account);
    return a.deposit - a.fees;
  }
  Decimal withdrawable(const std::string& account) const {
    const Decimal w = account_value(account) - margin_used(account);
    return w.is_negative() ? Decimal::zero() : w;
  }

  void apply_fill(const std::string& account, SimOrder& o, Decimal px, Decimal sz, bool crossed) {
    auto& acct = accounts[account];
    SimFill f;
    f.coin = o.coin;
    f.px = px;
    f.sz = sz;
    f.is_buy = o.is_buy;
    f.time = now();
    f.oid = o.oid;
    f.tid = next_tid++;
    f.crossed = crossed;
    f.fee = (px * sz * (crossed ? kTakerFee : kMakerFee))
                .round_to_decimals(6, RoundingMode::nearest_even)
                .value_or(Decimal::zero());
    f.cloid = o.cloid;
    acct.fees += f.fee;
    auto& pos = acct.positions[o.coin];
    const Decimal signed_sz = o.is_buy ? sz : -sz;
    const Decimal next = pos.szi + signed_sz;
    if (pos.szi.is_zero() || pos.szi.signum() == signed_sz.signum()) {
      pos.entry = (pos.entry * pos.szi.abs() + px * sz) / (pos.szi.abs() + sz);
    } else if (next.signum() != pos.szi.signum() && !next.is_zero()) {
      pos.entry = px;  // flipped
    }
    pos.szi = next;
    if (pos.szi.is_zero()) acct.positions.erase(o.coin);
    o.sz -= sz;
    if (o.sz.is_zero()) {
      o.status = "filled";
      o.status_timestamp = f.time;
    }
    fills[account].push_back(f);
    emit_fill(account, f);
    emit_order(account, o);
  }

  void check_dead_man(const std::string& account) {
    auto& acct = accounts[account];
    if (!acct.dead_man || now() < *acct.dead_man) return;
    for (auto& o : orders[account]) {
      if (o.status == "open") {
        o.status = "scheduledCancel";
        o.status_timestamp = now();
        emit_order(account, o);
      }
    }
    acct.dead_man.reset();
  }

  json::value order_item(const std::string& account, const json::value& w) {
    const auto* o = w.if_object();
    if (o == nullptr) return json::object{{"error", "Invalid order wire."}};
    const auto a = as_u64(o->if_contains("a"));
    const auto px = as_dec(o->if_contains("p"));
    const auto sz = as_dec(o->if_contains("s"));
    const auto* b = o->if_contains("b");
    const auto* r = o->if_contains("r");
    const auto* t = o->if_contains("t");
    if (!a || !px || !sz || b == nullptr || !b->is_bool() || r == nullptr || !r->is_bool() ||
        t == nullptr || !t->is_object()) {
      return json::object{{"error", "Invalid order wire."}};
    }
    if (*a >= assets.size()) return json::object{{"error", "Invalid asset."}};
    const auto& asset = assets[*a];
    const std::string sfx = " asset=" + std::to_string(*a);
    if (!item_rejections.empty()) {
      auto text = item_rejections.front();
      item_rejections.pop_front();
      return json::object{{"error", text}};
    }
    SimOrder ord;
    ord.coin = asset.name;
    ord.asset = static_cast<std::uint32_t>(*a);
    ord.is_buy = b->get_bool();
    ord.limit_px = *px;
    ord.orig_sz = *sz;
    ord.sz = *sz;
    ord.reduce_only = r->get_bool();
    ord.timestamp = now();
    ord.status_timestamp = ord.timestamp;
    if (const auto* c = o->if_contains("c")) {
      if (!c->is_string()) return json::object{{"error", "Invalid cloid."}};
      ord.cloid = std::string(c->get_string());
      for (const auto& existing : orders[account]) {
        if (existing.cloid == ord.cloid) return json::object{{"error", "Duplicate cloid."}};
      }
    }
    std::string tif;
    if (const auto* lim = t->get_object().if_contains("limit")) {
      const auto* tf = lim->is_object() ? lim->get_object().if_contains("tif") : nullptr;
      if (tf == nullptr || !tf->is_string()) return json::object{{"error", "Invalid tif."}};
      tif = std::string(tf->get_string());
      if (tif != "Gtc" && tif != "Ioc" && tif != "Alo") {
        return json::object{{"error", "Invalid tif."}};
      }
    } else if (const auto* trig = t->get_object().if_contains("trigger")) {
      ord.trigger = true;
      if (const auto* to = trig->if_object()) {
        if (auto tp = as_dec(to->if_contains("triggerPx"))) ord.trigger_px = *tp;
        if (const auto* k = to->if_contains("tpsl"); k != nullptr && k->is_string())
          ord.tpsl = std::string(k->get_string());
        if (const auto* m = to->if_contains("isMarket"); m != nullptr && m->is_bool())
          ord.is_market = m->get_bool();
      }
    } else {
      return json::object{{"error", "Invalid order type."}};
    }
    ord.tif = tif;
    if (!is_valid_hyperliquid_price(*px, asset.sz_decimals, true)) {
      return json::object{{"error", "Price must be divisible by tick size." + sfx}};
    }
    if (sz->decimal_places() > asset.sz_decimals || !sz->is_positive()) {
      return json::object{{"error", "Order has invalid size." + sfx}};
    }
    if (*px * *sz < Decimal::from_integer(10)) {
      return json::object{{"error", "Order must have minimum value of $10." + sfx}};
    }
    if (ord.reduce_only) {
      const auto& acct = accounts[account];
      const auto it = acct.positions.find(asset.name);
      const Decimal szi = it == acct.positions.end() ? Decimal::zero() : it->second.szi;
      const bool reduces = (ord.is_buy && szi.is_negative() && *sz <= szi.abs()) ||
                           (!ord.is_buy && szi.is_positive() && *sz <= szi);
      if (!reduces) {
        return json::object{{"error", "Reduce only order would increase position." + sfx}};
      }
    } else if (*px * *sz / options.leverage > withdrawable(account)) {
      return json::object{{"error", "Insufficient margin to place order." + sfx}};
    }
    ord.oid = next_oid++;
    ord.status = "open";
    auto& list = orders[account];
    if (ord.trigger) {
      list.push_back(ord);
      return json::value("waitingForTrigger");
    }
    const bool crosses = ord.is_buy ? *px >= asset.mark : *px <= asset.mark;
    if (crosses && tif == "Alo") {
      return json::object{{"error", "Post only order would have immediately matched, bbo was " +
                                        asset.mark.to_string() + "@" + asset.mark.to_string() +
                                        "." + sfx}};
    }
    if (!crosses && tif == "Ioc") {
      return json::object{
          {"error", "Order could not immediately match against any resting orders." + sfx}};
    }
    list.push_back(ord);
    auto& stored = list.back();
    if (crosses) {
      apply_fill(account, stored, asset.mark, *sz, true);
      json::object filled;
      filled["totalSz"] = sz->to_string();
      filled["avgPx"] = asset.mark.to_string();
      filled["oid"] = stored.oid;
      return json::object{{"filled", std::move(filled)}};
    }
    emit_order(account, stored);
    json::object resting;
    resting["oid"] = stored.oid;
    if (!stored.cloid.empty()) resting["cloid"] = stored.cloid;
    return json::object{{"resting", std::move(resting)}};
  }

  SimOrder* find_open(const std::string& account, std::optional<std::uint64_t> oid,
                      const std::string& cloid) {
    for (auto& o : orders[account]) {
      if (o.status != "open") continue;
      if ((oid && o.oid == *oid) || (!cloid.empty() && o.cloid == cloid)) return &o;
    }
    return nullptr;
  }

  static json::value ok(json::value response) {
    return json::object{{"status", "ok"}, {"response", std::move(response)}};
  }
  json::value err(std::string text) {
    refusals.push_back(text);
    return json::object{{"status", "err"}, {"response", std::move(text)}};
  }

  json::value exchange(const json::value& body) {
    ++exchange_requests;
    const auto* o = body.if_object();
    const auto* action = o != nullptr ? o->if_contains("action") : nullptr;
    const auto nonce = o != nullptr ? as_u64(o->if_contains("nonce")) : std::nullopt;
    const auto* sig = o != nullptr ? o->if_contains("signature") : nullptr;
    if (action == nullptr || !action->is_object() || !nonce || sig == nullptr ||
        !sig->is_object()) {
      return err("Invalid request: action, nonce and signature are required.");
    }
    RecoverInput in;
    in.action = action;
    in.nonce = *nonce;
    in.mainnet = options.mainnet;
    const auto& so = sig->get_object();
    const auto* r = so.if_contains("r");
    const auto* s = so.if_contains("s");
    const auto v = as_u64(so.if_contains("v"));
    if (r == nullptr || !r->is_string() || s == nullptr || !s->is_string() || !v) {
      return err("Invalid signature.");
    }
    in.r = std::string(r->get_string());
    in.s = std::string(s->get_string());
    in.v = static_cast<int>(*v);
    if (const auto* va = o->if_contains("vaultAddress"); va != nullptr && va->is_string()) {
      in.vault_address = lower(std::string(va->get_string()));
    }
    if (const auto* ea = o->if_contains("expiresAfter"); ea != nullptr && !ea->is_null()) {
      in.expires_after = as_u64(ea);
      if (!in.expires_after) return err("Invalid expiresAfter.");
    }
    const auto rec = recover_l1_signer(in);
    if (!rec.error.empty()) return err("Invalid signature: " + rec.error);
    const std::string signer = rec.address;
    last_signer = signer;
    std::string account;
    if (auto it = agents.find(signer); it != agents.end()) {
      account = it->second;
    } else if (accounts.count(signer) != 0) {
      account = signer;
    } else if (options.auto_register) {
      accounts[signer].deposit = options.initial_usdc;
      account = signer;
    } else {
      return err("User or API Wallet " + signer + " does not exist.");
    }
    if (in.vault_address) {
      if (accounts.count(*in.vault_address) == 0) {
        if (!options.auto_register) return err("Vault not registered: " + *in.vault_address);
        accounts[*in.vault_address].deposit = options.initial_usdc;
      }
      account = *in.vault_address;
    }
    const std::int64_t t = now();
    auto& used = used_nonces[signer];
    if (used.count(*nonce) != 0) {
      return err("Invalid nonce: duplicate nonce " + std::to_string(*nonce) + " for " + signer);
    }
    if (static_cast<std::int64_t>(*nonce) <= t - 2 * kDayMs ||
        static_cast<std::int64_t>(*nonce) >= t + kDayMs) {
      return err("Invalid nonce: " + std::to_string(*nonce) + " is outside (T - 2d, T + 1d)");
    }
    if (in.expires_after && static_cast<std::int64_t>(*in.expires_after) < t) {
      return err("Action expired: expiresAfter " + std::to_string(*in.expires_after) +
                 " is before " + std::to_string(t));
    }
    used.insert(*nonce);
    check_dead_man(account);
    const auto& a = action->get_object();
    const auto* type = a.if_contains("type");
    const std::string kind =
        type != nullptr && type->is_string() ? std::string(type->get_string()) : std::string();
    if (kind == "order") {
      const auto* list = a.if_contains("orders");
      if (list == nullptr || !list->is_array()) return err("Invalid order action.");
      json::array statuses;
      for (const auto& w : list->get_array()) statuses.push_back(order_item(account, w));
      ++accepted;
      return ok(json::object{{"type", "order"},
                             {"data", json::object{{"statuses", std::move(statuses)}}}});
    }
    if (kind == "cancel" || kind == "cancelByCloid") {
      const auto* list = a.if_contains("cancels");
      if (list == nullptr || !list->is_array()) return err("Invalid cancel action.");
      json::array statuses;
      for (const auto& c : list->get_array()) {
        const auto* co = c.if_object();
        SimOrder* found = nullptr;
        if (co != nullptr && kind == "cancel") {
          found = find_open(account, as_u64(co->if_contains("o")), "");
        } else if (co != nullptr) {
          const auto* cl = co->if_contains("cloid");
          if (cl != nullptr && cl->is_string()) {
            found = find_open(account, std::nullopt, std::string(cl->get_string()));
          }
        }
        if (found == nullptr) {
          statuses.push_back(
              json::object{{"error", "Order was never placed, already canceled, or filled."}});
        } else {
          found->status = "canceled";
          found->status_timestamp = now();
          emit_order(account, *found);
          statuses.push_back("success");
        }
      }
      ++accepted;
      return ok(json::object{{"type", "cancel"},
                             {"data", json::object{{"statuses", std::move(statuses)}}}});
    }
    if (kind == "scheduleCancel") {
      if (const auto* time = a.if_contains("time")) {
        const auto at = as_u64(time);
        if (!at) return err("Invalid scheduleCancel time.");
        if (static_cast<std::int64_t>(*at) < t + 5000) {
          return err("Scheduled cancel time too early, must be at least 5 seconds from now.");
        }
        accounts[account].dead_man = static_cast<std::int64_t>(*at);
      } else {
        accounts[account].dead_man.reset();
      }
      ++accepted;
      return ok(json::object{{"type", "default"}});
    }
    return err("Unknown action type: " + kind);
  }

  json::object order_json(const SimOrder& o) const {
    json::object j;
    j["coin"] = o.coin;
    j["side"] = o.is_buy ? "B" : "A";
    j["limitPx"] = o.limit_px.to_string();
    j["sz"] = o.sz.to_string();
    j["oid"] = o.oid;
    j["timestamp"] = o.timestamp;
    j["origSz"] = o.orig_sz.to_string();
    if (!o.cloid.empty()) j["cloid"] = o.cloid;
    j["reduceOnly"] = o.reduce_only;
    if (!o.tif.empty()) j["tif"] = o.tif;
    return j;
  }

  json::value candle_snapshot(const json::object& o) {
    const auto* req = o.if_contains("req");
    const auto* r = req != nullptr ? req->if_object() : nullptr;
    if (r == nullptr) return json::value(nullptr);
    const auto* coin_v = r->if_contains("coin");
    const auto* interval_v = r->if_contains("interval");
    const auto start = as_u64(r->if_contains("startTime"));
    if (coin_v == nullptr || !coin_v->is_string() || interval_v == nullptr ||
        !interval_v->is_string() || !start) {
      return json::value(nullptr);
    }
    const std::string coin(coin_v->get_string());
    const std::string interval(interval_v->get_string());
    const auto step = interval_ms(interval);
    if (!step) return json::value(nullptr);  // 422, as the venue's deserializer
    const std::int64_t now_ms = now();
    const std::int64_t end =
        static_cast<std::int64_t>(as_u64(r->if_contains("endTime")).value_or(now_ms));
    const SimAsset* asset = asset_by_name(coin);
    if (asset == nullptr) return json::array{};
    std::vector<SimCandle> list;
    if (auto it = candles.find({coin, interval}); it != candles.end()) {
      for (const auto& c : it->second) {
        if (c.t >= static_cast<std::int64_t>(*start) && c.t <= end) list.push_back(c);
      }
      std::stable_sort(list.begin(), list.end(),
                       [](const SimCandle& a, const SimCandle& b) { return a.t < b.t; });
    } else {
      const std::int64_t last = std::min(end, now_ms) / *step * *step;
      std::int64_t first = (static_cast<std::int64_t>(*start) + *step - 1) / *step * *step;
      first = std::max(first, last - static_cast<std::int64_t>(kCandlesKept - 1) * *step);
      for (std::int64_t t = first; t <= last; t += *step) {
        list.push_back(generated_candle(asset->mark, t, *step));
      }
    }
    if (list.size() > kCandlesKept) {
      list.erase(list.begin(), list.end() - static_cast<std::ptrdiff_t>(kCandlesKept));
    }
    json::array out;
    for (const auto& c : list) {
      out.push_back(json::object{{"t", c.t},
                                 {"T", c.t + *step - 1},
                                 {"s", coin},
                                 {"i", interval},
                                 {"o", c.open},
                                 {"c", c.close},
                                 {"h", c.high},
                                 {"l", c.low},
                                 {"v", c.volume},
                                 {"n", c.trades}});
    }
    return out;
  }

  json::value info(const json::value& body) {
    const auto* o = body.if_object();
    const auto* type = o != nullptr ? o->if_contains("type") : nullptr;
    if (type == nullptr || !type->is_string()) return json::value(nullptr);
    const std::string kind(type->get_string());
    std::string user;
    if (const auto* u = o->if_contains("user"); u != nullptr && u->is_string()) {
      user = lower(std::string(u->get_string()));
    }
    if (!user.empty() && accounts.count(user) != 0) check_dead_man(user);
    if (kind == "meta") {
      json::array universe;
      for (const auto& a : assets) {
        universe.push_back(json::object{
            {"name", a.name}, {"szDecimals", a.sz_decimals}, {"maxLeverage", a.max_leverage}});
      }
      return json::object{{"universe", std::move(universe)}};
    }
    if (kind == "allMids") {
      json::object mids;
      for (const auto& a : assets) mids[a.name] = a.mark.to_string();
      return mids;
    }
    if (kind == "openOrders" || kind == "frontendOpenOrders") {
      json::array out;
      if (auto it = orders.find(user); it != orders.end()) {
        for (const auto& ord : it->second) {
          if (ord.status == "open") out.push_back(order_json(ord));
        }
      }
      return out;
    }
    if (kind == "orderStatus") {
      if (unknown_oid > 0) {
        --unknown_oid;
        return json::object{{"status", "unknownOid"}};
      }
      const auto* oid_v = o->if_contains("oid");
      const auto oid = as_u64(oid_v);
      const std::string cloid =
          oid_v != nullptr && oid_v->is_string() ? std::string(oid_v->get_string()) : "";
      if (auto it = orders.find(user); it != orders.end()) {
        for (const auto& ord : it->second) {
          if ((oid && ord.oid == *oid) || (!cloid.empty() && ord.cloid == cloid)) {
            return json::object{{"status", "order"},
                                {"order", json::object{{"order", order_json(ord)},
                                                       {"status", ord.status},
                                                       {"statusTimestamp", ord.status_timestamp}}}};
          }
        }
      }
      return json::object{{"status", "unknownOid"}};
    }
    if (kind == "userFills" || kind == "userFillsByTime") {
      std::int64_t start = 0;
      if (const auto* st = o->if_contains("startTime")) {
        start = static_cast<std::int64_t>(as_u64(st).value_or(0));
      }
      std::vector<const SimFill*> list;
      if (auto it = fills.find(user); it != fills.end()) {
        for (const auto& f : it->second) {
          if (kind == "userFillsByTime" && f.time < start) continue;
          list.push_back(&f);
        }
      }
      if (kind == "userFillsByTime" && fills_page > 0 && list.size() > fills_page) {
        std::stable_sort(list.begin(), list.end(),
                         [](const SimFill* a, const SimFill* b) { return a->time < b->time; });
        list.resize(fills_page);
      }
      json::array out;
      for (const auto* f : list) out.push_back(fill_json(*f));
      return out;
    }
    if (kind == "candleSnapshot") return candle_snapshot(*o);
    if (kind == "clearinghouseState") {
      if (accounts.count(user) == 0) {
        accounts[user];  // the venue answers an empty account for any address
      }
      const Decimal value = account_value(user);
      const Decimal used = margin_used(user);
      json::object summary{{"accountValue", value.to_string()},
                           {"totalNtlPos", "0"},
                           {"totalRawUsd", value.to_string()},
                           {"totalMarginUsed", used.to_string()}};
      json::array positions;
      for (const auto& [coin, p] : accounts[user].positions) {
        const SimAsset* a = asset_by_name(coin);
        const Decimal mark = a != nullptr ? a->mark : p.entry;
        json::object pos{
            {"coin", coin},
            {"szi", p.szi.to_string()},
            {"leverage", json::object{{"type", "cross"}, {"value", options.leverage.to_int()}}},
            {"entryPx", p.entry.to_string()},
            {"positionValue", (p.szi.abs() * mark).to_string()},
            {"unrealizedPnl", ((mark - p.entry) * p.szi).to_string()},
            {"returnOnEquity", "0"},
            {"liquidationPx", nullptr},
            {"marginUsed", (p.szi.abs() * p.entry / options.leverage).to_string()},
            {"maxLeverage", a != nullptr ? a->max_leverage : 50}};
        positions.push_back(json::object{{"type", "oneWay"}, {"position", std::move(pos)}});
      }
      return json::object{{"marginSummary", summary},
                          {"crossMarginSummary", summary},
                          {"crossMaintenanceMarginUsed", "0"},
                          {"withdrawable", withdrawable(user).to_string()},
                          {"assetPositions", std::move(positions)},
                          {"time", now()}};
    }
    return json::value(nullptr);
  }

  // Counts every order and cancel request on arrival, by client id (and oid for a cancel),
  // before any scripted fault: "sent once" is checked against these.
  void count_requests(const json::object& body) {
    const auto* a = body.if_contains("action");
    if (a == nullptr || !a->is_object()) return;
    const auto& action = a->get_object();
    const auto* type = action.if_contains("type");
    if (type == nullptr || !type->is_string()) return;
    const std::string kind(type->get_string());
    const char* list_key = kind == "order" ? "orders" : "cancels";
    if (kind != "order" && kind != "cancel" && kind != "cancelByCloid") return;
    const auto* list = action.if_contains(list_key);
    if (list == nullptr || !list->is_array()) return;
    for (const auto& item : list->get_array()) {
      const auto* o = item.if_object();
      if (o == nullptr) continue;
      if (kind == "order") {
        if (const auto* c = o->if_contains("c"); c != nullptr && c->is_string()) {
          ++place_requests[std::string(c->get_string())];
        }
      } else if (kind == "cancel") {
        if (auto oid = as_u64(o->if_contains("o"))) ++cancel_requests[std::to_string(*oid)];
      } else if (const auto* c = o->if_contains("cloid"); c != nullptr && c->is_string()) {
        ++cancel_requests[std::string(c->get_string())];
      }
    }
  }

  testsupport::HttpReply handle(const testsupport::HttpSeen& seen) {
    std::lock_guard lock(mu);
    testsupport::HttpReply reply;
    reply.headers.push_back({"Content-Type", "application/json"});
    reply.headers.push_back({"Date", http_date(now())});
    std::error_code ec;
    json::value body = json::parse(seen.body, ec);
    std::string match = seen.target == "/exchange" ? "exchange" : "info";
    std::string detail;
    if (!ec && body.is_object()) {
      const auto& bo = body.get_object();
      const json::value* t = nullptr;
      if (match == "info") {
        t = bo.if_contains("type");
      } else if (const auto* a = bo.if_contains("action"); a != nullptr && a->is_object()) {
        t = a->get_object().if_contains("type");
      }
      if (t != nullptr && t->is_string()) detail = match + ":" + std::string(t->get_string());
    }
    if (!ec && detail.rfind("exchange:", 0) == 0) count_requests(body.get_object());
    std::optional<SimFault> fault;
    if (!faults.empty()) {
      const auto& f = faults.front();
      if (f.match.empty() || f.match == match || f.match == detail) {
        fault = f;
        faults.pop_front();
      }
    }
    if (fault && !fault->process) {
      auto r = fault->reply;
      r.headers.push_back({"Date", http_date(now())});
      return r;
    }
    if (seen.method != "POST" || (seen.target != "/exchange" && seen.target != "/info")) {
      reply.status = 404;
      reply.body = "Not Found";
    } else if (ec) {
      reply.status = 422;
      reply.body = "Failed to deserialize the JSON body into the target type";
    } else {
      const json::value out = match == "exchange" ? exchange(body) : info(body);
      if (out.is_null()) {
        reply.status = 422;
        reply.body = "Failed to deserialize the JSON body into the target type";
      } else {
        reply.body = json::serialize(out);
      }
    }
    if (fault) {
      reply.fault = fault->reply.fault;
      reply.truncate_at = fault->reply.truncate_at;
      reply.close = fault->reply.close;
      if (!fault->reply.body.empty()) {
        reply.status = fault->reply.status;
        reply.body = fault->reply.body;
      }
    }
    return reply;
  }
};

HyperliquidSim::HyperliquidSim(SimOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  testsupport::HttpServerOptions so;
  so.tls = impl_->options.tls;
  server_ = std::make_unique<testsupport::HttpServer>(so);
  testsupport::WsServerOptions wso;
  wso.tls = impl_->options.tls;
  ws_ = std::make_unique<testsupport::WsServer>(wso);
  std::weak_ptr<Impl> weak = impl_;
  testsupport::WsServer* ws = ws_.get();
  ws_->on_message([weak, ws](testsupport::WsSession& session, const std::string& text) {
    if (auto impl = weak.lock()) impl->on_ws_message(*ws, session, text);
  });
  server_->on_request([weak](const testsupport::HttpSeen& seen) {
    if (auto impl = weak.lock()) return impl->handle(seen);
    testsupport::HttpReply r;
    r.status = 503;
    return r;
  });
}

HyperliquidSim::~HyperliquidSim() {
  stop();
}

std::string HyperliquidSim::base_url() const {
  auto u = server_->url("/");
  if (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

void HyperliquidSim::add_asset(SimAsset asset) {
  std::lock_guard lock(impl_->mu);
  impl_->assets.push_back(std::move(asset));
}

void HyperliquidSim::set_mark(const std::string& coin, Decimal mark) {
  std::lock_guard lock(impl_->mu);
  for (auto& a : impl_->assets) {
    if (a.name == coin) a.mark = mark;
  }
  for (auto& [account, list] : impl_->orders) {
    for (auto& o : list) {
      if (o.status != "open" || o.coin != coin) continue;
      if (o.trigger) {
        if (!o.trigger_px.is_positive()) continue;  // injected without a trigger price
        // A stop-loss sells on the way down (buys on the way up); a take-profit the other way.
        const bool falls_to = mark <= o.trigger_px;
        const bool rises_to = mark >= o.trigger_px;
        const bool fires = (o.tpsl == "tp") == o.is_buy ? falls_to : rises_to;
        if (!fires) continue;
        const auto& positions = impl_->accounts[account].positions;
        const auto it = positions.find(coin);
        const Decimal szi = it == positions.end() ? Decimal::zero() : it->second.szi;
        const bool reduces = (o.is_buy && szi.is_negative() && o.sz <= szi.abs()) ||
                             (!o.is_buy && szi.is_positive() && o.sz <= szi);
        if (o.reduce_only && !reduces) {
          o.status = "reduceOnlyCanceled";
          o.status_timestamp = impl_->now();
          impl_->emit_order(account, o);
          continue;
        }
        impl_->apply_fill(account, o, o.is_market ? mark : o.limit_px, o.sz, true);
        continue;
      }
      const bool crosses = o.is_buy ? mark <= o.limit_px : mark >= o.limit_px;
      if (crosses) impl_->apply_fill(account, o, o.limit_px, o.sz, false);
    }
  }
}

std::optional<std::pair<Decimal, Decimal>> HyperliquidSim::position(const std::string& account,
                                                                    const std::string& coin) const {
  std::lock_guard lock(impl_->mu);
  const auto a = impl_->accounts.find(lower(account));
  if (a == impl_->accounts.end()) return std::nullopt;
  const auto p = a->second.positions.find(coin);
  if (p == a->second.positions.end() || p->second.szi.is_zero()) return std::nullopt;
  return std::make_pair(p->second.szi, p->second.entry);
}

void HyperliquidSim::add_account(const std::string& address, Decimal usdc) {
  std::lock_guard lock(impl_->mu);
  impl_->accounts[lower(address)].deposit = usdc;
}

void HyperliquidSim::add_agent(const std::string& agent, const std::string& account) {
  std::lock_guard lock(impl_->mu);
  impl_->agents[lower(agent)] = lower(account);
}

std::uint64_t HyperliquidSim::inject_order(const std::string& account, SimOrder order) {
  std::lock_guard lock(impl_->mu);
  if (order.oid == 0) order.oid = impl_->next_oid++;
  if (order.status.empty()) order.status = "open";
  if (order.timestamp == 0) order.timestamp = impl_->now();
  if (order.status_timestamp == 0) order.status_timestamp = order.timestamp;
  const std::string acct = lower(account);
  impl_->orders[acct].push_back(order);
  impl_->emit_order(acct, order);
  return order.oid;
}

void HyperliquidSim::inject_fill(const std::string& account, SimFill fill) {
  std::lock_guard lock(impl_->mu);
  if (fill.tid == 0) fill.tid = impl_->next_tid++;
  if (fill.time == 0) fill.time = impl_->now();
  const std::string acct = lower(account);
  impl_->fills[acct].push_back(fill);
  impl_->emit_fill(acct, fill);
}

void HyperliquidSim::inject_position(const std::string& account, const std::string& coin,
                                     Decimal szi, Decimal entry) {
  std::lock_guard lock(impl_->mu);
  impl_->accounts[lower(account)].positions[coin] = Impl::Position{szi, entry};
}

void HyperliquidSim::set_candles(const std::string& coin, const std::string& interval,
                                 std::vector<SimCandle> candles) {
  std::lock_guard lock(impl_->mu);
  impl_->candles[{coin, interval}] = std::move(candles);
}

SimCandle HyperliquidSim::generated_candle(Decimal mark, std::int64_t t, std::int64_t interval_ms) {
  // Deterministic in (mark, t): prices within +-2% of the mark in steps of mark/1000, a volume
  // with five decimals and 1-4 trades. Prices keep a trailing ".0" like the venue's ("29258.0").
  const std::int64_t k = t / interval_ms;
  const Decimal unit = mark * Decimal::from_raw8(100'000);  // mark x 0.001
  const Decimal open = mark + unit * Decimal::from_integer(k % 17);
  const Decimal close = mark + unit * Decimal::from_integer((k * 7) % 17);
  const Decimal high = std::max(open, close) + unit * Decimal::from_integer(k % 3);
  const Decimal low = std::min(open, close) - unit * Decimal::from_integer(k % 5);
  auto text = [](Decimal d) {
    std::string s = d.to_string();
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  };
  SimCandle c;
  c.t = t;
  c.open = text(open);
  c.high = text(high);
  c.low = text(low);
  c.close = text(close);
  c.volume = Decimal::from_raw8((k % 1000 + 1) * 1000).to_string();
  c.trades = static_cast<std::uint64_t>(1 + k % 4);
  return c;
}

void HyperliquidSim::set_fills_page(std::size_t n) {
  std::lock_guard lock(impl_->mu);
  impl_->fills_page = n;
}

void HyperliquidSim::push_fault(SimFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}

void HyperliquidSim::reject_next_orders(std::vector<std::string> texts) {
  std::lock_guard lock(impl_->mu);
  for (auto& t : texts) impl_->item_rejections.push_back(std::move(t));
}

void HyperliquidSim::unknown_oid_for_next(int n) {
  std::lock_guard lock(impl_->mu);
  impl_->unknown_oid = n;
}

void HyperliquidSim::release_held() {
  server_->release_held();
}

void HyperliquidSim::stop() {
  if (server_) server_->stop();
  if (ws_) ws_->stop();
  std::lock_guard lock(impl_->mu);
  impl_->subscriptions.clear();
}

std::string HyperliquidSim::ws_url() const {
  return ws_->url("/ws");
}

std::size_t HyperliquidSim::ws_subscriptions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subscriptions.size();
}

std::size_t HyperliquidSim::exchange_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->exchange_requests;
}

std::size_t HyperliquidSim::place_requests(const std::string& cloid) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->place_requests.find(cloid);
  return it == impl_->place_requests.end() ? 0 : it->second;
}

std::size_t HyperliquidSim::cancel_requests(const std::string& oid_or_cloid) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->cancel_requests.find(oid_or_cloid);
  return it == impl_->cancel_requests.end() ? 0 : it->second;
}

std::size_t HyperliquidSim::accepted_actions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->accepted;
}

std::vector<std::string> HyperliquidSim::refusals() const {
  std::lock_guard lock(impl_->mu);
  return impl_->refusals;
}

std::vector<SimOrder> HyperliquidSim::orders(const std::string& account) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->orders.find(lower(account));
  return it == impl_->orders.end() ? std::vector<SimOrder>{} : it->second;
}

std::vector<SimFill> HyperliquidSim::fills(const std::string& account) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->fills.find(lower(account));
  return it == impl_->fills.end() ? std::vector<SimFill>{} : it->second;
}

std::string HyperliquidSim::last_signer() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_signer;
}

std::optional<std::int64_t> HyperliquidSim::dead_man_time(const std::string& account) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->accounts.find(lower(account));
  if (it == impl_->accounts.end()) return std::nullopt;
  return it->second.dead_man;
}

std::vector<std::uint64_t> HyperliquidSim::nonces(const std::string& signer) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->used_nonces.find(lower(signer));
  if (it == impl_->used_nonces.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace nzeza::sim::hyperliquid
