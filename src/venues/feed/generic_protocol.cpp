// The seed's own price feed: {"action":"subscribe","symbols":[...]}, then price and heartbeat
// messages.
#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/generic/codec.hpp"

namespace nzeza::venues::feed {
namespace {

class GenericProtocol final : public FeedProtocol {
 public:
  explicit GenericProtocol(const InstrumentRegistry& registry)
      : registry_(registry), codec_(registry) {}

  Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) override {
    auto symbols = wire_symbols(registry_, instruments, "generic");
    if (!symbols.ok()) return symbols.error();
    return std::vector<std::string>{generic::GenericCodec::subscribe(*symbols)};
  }

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    (void)classified(codec_.decode(frame, now, sink), out);
    return out;
  }

 private:
  const InstrumentRegistry& registry_;
  generic::GenericCodec codec_;
};

}  // namespace

std::unique_ptr<FeedProtocol> make_generic_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<GenericProtocol>(registry);
}

}  // namespace nzeza::venues::feed
