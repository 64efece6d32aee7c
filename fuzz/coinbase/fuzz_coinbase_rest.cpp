// The Coinbase REST answer readers (rest_codec.hpp) on arbitrary bodies: never crash, every
// failure is ErrorCode::protocol (an unreadable answer is never taken for a refusal), and what
// they read keeps its promises: a created order has an id, a refusal names its reason, an order
// or a fill carries the venue's product id and an instrument only when the registry holds that
// product; candles are closed, aligned, sane and increasing. The first byte picks the reader
// ('0' + n; ':' for candles), the rest is the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/instrument.hpp"
#include "venues/candle_history.hpp"
#include "venues/coinbase/rest_codec.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::coinbase;

struct State {
  InstrumentRegistry registry;
  State() {
    for (const char* product : {"BTC-USD", "ETH-USDC"}) {
      Instrument i;
      i.venue = Venue::coinbase;
      i.canonical = product;
      i.venue_symbol = product;
      i.base = "X";
      i.quote = "USD";
      i.tick_size = Decimal::from_raw8(1);
      i.lot_size = Decimal::from_raw8(1);
      (void)registry.add(i);
    }
  }
};

void check_failure(const Error& e) {
  if (e.code != ErrorCode::protocol || e.message.empty()) std::abort();
  (void)e.to_string();
}

template <typename T>
bool failed(const Result<T>& r) {
  if (r.ok()) return false;
  check_failure(r.error());
  return true;
}

// An instrument is set only for a product the registry holds, and then it is that product.
void check_symbol(const InstrumentRegistry& registry, InstrumentId id, std::string_view symbol) {
  const Instrument* known = registry.find(Venue::coinbase, symbol);
  if (id.valid() != (known != nullptr)) std::abort();
  if (known != nullptr && known->id != id) std::abort();
}

void check_order(const InstrumentRegistry& registry, const venues::VenueOrder& o) {
  if (o.report.venue_order_id.empty()) std::abort();
  check_symbol(registry, o.instrument, o.venue_symbol);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  if (size == 0) return 0;
  const unsigned kind = static_cast<std::uint8_t>(data[0] - '0') % 11;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const InstrumentRegistry& reg = state.registry;
  switch (kind) {
    case 0: {
      auto r = parse_create_order(body);
      if (failed(r)) break;
      if (r->success && r->order_id.empty()) std::abort();
      if (!r->success && r->refusal.venue_code.empty()) std::abort();
      break;
    }
    case 1: {
      auto r = parse_error_body(body);
      if (r && r->venue_code.empty() && r->venue_text.empty()) std::abort();
      break;
    }
    case 2:
      (void)failed(parse_cancel_results(body));
      break;
    case 3: {
      auto r = parse_edit(body);
      if (failed(r)) break;
      if (*r && (*r)->venue_code.empty()) std::abort();
      break;
    }
    case 4: {
      auto r = parse_order(body, reg);
      if (!failed(r)) check_order(reg, *r);
      break;
    }
    case 5: {
      auto r = parse_orders_page(body, reg);
      if (failed(r)) break;
      for (const auto& o : r->items) check_order(reg, o);
      break;
    }
    case 6: {
      auto r = parse_fills_page(body, reg);
      if (failed(r)) break;
      for (const auto& row : r->items) {
        if (row.fill.venue != Venue::coinbase) std::abort();
        check_symbol(reg, row.fill.instrument, row.fill.venue_symbol);
      }
      break;
    }
    case 7:
      (void)failed(parse_accounts_page(body));
      break;
    case 8: {
      auto r = parse_products(body, reg);
      if (failed(r)) break;
      for (const auto& ins : *r) {
        if (ins.venue != Venue::coinbase || ins.kind != InstrumentKind::spot) std::abort();
        check_symbol(reg, ins.id, ins.venue_symbol);
      }
      break;
    }
    case 10: {
      const Timestamp now = Timestamp::from_seconds(1'712'200'000);
      auto r = parse_candles(body, std::chrono::minutes(1), now);
      if (failed(r)) break;
      for (const auto& c : *r)
        if (c.end() > now || c.gap || !venues::history::check_candle(c).ok()) std::abort();
      if (!venues::history::check_increasing(*r).ok()) std::abort();
      break;
    }
    default:
      (void)failed(parse_server_time(body));
      break;
  }
  return 0;
}
