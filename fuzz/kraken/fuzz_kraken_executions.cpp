// The v2 `executions` private-stream parser and tracker (executions_codec.hpp) on arbitrary
// bytes, split into frames at '\n' so snapshot → update → trade sequences are reachable. Never
// crashes; every event keeps the contract: a fill passes rest::check_fill and carries the
// venue's symbol, an order has non-negative quantities and an instrument that is either loaded
// or invalid (never another venue's).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kraken_fuzz_registry.hpp"
#include "venues/kraken/executions_codec.hpp"
#include "venues/kraken/rest_codec.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::kraken;

using fuzz::kraken::registry;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ExecutionsTracker tracker(registry(), [](std::string_view s) -> std::optional<InstrumentId> {
    if (const auto* i = registry().find(Venue::kraken, s)) return i->id;
    return std::nullopt;
  });
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const std::string_view frame = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    auto parsed = parse_executions_frame(frame);
    if (!parsed || !parsed->has_value()) continue;
    for (const auto& entry : **parsed) {
      auto ev = tracker.apply(entry);
      if (!ev) continue;
      if (ev->order) {
        const auto& o = *ev->order;
        if (o.quantity.is_negative() || o.report.cumulative_filled.is_negative()) std::abort();
        if (o.instrument.valid() && registry().get(o.instrument) == nullptr) std::abort();
      }
      if (ev->fill) {
        const auto& f = *ev->fill;
        if (!rest::check_fill(f).ok() || f.venue != Venue::kraken) std::abort();
        if (f.venue_symbol.empty()) std::abort();
      }
    }
  }
  return 0;
}
