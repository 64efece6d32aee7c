// Kraken v2: ticker, trade and book (depth 10) for all pairs in one frame each; JSON pings every
// 30 s; a book whose CRC32 does not match is unsubscribed and subscribed again for a snapshot.
#include <optional>

#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues::feed {
namespace {

class KrakenProtocol final : public FeedProtocol {
 public:
  explicit KrakenProtocol(const InstrumentRegistry& registry) : codec_(registry) {}

  Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) override {
    if (Status ok = codec_.ready(); !ok.ok()) return ok.error();
    codec_->on_reconnect();
    std::vector<std::string> frames;
    for (auto channel : {kraken::Channel::ticker, kraken::Channel::trade, kraken::Channel::book}) {
      if (Status ok =
              append_message(frames, codec_->subscribe_message(channel, instruments, ++req_id_));
          !ok.ok())
        return ok.error();
    }
    return frames;
  }

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    auto r = codec_->decode_unpadded(frame, now, sink);
    if (rejected(r, out)) return out;
    switch (r->kind) {
      case kraken::FrameKind::market_data:
        out.kind = FrameClass::data;
        break;
      case kraken::FrameKind::heartbeat:
      case kraken::FrameKind::pong:
        out.kind = FrameClass::heartbeat;
        break;
      case kraken::FrameKind::status:
      case kraken::FrameKind::subscribed:
      case kraken::FrameKind::unsubscribed:
        out.kind = FrameClass::control;
        break;
      case kraken::FrameKind::request_failed:
        out.kind = FrameClass::control;
        out.venue_error = codec_->last_venue_error();
        break;
      case kraken::FrameKind::ignored:
        out.kind = FrameClass::ignored;
        break;
    }
    if (r->resyncs > 0) {
      out.resyncs = r->resyncs;
      const auto books = codec_->books_needing_resync();
      if (!books.empty()) {
        // Two statements: the unsubscribe takes the lower request id.
        auto unsub = codec_->unsubscribe_message(kraken::Channel::book, books, ++req_id_);
        resubscribe(out, std::move(unsub),
                    codec_->subscribe_message(kraken::Channel::book, books, ++req_id_));
      }
    }
    return out;
  }

  std::optional<std::string> app_ping() override {
    return kraken::KrakenCodec::ping_message(++req_id_);
  }

 private:
  CreatedCodec<kraken::KrakenCodec> codec_;
  std::uint64_t req_id_ = 0;
};

}  // namespace

std::unique_ptr<FeedProtocol> make_kraken_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<KrakenProtocol>(registry);
}

}  // namespace nzeza::venues::feed
