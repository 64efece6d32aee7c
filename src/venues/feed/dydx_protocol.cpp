// dYdX v4 indexer: v4_orderbook and v4_trades per market (32 per channel per connection: the
// session pools connections); a message_id gap or a crossed book resubscribes that book.
#include <algorithm>
#include <optional>
#include <set>

#include "venues/dydx/codec.hpp"
#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza::venues::feed {
namespace {

class DydxProtocol final : public CodecProtocol<dydx::DydxCodec> {
 public:
  using CodecProtocol::CodecProtocol;

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    const std::uint64_t resyncs_before = codec_->stats().resyncs;
    auto r = decode(frame, now, sink, out);
    if (!r) {
      // A refused frame can still cost books their sync (a refused book update, or a
      // message_id jump before it): count those and resubscribe them (the codec marked them).
      out.resyncs = static_cast<std::size_t>(codec_->stats().resyncs - resyncs_before);
      resubscribe_unsynced(out);
      return out;
    }
    if (!resubscribing_.empty()) forget_resynced();
    if (r->resyncs > 0) {
      out.resyncs = r->resyncs;
      resubscribe_unsynced(out);
    }
    return out;
  }

 private:
  Status subscribe(std::span<const InstrumentId> instruments,
                   std::vector<std::string>& frames) override {
    resubscribing_.clear();  // a new connection: every book awaits its first snapshot
    for (auto channel : {dydx::Channel::orderbook, dydx::Channel::trades}) {
      for (InstrumentId id : instruments) {
        if (Status ok = append_message(frames, codec_->subscribe_message(channel, id)); !ok.ok())
          return ok;
      }
    }
    return {};
  }

  // Unsubscribe + subscribe each book awaiting a snapshot, once per loss of sync.
  void resubscribe_unsynced(FrameOutcome& out) {
    for (InstrumentId id : codec_->books_needing_resync()) {
      if (!resubscribing_.insert(id.value).second) continue;
      resubscribe(out, codec_->unsubscribe_message(dydx::Channel::orderbook, id),
                  codec_->subscribe_message(dydx::Channel::orderbook, id));
    }
  }

  // Books that have their snapshot again may lose sync (and be resubscribed) again later.
  void forget_resynced() {
    const auto unsynced = codec_->books_needing_resync();
    std::erase_if(resubscribing_, [&](std::uint32_t id) {
      return std::find(unsynced.begin(), unsynced.end(), InstrumentId{id}) == unsynced.end();
    });
  }

  std::set<std::uint32_t> resubscribing_;  // books whose resubscribe is on its way
};

}  // namespace

std::unique_ptr<FeedProtocol> make_dydx_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<DydxProtocol>(registry);
}

}  // namespace nzeza::venues::feed
