// Kraken REST answer parsers (rest_codec.hpp) on arbitrary bytes. The first byte picks the
// answer ('0' AddOrder, '1' CancelOrder, '2' QueryOrders/OpenOrders, '3' TradesHistory,
// '4' BalanceEx, '5' AssetPairs, '6' Time, '7' CancelAllOrdersAfter, '8' GetWebSocketsToken,
// '9' an error envelope inside a 5xx body, 'k' OHLC at 5 minutes); the rest is the HTTP body. Never
// crashes, and what it accepts keeps the contract: exact non-negative quantities, fills that
// check_fill accepts, balances with 0 <= hold <= total, instruments with a positive tick, an error
// classified, candles aligned, sane, increasing and one fewer than the entries (the current one
// dropped).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kraken_fuzz_registry.hpp"
#include "venues/candle_history.hpp"
#include "venues/kraken/rest_codec.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::kraken;

using fuzz::kraken::registry;

std::optional<InstrumentId> resolve(std::string_view p) {
  if (const auto* i = registry().find(Venue::kraken, p)) return i->id;
  if (p == "XBTUSD") return registry().find(Venue::kraken, "XXBTZUSD")->id;
  return std::nullopt;
}

void check_order(const venues::VenueOrder& o) {
  if (o.quantity.is_negative() || o.report.cumulative_filled.is_negative()) std::abort();
  if (o.instrument.valid() && !registry().get(o.instrument)) std::abort();
}

void run(char kind, std::string_view body) {
  if (kind == '9') {
    if (auto e = rest::envelope_error(body)) {
      (void)kraken_error_code(*e);
      (void)kraken_error_proves_not_processed(*e);
      if (kraken_error_prefix(*e).size() > e->size()) std::abort();
    }
    return;
  }
  auto answer = rest::parse_answer(body);
  if (!answer) {
    if (answer.error().code != ErrorCode::protocol) std::abort();
    return;
  }
  if (answer->error) {
    (void)kraken_error_code(*answer->error);
    (void)kraken_error_proves_not_processed(*answer->error);
    return;
  }
  const auto& r = answer->result;
  switch (kind) {
    case '0':
      if (auto txid = rest::parse_add_order(r); txid && txid->empty()) std::abort();
      break;
    case '1':
      if (auto n = rest::parse_cancel_count(r); n && *n < 0) std::abort();
      break;
    case '2': {
      rest::OrderContext ctx;
      ctx.resolve = resolve;
      ctx.client_id_of = [](std::string_view) { return std::string("nz-fuzz"); };
      const auto* obj = r.if_object();
      const auto* open = obj ? obj->if_contains("open") : nullptr;
      if (auto orders = rest::parse_orders("OpenOrders", open ? open : &r, ctx))
        for (const auto& o : *orders) check_order(o);
      break;
    }
    case '3': {
      rest::TradesContext ctx;
      ctx.resolve = resolve;
      ctx.quote_of = [](InstrumentId) { return std::string("USD"); };
      if (auto page = rest::parse_trades(r, ctx)) {
        if (page->fills.size() > page->page_size) std::abort();
        for (const auto& f : page->fills)
          if (!rest::check_fill(f).ok() || f.venue != Venue::kraken) std::abort();
      }
      break;
    }
    case '4':
      if (auto rows = rest::parse_balance_ex(r))
        for (const auto& b : *rows)
          if (b.hold.is_negative() || b.hold > b.total) std::abort();
      break;
    case '5':
      if (auto pairs = rest::parse_asset_pairs(r, registry(), {}))
        for (const auto& i : pairs->instruments)
          if (!i.tick_size.is_positive() || i.min_size.is_negative()) std::abort();
      break;
    case '6':
      (void)rest::parse_server_time(r);
      break;
    case '7':
      (void)rest::parse_dead_man(r, false);
      break;
    case '8':
      if (auto t = rest::parse_ws_token(r); t && t->empty()) std::abort();
      break;
    case 'k':
      if (auto candles = rest::parse_ohlc(r, std::chrono::minutes(5))) {
        for (const auto& c : *candles)
          if (!venues::history::check_candle(c).ok() || c.gap != (c.trades == 0)) std::abort();
        if (!venues::history::check_increasing(*candles).ok()) std::abort();
      }
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // (byte + 2) % 10 maps the ASCII digits '0'..'9' of the seed files onto themselves.
  const char kind = data[0] == 'k' ? 'k' : static_cast<char>('0' + (data[0] + 2) % 10);
  run(kind, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
