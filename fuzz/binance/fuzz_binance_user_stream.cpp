// Binance's user-data-stream frame parser (user_stream_codec.hpp) on arbitrary bytes: never
// crash; an event is either delivered whole or refused with a reason, never both; every order
// and fill carries its venue symbol, and an instrument only for a symbol the lookup knows.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "venues/binance/user_stream_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nzeza;
  using namespace nzeza::venues::binance;
  static const SymbolLookup lookup = [](std::string_view s) -> std::optional<InstrumentId> {
    if (s == "BTCUSDT") return InstrumentId{3};
    return std::nullopt;
  };
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const UserStreamEvent ev = parse_user_stream_frame(frame, lookup);
  const bool delivered = ev.order.has_value() || ev.fill.has_value() || !ev.balances.empty();
  if (delivered && !ev.error.empty()) std::abort();
  if (ev.fill && !ev.order) std::abort();
  if (ev.order) {
    if (ev.order->venue_symbol.empty()) std::abort();
    if (ev.order->instrument.valid() != (ev.order->venue_symbol == "BTCUSDT")) std::abort();
    if (ev.order->report.venue_order_id.empty()) std::abort();
  }
  if (ev.fill) {
    if (ev.fill->venue_symbol != ev.order->venue_symbol) std::abort();
    if (ev.fill->instrument != ev.order->instrument) std::abort();
  }
  for (const auto& b : ev.balances)
    if (b.currency().empty()) std::abort();
  return 0;
}
