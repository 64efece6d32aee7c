// Hyperliquid: l2Book (full snapshots: no gap rule), trades and bbo per coin; {"method":"ping"}
// every 30 s (the venue closes a connection without a client message for 60 s).
#include <optional>

#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace nzeza::venues::feed {
namespace {

class HyperliquidProtocol final : public FeedProtocol {
 public:
  explicit HyperliquidProtocol(const InstrumentRegistry& registry) : codec_(registry) {}

  Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) override {
    if (Status ok = codec_.ready(); !ok.ok()) return ok.error();
    codec_->on_reconnect();
    std::vector<std::string> frames;
    for (InstrumentId id : instruments) {
      for (auto channel : {hyperliquid::Channel::l2_book, hyperliquid::Channel::trades,
                           hyperliquid::Channel::bbo}) {
        if (Status ok = append_message(frames, codec_->subscribe_message(channel, id)); !ok.ok())
          return ok.error();
      }
    }
    return frames;
  }

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    auto r = codec_->decode_unpadded(frame, now, sink);
    if (rejected(r, out)) return out;
    switch (r->kind) {
      case hyperliquid::FrameKind::market_data:
        out.kind = FrameClass::data;
        break;
      case hyperliquid::FrameKind::pong:
        out.kind = FrameClass::heartbeat;
        break;
      case hyperliquid::FrameKind::subscribed:
      case hyperliquid::FrameKind::connected:
        out.kind = FrameClass::control;
        break;
      case hyperliquid::FrameKind::venue_error:
        out.kind = FrameClass::control;
        out.venue_error = codec_->last_venue_error();
        break;
      case hyperliquid::FrameKind::ignored:
        out.kind = FrameClass::ignored;
        break;
    }
    out.resyncs = r->resyncs;
    return out;
  }

  std::optional<std::string> app_ping() override {
    return hyperliquid::HyperliquidCodec::ping_message();
  }

 private:
  CreatedCodec<hyperliquid::HyperliquidCodec> codec_;
};

}  // namespace

std::unique_ptr<FeedProtocol> make_hyperliquid_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<HyperliquidProtocol>(registry);
}

}  // namespace nzeza::venues::feed
