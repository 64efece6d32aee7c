// KrakenCodec::decode on arbitrary bytes, split into frames at '\n' so that snapshot → update
// sequences are reachable. Never crashes; every emitted event validates (prices > 0, sizes
// >= 0, bid < ask, instrument set) and a synced book is never crossed.
#include <cstdint>
#include <string>

#include "core/instrument.hpp"
#include "kraken_fuzz_registry.hpp"
#include "venues/kraken/codec.hpp"

namespace {

using namespace nzeza;

using fuzz::kraken::registry;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::run_codec<venues::kraken::KrakenCodec>(registry(), Venue::kraken, data, size);
  return 0;
}
