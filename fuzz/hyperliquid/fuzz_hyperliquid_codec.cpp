// HyperliquidCodec::decode on arbitrary bytes, split into frames at '\n' so that snapshot
// sequences are reachable. Never crashes; every emitted event validates (prices > 0, sizes
// >= 0, bid < ask, instrument set) and a synced book is never crossed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/instrument.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace {

using namespace nzeza;

struct CheckingSink final : MarketEventSink {
  void on_event(const MarketEvent& e) override {
    if (e.venue != Venue::hyperliquid) std::abort();
    if (const auto* q = std::get_if<Quote>(&e.body)) {
      if (!q->bid.is_positive() || !q->ask.is_positive() || q->bid >= q->ask ||
          q->bid_size.is_negative() || q->ask_size.is_negative() || !e.instrument.valid())
        std::abort();
    } else if (const auto* t = std::get_if<Trade>(&e.body)) {
      if (!t->price.is_positive() || !t->size.is_positive() || !e.instrument.valid()) std::abort();
    } else if (const auto* b = std::get_if<BookChange>(&e.body)) {
      if (!b->price.is_positive() || b->size.is_negative() || !e.instrument.valid()) std::abort();
    }
  }
};

Instrument pair(const char* coin, std::uint32_t asset) {
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = std::string(coin) + "-USD-PERP";
  i.venue_symbol = coin;
  i.base = coin;
  i.quote = "USD";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = asset;
  i.hyperliquid_sz_decimals = 3;
  i.tick_size = Decimal::from_raw(1);
  i.lot_size = Decimal::from_raw(100'000);
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = [] {
    InstrumentRegistry reg;
    (void)reg.add(pair("BTC", 0));
    (void)reg.add(pair("ETH", 1));
    return reg;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto created = venues::hyperliquid::HyperliquidCodec::create(registry());
  if (!created.ok()) std::abort();
  auto& codec = *created;
  CheckingSink sink;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view frame = rest.substr(0, nl);
    (void)codec.decode_unpadded(frame, Timestamp::from_seconds(1), sink);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  for (const Instrument* inst : registry().by_venue(Venue::hyperliquid)) {
    const auto* book = codec.book(inst->id);
    if (book != nullptr && book->synced() && book->crossed()) std::abort();
  }
  return 0;
}
