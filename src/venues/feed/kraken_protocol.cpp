// Kraken v2: ticker, trade and book (depth 10) for all pairs in one frame each; JSON pings every
// 30 s; a book whose CRC32 does not match is unsubscribed and subscribed again for a snapshot.
#include <optional>

#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues::feed {
namespace {

class KrakenProtocol final : public CodecProtocol<kraken::KrakenCodec> {
 public:
  using CodecProtocol::CodecProtocol;

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out = CodecProtocol::on_frame(frame, now, sink);
    if (out.resyncs > 0) {
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
  Status subscribe(std::span<const InstrumentId> instruments,
                   std::vector<std::string>& frames) override {
    for (auto channel : {kraken::Channel::ticker, kraken::Channel::trade, kraken::Channel::book}) {
      if (Status ok =
              append_message(frames, codec_->subscribe_message(channel, instruments, ++req_id_));
          !ok.ok())
        return ok;
    }
    return {};
  }

  std::uint64_t req_id_ = 0;
};

}  // namespace

std::unique_ptr<FeedProtocol> make_kraken_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<KrakenProtocol>(registry);
}

}  // namespace nzeza::venues::feed
