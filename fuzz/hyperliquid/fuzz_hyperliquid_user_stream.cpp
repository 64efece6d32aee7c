// read_user_message (the orderUpdates / userFills WebSocket messages) on arbitrary bytes. Never
// crashes; an unreadable message delivers nothing; every order and fill delivered carries the
// venue's symbol, and an invalid instrument exactly when the coin is not in the registry.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/instrument.hpp"
#include "venues/hyperliquid/responses.hpp"

namespace {

using namespace nzeza;

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = [] {
    InstrumentRegistry reg;
    Instrument i;
    i.venue = Venue::hyperliquid;
    i.kind = InstrumentKind::perpetual;
    i.canonical = "BTC-USDC";
    i.venue_symbol = "BTC";
    i.ws_symbol = "BTC";
    i.base = "BTC";
    i.quote = "USDC";
    i.price_rule = PriceRule::hyperliquid_sigfig;
    i.hyperliquid_asset = 0;
    i.hyperliquid_sz_decimals = 5;
    i.tick_size = Decimal::from_raw8(1);
    i.lot_size = Decimal::from_raw8(1000);
    (void)reg.add(i);
    return reg;
  }();
  return r;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void check_symbol(InstrumentId id, const std::string& symbol) {
  check(!symbol.empty());
  check(id.valid() == (registry().find(Venue::hyperliquid, symbol) != nullptr));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto m = venues::hyperliquid::read_user_message(text, registry());
  if (!m.ok) check(m.orders.empty() && m.fills.empty());
  for (const auto& o : m.orders) check_symbol(o.instrument, o.venue_symbol);
  for (const auto& f : m.fills) {
    check_symbol(f.instrument, f.venue_symbol);
    check(!f.trade_id.empty());
  }
  return 0;
}
