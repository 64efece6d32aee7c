// Binance spot: combined-stream connection (/stream), SUBSCRIBE frames of at most 200 streams,
// the diff-depth book synchronised from a REST snapshot, serverShutdown → planned reconnect.
#include <algorithm>
#include <unordered_set>

#include "venues/binance/codec.hpp"
#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza::venues::feed {
namespace {

constexpr std::size_t kStreamsPerFrame = 200;

class BinanceProtocol final : public FeedProtocol {
 public:
  explicit BinanceProtocol(const InstrumentRegistry& registry) : registry_(registry) {}

  Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) override {
    // A new connection starts every book again (update ids are per stream session).
    codec_ = std::make_unique<binance::BinanceCodec>(registry_);
    synced_.clear();
    auto symbols = wire_symbols(registry_, instruments, "binance");
    if (!symbols.ok()) return symbols.error();
    std::vector<std::string> streams;
    for (const std::string& sym : *symbols) {
      streams.push_back(binance::stream_name(sym, binance::StreamKind::book_ticker));
      streams.push_back(binance::stream_name(sym, binance::StreamKind::trade));
      streams.push_back(binance::stream_name(sym, binance::StreamKind::diff_depth));
    }
    std::vector<std::string> frames;
    for (std::size_t i = 0; i < streams.size(); i += kStreamsPerFrame) {
      const std::size_t n = std::min(kStreamsPerFrame, streams.size() - i);
      frames.push_back(codec_->subscribe(std::span(streams).subspan(i, n)).text);
    }
    return frames;
  }

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    auto r = classified(codec_->decode(frame, now, sink), out);
    if (!r) return out;
    if (r->kind == FrameKind::closing) out.reconnect = "serverShutdown notice";
    if (r->snapshot_wanted) {
      out.need_snapshot.push_back(r->instrument);
      // A book's first sync on a connection is not a resync: only a book that was synced.
      if (synced_.erase(r->instrument.value) > 0) ++out.resyncs;
    }
    return out;
  }

  [[nodiscard]] std::optional<std::string> snapshot_path(InstrumentId id) const override {
    if (!codec_ || !codec_->wants_snapshot(id)) return std::nullopt;
    const Instrument* inst = registry_.get(id);
    if (inst == nullptr) return std::nullopt;
    return binance::depth_snapshot_path(inst->venue_symbol, 1000);
  }

  FrameOutcome apply_snapshot(InstrumentId id, std::string_view body, Timestamp now,
                              MarketEventSink& sink) override {
    FrameOutcome out;
    auto r = codec_->apply_depth_snapshot(id, body, now, sink);
    if (!rejected(r, out)) synced_.insert(id.value);
    return out;
  }

 private:
  const InstrumentRegistry& registry_;
  std::unique_ptr<binance::BinanceCodec> codec_;
  std::unordered_set<std::uint32_t> synced_;  // books with an applied snapshot (this connection)
};

}  // namespace

std::unique_ptr<FeedProtocol> make_binance_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<BinanceProtocol>(registry);
}

}  // namespace nzeza::venues::feed
