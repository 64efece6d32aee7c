#include "venues/dydx/rest_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <string_view>

#include "market/candle_check.hpp"
#include "venues/candle_history.hpp"
#include "venues/dydx/indexer_json.hpp"

namespace nzeza::venues::dydx {
namespace json = boost::json;
namespace {

const json::value* field(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

std::string text_of(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

Result<Decimal> decimal_of(const json::value* v, std::string_view what) {
  const std::string t = text_of(v);
  if (t.empty()) return fail(ErrorCode::protocol, "missing decimal field " + std::string(what));
  auto d = Decimal::parse(t);
  if (!d) return Error(ErrorCode::protocol, std::string(what) + ": " + d.error().message);
  return d;
}

template <typename T>
std::optional<T> int_of(const json::value* v) {
  const std::string t = text_of(v);
  T out{};
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return out;
}

Error protocol(std::string what) {
  return Error(ErrorCode::protocol, std::move(what));
}

// tx_response codes that mean "refused in CheckTx: nothing was placed, matched or cancelled",
// each with the line that documents it in docs/errors/dydx.md. CheckTx on dYdX is not free of
// effects (a short-term order can match in the node's in-memory book before a later check
// fails), so an unlisted code is not a refusal.
struct RefusedCode {
  std::string_view codespace;
  std::uint32_t code;
  ErrorCode as;
};
constexpr RefusedCode kRefusedInCheckTx[] = {
    {"sdk", 2, ErrorCode::rejected},                  // tx parse error
    {"sdk", 4, ErrorCode::auth_failed},               // unauthorized (signature verification)
    {"sdk", 5, ErrorCode::insufficient_balance},      // insufficient funds
    {"sdk", 6, ErrorCode::rejected},                  // unknown request
    {"sdk", 8, ErrorCode::auth_failed},               // invalid pubkey
    {"sdk", 9, ErrorCode::rejected},                  // unknown address
    {"sdk", 11, ErrorCode::rejected},                 // out of gas
    {"sdk", 13, ErrorCode::rejected},                 // insufficient fee
    {"sdk", 20, ErrorCode::unavailable},              // mempool is full
    {"sdk", 32, ErrorCode::invalid_state},            // incorrect account sequence
    {"clob", 4, ErrorCode::rejected},                 // invalid order quantums
    {"clob", 5, ErrorCode::rejected},                 // invalid order goodTilBlock
    {"clob", 6, ErrorCode::rejected},                 // invalid order subticks
    {"clob", 8, ErrorCode::rejected},                 // ClobPair ID is not a valid CLOB
    {"clob", 10, ErrorCode::rejected},                // next height > GoodTilBlock
    {"clob", 11, ErrorCode::rejected},                // GoodTilBlock beyond ShortBlockWindow
    {"clob", 17, ErrorCode::rejected},                // > 20 open orders on a CLOB and side
    {"clob", 2003, ErrorCode::rejected},              // post-only would cross
    {"clob", 3003, ErrorCode::rejected},              // block time > GoodTilBlockTime
    {"clob", 3004, ErrorCode::rejected},              // GoodTilBlockTime beyond the window
    {"clob", 3005, ErrorCode::rejected},              // stateful order already exists
    {"clob", 3006, ErrorCode::not_found},             // stateful order does not exist
    {"clob", 3007, ErrorCode::insufficient_balance},  // collateralization check failed
    {"clob", 5001, ErrorCode::rate_limited},          // block rate limit exceeded
    {"clob", 10001, ErrorCode::rejected},             // equity tier open-order limit
};

}  // namespace

Result<BroadcastAnswer> parse_broadcast_answer(const json::value& answer) {
  const json::value* txr = field(answer, "tx_response");
  if (txr == nullptr || !txr->is_object()) return protocol("broadcast answer lacks tx_response");
  BroadcastAnswer a;
  const json::value* code = field(*txr, "code");
  a.code = code == nullptr ? std::optional<std::uint32_t>(0) : int_of<std::uint32_t>(code);
  a.codespace = text_of(field(*txr, "codespace"));
  a.raw_log = text_of(field(*txr, "raw_log"));
  a.txhash = text_of(field(*txr, "txhash"));
  a.venue_code = a.codespace + ":" + (a.code ? std::to_string(*a.code) : text_of(code));
  return a;
}

TxClass classify_tx(const BroadcastAnswer& a) noexcept {
  if (!a.code) return {TxVerdict::unknown, ErrorCode::rejected};
  if (*a.code == 0 || (a.codespace == "sdk" && *a.code == 19))
    return {TxVerdict::accepted, ErrorCode::rejected};
  for (const auto& r : kRefusedInCheckTx)
    if (r.codespace == a.codespace && r.code == *a.code) return {TxVerdict::refused, r.as};
  return {TxVerdict::unknown, ErrorCode::rejected};
}

ErrorBody error_body_of(const json::value& body) {
  ErrorBody out;
  if (const auto* m = field(body, "message"); m != nullptr && m->is_string()) {
    out.text = std::string(m->get_string());
    out.code = text_of(field(body, "code"));
  } else if (const auto* es = field(body, "errors");
             es != nullptr && es->is_array() && !es->as_array().empty()) {
    out.text = text_of(field(es->as_array()[0], "msg"));
  }
  return out;
}

Result<std::uint32_t> parse_height(const json::value& answer) {
  auto h = int_of<std::uint32_t>(field(answer, "height"));
  if (!h) return protocol("no height in /v4/height answer");
  return *h;
}

Result<Timestamp> parse_server_time(const json::value& answer) {
  auto t = Timestamp::parse_iso8601(text_of(field(answer, "iso")));
  if (!t) return protocol("no iso time in /v4/time answer");
  return *t;
}

Result<AccountInfo> parse_account(const json::value& answer) {
  const json::value* acc = field(answer, "account");
  // A vesting or module account nests the base account; dYdX users have BaseAccount.
  if (acc != nullptr)
    if (const json::value* base = field(*acc, "base_account")) acc = base;
  auto num = int_of<std::uint64_t>(acc ? field(*acc, "account_number") : nullptr);
  auto seq = int_of<std::uint64_t>(acc ? field(*acc, "sequence") : nullptr);
  if (!num || !seq) return protocol("account answer lacks account_number/sequence");
  return AccountInfo{*num, *seq};
}

Result<std::string> parse_node_network(const json::value& answer) {
  const json::value* info = field(answer, "default_node_info");
  std::string net = info ? text_of(field(*info, "network")) : std::string();
  if (net.empty()) return protocol("node_info lacks the network");
  return net;
}

Result<std::vector<IndexerOrder>> parse_orders(const json::value& answer,
                                               const InstrumentRegistry& registry, Timestamp now) {
  if (!answer.is_array()) return protocol("orders answer is not a list");
  std::vector<IndexerOrder> out;
  out.reserve(answer.as_array().size());
  for (const auto& o : answer.as_array()) {
    // One we cannot read fails the whole answer rather than vanish from it.
    auto v = parse_indexer_order(o, registry, now);
    if (!v) return protocol(v.error().message);
    IndexerOrder io;
    io.order = std::move(*v);
    io.order_flags = int_of<std::uint32_t>(field(o, "orderFlags")).value_or(0);
    io.clob_pair_id = int_of<std::uint32_t>(field(o, "clobPairId")).value_or(0);
    out.push_back(std::move(io));
  }
  return out;
}

Result<std::vector<IndexerFill>> parse_fills(const json::value& answer,
                                             const InstrumentRegistry& registry) {
  const json::value* fills = field(answer, "fills");
  if (fills == nullptr || !fills->is_array()) return protocol("fills answer lacks fills[]");
  std::vector<IndexerFill> out;
  out.reserve(fills->as_array().size());
  for (const auto& f : fills->as_array()) {
    auto fill = parse_indexer_fill(f, registry);
    if (!fill) return protocol(fill.error().message);
    out.push_back({std::move(*fill), text_of(field(f, "orderId"))});
  }
  return out;
}

Result<SubaccountAnswer> parse_subaccount(const json::value& answer,
                                          const InstrumentRegistry& registry) {
  const json::value* sub = field(answer, "subaccount");
  if (sub == nullptr || !sub->is_object()) return protocol("no subaccount");
  auto equity = decimal_of(field(*sub, "equity"), "equity");
  auto free = decimal_of(field(*sub, "freeCollateral"), "freeCollateral");
  if (!equity || !free) return protocol("malformed equity/freeCollateral");
  SubaccountAnswer out;
  out.equity = *equity;
  out.free_collateral = *free;
  const json::value* open = field(*sub, "openPerpetualPositions");
  if (open == nullptr || !open->is_object()) return out;
  for (const auto& [ticker, p] : open->as_object()) {
    auto size = decimal_of(field(p, "size"), "size");
    if (!size) return protocol("bad position size for " + std::string(ticker));
    VenuePosition v;
    // A market the registry does not hold: invalid instrument, the ticker kept.
    if (const Instrument* ins = registry.find(Venue::dydx, ticker)) v.instrument = ins->id;
    v.venue_symbol = std::string(ticker);
    v.quantity = *size;
    if (text_of(field(p, "side")) == "SHORT" && v.quantity.signum() > 0) v.quantity = -v.quantity;
    if (auto e = decimal_of(field(p, "entryPrice"), "entryPrice")) v.entry_price = *e;
    if (auto u = decimal_of(field(p, "unrealizedPnl"), "unrealizedPnl")) v.unrealized_pnl = *u;
    v.quote = "USDC";
    out.positions.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Instrument>> parse_markets(const json::value& answer,
                                              const std::vector<std::string>& wanted) {
  const json::value* markets = field(answer, "markets");
  if (markets == nullptr || !markets->is_object()) return protocol("no markets object");
  std::vector<Instrument> out;
  for (const auto& [key, m] : markets->as_object()) {
    const std::string ticker = text_of(field(m, "ticker"));
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), ticker) == wanted.end())
      continue;
    auto tick = decimal_of(field(m, "tickSize"), "tickSize");
    auto step = decimal_of(field(m, "stepSize"), "stepSize");
    auto pair = int_of<std::uint32_t>(field(m, "clobPairId"));
    auto ar = int_of<int>(field(m, "atomicResolution"));
    auto qce = int_of<int>(field(m, "quantumConversionExponent"));
    auto sbq = int_of<std::uint64_t>(field(m, "stepBaseQuantums"));
    auto spt = int_of<std::uint64_t>(field(m, "subticksPerTick"));
    if (ticker.empty() || !tick || !step || !pair || !ar || !qce || !sbq || !spt)
      return protocol("market " + std::string(key) + " is incomplete");
    Instrument ins;
    ins.venue = Venue::dydx;
    ins.kind = InstrumentKind::perpetual;
    ins.canonical = ticker;
    ins.venue_symbol = ticker;
    const auto dash = ticker.find('-');
    ins.base = ticker.substr(0, dash);
    ins.quote = dash == std::string::npos ? "USD" : ticker.substr(dash + 1);
    ins.tick_size = *tick;
    ins.lot_size = *step;
    ins.min_size = *step;
    ins.status =
        text_of(field(m, "status")) == "ACTIVE" ? TradingStatus::trading : TradingStatus::halted;
    ins.dydx_clob_pair_id = *pair;
    ins.dydx_atomic_resolution = *ar;
    ins.dydx_quantum_conversion_exponent = *qce;
    ins.dydx_step_base_quantums = *sbq;
    ins.dydx_subticks_per_tick = *spt;
    out.push_back(std::move(ins));
  }
  return out;
}

namespace {

constexpr CandleResolution kResolutions[] = {
    {std::chrono::minutes(1), "1MIN"},    {std::chrono::minutes(5), "5MINS"},
    {std::chrono::minutes(15), "15MINS"}, {std::chrono::minutes(30), "30MINS"},
    {std::chrono::hours(1), "1HOUR"},     {std::chrono::hours(4), "4HOURS"},
    {std::chrono::hours(24), "1DAY"},
};

}  // namespace

std::span<const CandleResolution> candle_resolutions() noexcept {
  return kResolutions;
}

Result<std::vector<market::Candle>> parse_candles(const json::value& answer,
                                                  std::string_view ticker, Duration resolution,
                                                  Timestamp now) {
  const json::value* list = field(answer, "candles");
  if (list == nullptr || !list->is_array())
    return protocol("candles answer without a candles list");
  const auto wire = history::find_wire(kResolutions, resolution);
  const std::string asked = wire ? std::string(*wire) : market::interval_text(resolution);
  std::vector<market::Candle> out;
  out.reserve(list->as_array().size());
  std::size_t index = 0;
  for (const auto& item : list->as_array()) {
    const std::string where = "candle " + std::to_string(index++);
    if (!item.is_object()) return protocol(where + " is not an object");
    const json::value* tk = field(item, "ticker");
    if (tk == nullptr || !tk->is_string()) return protocol(where + ": missing string ticker");
    if (tk->as_string() != ticker) {
      return protocol(where + ": ticker " + std::string(tk->as_string()) + ", asked for " +
                      std::string(ticker));
    }
    const json::value* res = field(item, "resolution");
    if (res == nullptr || !res->is_string()) return protocol(where + ": missing string resolution");
    if (res->as_string() != asked) {
      return protocol(where + ": resolution " + std::string(res->as_string()) + ", asked for " +
                      asked);
    }
    const json::value* started = field(item, "startedAt");
    if (started == nullptr || !started->is_string()) {
      return protocol(where + ": missing string startedAt");
    }
    auto start = Timestamp::parse_iso8601(started->as_string());
    if (!start) return protocol(where + ": startedAt: " + start.error().message);
    const json::value* trades = field(item, "trades");
    if (trades == nullptr || !(trades->is_int64() || trades->is_uint64())) {
      return protocol(where + ": missing integer trades");
    }
    const auto n = int_of<std::uint32_t>(trades);
    if (!n) return protocol(where + ": trades " + json::serialize(*trades) + " out of range");
    market::Candle c;
    c.start = *start;
    c.interval = resolution;
    static constexpr std::array<const char*, 5> kPriceKeys{"open", "high", "low", "close",
                                                           "baseTokenVolume"};
    for (auto [key, to] : history::candle_decimals(c, kPriceKeys)) {
      const json::value* v = field(item, key);
      if (v == nullptr || !v->is_string()) {
        return protocol(where + ": missing decimal string " + std::string(key));
      }
      auto d = Decimal::parse(v->as_string());
      if (!d) return protocol(where + ": " + std::string(key) + ": " + d.error().message);
      *to = *d;
    }
    history::set_trade_count(c, *n);
    if (auto ok = market::check_candle(c); !ok) {
      return protocol(where + " (" + std::string(started->as_string()) +
                      "): " + ok.error().message);
    }
    if (c.end() > now) continue;  // still open
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (std::size_t k = 1; k < out.size(); ++k) {
    if (out[k].start == out[k - 1].start) {
      return protocol("two candles start at " + out[k].start.to_iso8601());
    }
  }
  return out;
}

}  // namespace nzeza::venues::dydx
