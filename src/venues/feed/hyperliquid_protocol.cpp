// Hyperliquid: l2Book (full snapshots: no gap rule), trades and bbo per coin; {"method":"ping"}
// every 30 s (the venue closes a connection without a client message for 60 s).
#include <optional>

#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace nzeza::venues::feed {
namespace {

class HyperliquidProtocol final : public CodecProtocol<hyperliquid::HyperliquidCodec> {
 public:
  using CodecProtocol::CodecProtocol;

  std::optional<std::string> app_ping() override {
    return hyperliquid::HyperliquidCodec::ping_message();
  }

 private:
  Status subscribe(std::span<const InstrumentId> instruments,
                   std::vector<std::string>& frames) override {
    for (InstrumentId id : instruments) {
      for (auto channel : {hyperliquid::Channel::l2_book, hyperliquid::Channel::trades,
                           hyperliquid::Channel::bbo}) {
        if (Status ok = append_message(frames, codec_->subscribe_message(channel, id)); !ok.ok())
          return ok;
      }
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<FeedProtocol> make_hyperliquid_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<HyperliquidProtocol>(registry);
}

}  // namespace nzeza::venues::feed
