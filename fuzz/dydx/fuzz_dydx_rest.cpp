// Every reader of the dYdX node's and Indexer's REST answers (rest_codec.hpp) on arbitrary
// bytes. The first byte picks the reader ('b' broadcast answer, 'e' error body, 'h' height,
// 't' server time, 'a' account, 'n' node info, 'o' orders — status and open orders —, 'f' fills,
// 's' subaccount — balances and positions —, 'm' markets, 'c' candles); any other byte runs them
// all. The rest is parsed as JSON. Never crashes, and every answer keeps the readers' promises: a
// tx is accepted only for code 0 or "sdk" 19; every order, fill and position has a venue_symbol
// and a valid instrument only for a market of the registry; decimals are what the text said;
// candles are closed, valid (check_candle), strictly ascending and a gap exactly when they had
// no trade.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/instrument.hpp"
#include "market/candle_check.hpp"
#include "venues/dydx/rest_codec.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::dydx;

Instrument market(const char* ticker, std::uint32_t pair, int atomic_resolution) {
  Instrument i;
  i.venue = Venue::dydx;
  i.kind = InstrumentKind::perpetual;
  i.canonical = ticker;
  i.venue_symbol = ticker;
  i.base = std::string(ticker).substr(0, 3);
  i.quote = "USD";
  i.tick_size = Decimal::one();
  i.lot_size = Decimal::from_raw8(10'000);
  i.dydx_clob_pair_id = pair;
  i.dydx_atomic_resolution = atomic_resolution;
  i.dydx_quantum_conversion_exponent = -9;
  i.dydx_step_base_quantums = 1'000'000;
  i.dydx_subticks_per_tick = 100'000;
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = [] {
    InstrumentRegistry reg;
    if (!reg.add(market("BTC-USD", 0, -10)).ok()) std::abort();
    if (!reg.add(market("ETH-USD", 1, -9)).ok()) std::abort();
    return reg;
  }();
  return r;
}

void check_instrument(InstrumentId id, const std::string& venue_symbol) {
  if (venue_symbol.empty()) std::abort();
  if (id.valid() && registry().get(id) == nullptr) std::abort();
}

void broadcast(const boost::json::value& v) {
  auto a = parse_broadcast_answer(v);
  if (!a) return;
  const TxClass c = classify_tx(*a);
  if (c.verdict == TxVerdict::accepted &&
      !(a->code == 0U || (a->codespace == "sdk" && a->code == 19U)))
    std::abort();
  if (c.verdict == TxVerdict::refused && (!a->code || *a->code == 0)) std::abort();
}

void orders(const boost::json::value& v) {
  auto r = parse_orders(v, registry(), Timestamp::from_ms(1'700'000'000'000));
  if (!r) {
    if (r.error().code != ErrorCode::protocol) std::abort();
    return;
  }
  for (const auto& o : *r) check_instrument(o.order.instrument, o.order.venue_symbol);
}

void fills(const boost::json::value& v) {
  auto r = parse_fills(v, registry());
  if (!r) {
    if (r.error().code != ErrorCode::protocol) std::abort();
    return;
  }
  for (const auto& f : *r) {
    check_instrument(f.fill.instrument, f.fill.venue_symbol);
    if (f.fill.trade_id.empty()) std::abort();
  }
}

void subaccount(const boost::json::value& v) {
  auto r = parse_subaccount(v, registry());
  if (!r) return;
  for (const auto& p : r->positions) check_instrument(p.instrument, p.venue_symbol);
}

void markets(const boost::json::value& v) {
  auto all = parse_markets(v, {});
  auto some = parse_markets(v, {"BTC-USD"});
  if (all.ok() != some.ok() && all.ok()) std::abort();  // a subset cannot fail where all passed
  if (!all) return;
  for (const auto& i : *all)
    if (i.venue_symbol.empty() || !i.dydx_clob_pair_id || !i.dydx_subticks_per_tick) std::abort();
}

void candles(const boost::json::value& v) {
  const Timestamp now = Timestamp::from_seconds(1'715'016'240);  // 2024-05-06T17:24:00Z
  auto r = parse_candles(v, "BTC-USD", std::chrono::minutes(1), now);
  if (!r) {
    if (r.error().code != ErrorCode::protocol) std::abort();
    return;
  }
  for (std::size_t i = 0; i < r->size(); ++i) {
    const auto& c = (*r)[i];
    if (c.end() > now || !market::check_candle(c).ok() || c.gap != (c.trades == 0)) std::abort();
    if (i > 0 && !((*r)[i - 1].start < c.start)) std::abort();
  }
}

void run(char which, const boost::json::value& v) {
  switch (which) {
    case 'b':
      return broadcast(v);
    case 'e':
      return (void)error_body_of(v);
    case 'h':
      return (void)parse_height(v);
    case 't':
      return (void)parse_server_time(v);
    case 'a':
      return (void)parse_account(v);
    case 'n':
      return (void)parse_node_network(v);
    case 'o':
      return orders(v);
    case 'f':
      return fills(v);
    case 's':
      return subaccount(v);
    case 'm':
      return markets(v);
    case 'c':
      return candles(v);
    default:
      for (char c : std::string_view("behtanofsmc")) run(c, v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  boost::json::error_code ec;
  const auto v = boost::json::parse(text, ec);
  if (ec) return 0;
  run(static_cast<char>(data[0]), v);
  return 0;
}
