// Coinbase Advanced Trade: heartbeats first (keeps the connection open and proves liveness),
// then ticker, market_trades and level2, one channel per frame; a sequence gap resubscribes
// level2 (Coinbase sends a level2 snapshot only on subscribe).
#include "venues/coinbase/codec.hpp"
#include "venues/feed/protocol_support.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza::venues::feed {
namespace {

class CoinbaseProtocol final : public FeedProtocol {
 public:
  explicit CoinbaseProtocol(const InstrumentRegistry& registry)
      : registry_(registry), codec_(registry) {}

  Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) override {
    codec_.on_connected();
    auto products = wire_symbols(registry_, instruments, "coinbase");
    if (!products.ok()) {
      products_.clear();
      return products.error();
    }
    products_ = std::move(products).value();
    using coinbase::Channel;
    return std::vector<std::string>{
        coinbase::CoinbaseCodec::subscribe(Channel::heartbeats, {}),
        coinbase::CoinbaseCodec::subscribe(Channel::ticker, products_),
        coinbase::CoinbaseCodec::subscribe(Channel::market_trades, products_),
        coinbase::CoinbaseCodec::subscribe(Channel::level2, products_)};
  }

  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    auto r = classified(codec_.decode(frame, now, sink), out);
    if (r && r->resubscribe_needed) {
      ++out.resyncs;
      out.send.push_back(
          coinbase::CoinbaseCodec::unsubscribe(coinbase::Channel::level2, products_));
      out.send.push_back(coinbase::CoinbaseCodec::subscribe(coinbase::Channel::level2, products_));
    }
    return out;
  }

 private:
  const InstrumentRegistry& registry_;
  coinbase::CoinbaseCodec codec_;
  std::vector<std::string> products_;
};

}  // namespace

std::unique_ptr<FeedProtocol> make_coinbase_protocol(const InstrumentRegistry& registry) {
  return std::make_unique<CoinbaseProtocol>(registry);
}

}  // namespace nzeza::venues::feed
