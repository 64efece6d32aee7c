// Binance's REST answer parsers (rest_codec.hpp) on arbitrary bytes: never crash, and what they
// accept is whole — every order and fill carries its venue symbol, an instrument only when the
// registry holds that symbol, sizes >= 0, a venue order id. The first byte picks the parser:
//   o order  p place  c cancel  a cancel-all  l open orders  t trades  b account
//   x exchangeInfo  s server time  e error body  k klines (1m; candles closed, aligned, increasing)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/instrument.hpp"
#include "venues/binance/rest_codec.hpp"
#include "venues/candle_history.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues;

struct State {
  InstrumentRegistry registry;
  State() {
    Instrument i;
    i.venue = Venue::binance;
    i.canonical = "BTC-USDT";
    i.venue_symbol = "BTCUSDT";
    i.ws_symbol = "btcusdt";
    i.base = "BTC";
    i.quote = "USDT";
    i.tick_size = Decimal::from_raw8(1);
    i.lot_size = Decimal::from_raw8(1);
    (void)registry.add(i);
  }
};

void check_instrument(const InstrumentRegistry& registry, InstrumentId id,
                      const std::string& venue_symbol) {
  if (venue_symbol.empty()) std::abort();
  const Instrument* known = registry.find(Venue::binance, venue_symbol);
  if (id.valid() != (known != nullptr)) std::abort();
  if (known != nullptr && known->id != id) std::abort();
}

void check_order(const InstrumentRegistry& registry, const VenueOrder& o) {
  check_instrument(registry, o.instrument, o.venue_symbol);
  if (o.quantity.is_negative() || o.report.cumulative_filled.is_negative()) std::abort();
  if (o.report.venue_order_id.empty()) std::abort();
}

void check_fill(const InstrumentRegistry& registry, const domain::Fill& f) {
  check_instrument(registry, f.instrument, f.venue_symbol);
  if (f.venue != Venue::binance || f.trade_id.empty()) std::abort();
  if (f.quantity.is_negative() || f.price.is_negative()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  const InstrumentRegistry& reg = state.registry;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view body = input.substr(1);
  const Timestamp now = Timestamp::from_ms(1'700'000'000'000);
  using namespace nzeza::venues::binance;
  switch (input.front()) {
    case 'o':
      if (auto r = parse_order_answer(body, reg, now)) check_order(reg, *r);
      break;
    case 'p':
      if (auto r = parse_place_answer(body, reg, now)) {
        if (r->venue_order_id.empty()) std::abort();
        for (const auto& f : r->fills) check_fill(reg, f);
      }
      break;
    case 'c':
      if (auto r = parse_cancel_answer(body, reg, now); r && r->venue_order_id.empty())
        std::abort();
      break;
    case 'a':
      if (auto r = parse_cancel_all_answer(body, reg, now))
        for (const auto& a : *r)
          if (a.venue_order_id.empty()) std::abort();
      break;
    case 'l':
      if (auto r = parse_open_orders(body, reg, now))
        for (const auto& o : *r) check_order(reg, o);
      break;
    case 't':
      if (auto r = parse_my_trades(body, reg))
        for (const auto& f : *r) check_fill(reg, f);
      break;
    case 'b':
      if (auto r = parse_account(body))
        for (const auto& b : *r)
          if (b.currency().empty()) std::abort();
      break;
    case 'x':
      if (auto r = parse_exchange_info(body, reg))
        for (const auto& i : *r)
          if (i.venue_symbol.empty() || !i.validate().ok()) std::abort();
      break;
    case 's':
      if (auto r = parse_server_time(body); r && r->ms() < 0) std::abort();
      break;
    case 'k':
      if (auto r = parse_klines(body, std::chrono::minutes(1), now)) {
        for (const auto& c : *r)
          if (c.end() > now || !history::check_candle(c).ok() || c.gap != (c.trades == 0))
            std::abort();
        if (!history::check_increasing(*r).ok()) std::abort();
      }
      break;
    case 'e':
      if (auto e = parse_api_error(body)) {
        const ErrorCode code = classify_binance_error(400, e->code, e->msg);
        (void)code;
      }
      break;
    default:
      break;
  }
  return 0;
}
