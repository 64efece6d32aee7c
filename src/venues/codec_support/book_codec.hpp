#pragma once
// What the WebSocket market-data codecs that keep order books (Kraken, Hyperliquid, dYdX) offer
// alike, declared once: FrameResult, what decode() answers, and BookCodec, the public face of
// such a codec over its private state (`Impl`, defined in the venue's codec.cpp). A venue's codec
// class derives from BookCodec and adds its own queries (and its own subscribe messages when
// they are not one instrument's channel each); its header says what its venue sends and what
// decode() answers.
//
// BookCodec's members are defined in book_codec_state.hpp, which only the venue's codec.cpp
// includes; that file instantiates BookCodec for its venue explicitly, so no other translation
// unit needs the Impl (they call the members that instantiation defines).
// Hot path: decode() hands the frame to the Impl; after warm-up nothing allocates (each codec's
// allocation test checks it). Threading: none; one owner thread per codec.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "market/order_book.hpp"
#include "venues/codec_support/frame_counters.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::codec {

// Bytes a frame passed to decode() must have readable after its end (simdjson reads ahead).
inline constexpr std::size_t kFramePadding = 64;

// What decode() answers for a frame; a venue's result may add its own.
struct FrameResult {
  FrameKind kind = FrameKind::ignored;
  std::uint32_t events = 0;   // events handed to the sink
  std::uint32_t resyncs = 0;  // books that became needs_resync with this frame
};

// A venue's book rules: the range of max_book_depth its codec accepts, the defaults of its
// config, and the venue its errors name (e.g. dydx::kBookLimits).
struct BookLimits {
  std::string_view venue;
  std::size_t min_depth = 1;
  std::size_t max_depth = 1;
  std::size_t default_depth = 1;               // max_book_depth unless configured
  std::size_t default_frame_bytes = 1u << 20;  // max_frame_bytes unless configured
};

// "<venue> codec: max_book_depth must be in [min, max], got N", else check_max_frame_bytes's
// answer.
[[nodiscard]] Status check_book_config(const BookLimits& limits, std::size_t max_book_depth,
                                       std::size_t max_frame_bytes);

// The config of a book codec that keeps a chosen depth, its defaults and its checks taken from
// the venue's `Limits`. A venue's config is one, or derives from one and adds its own options.
template <const BookLimits& Limits>
struct BookConfig {
  std::size_t max_book_depth = Limits.default_depth;         // levels kept per side
  std::size_t max_frame_bytes = Limits.default_frame_bytes;  // larger ones are refused unparsed
  [[nodiscard]] Status validate() const {
    return check_book_config(Limits, max_book_depth, max_frame_bytes);
  }
};

// BookCodec's `Channel` for a venue whose subscribe messages are its own (Kraken: a list of
// instruments and a request id): no subscribe_message from BookCodec.
struct OwnSubscribeMessages {};

// True for a venue's `Channel` (dYdX, Hyperliquid): a subscribe message names one channel of one
// instrument.
template <class Channel>
inline constexpr bool kPerInstrumentChannels = !std::is_same_v<Channel, OwnSubscribeMessages>;

// The public face of a book-keeping codec `Codec` (the venue's class, deriving from this one)
// over its state `Impl`, built from `Config` (which validates itself), counting in `Stats`, and
// answering `Decoded` for each frame; subscribing per instrument to a `Channel` of the venue
// unless that is OwnSubscribeMessages.
template <class Codec, class Impl, class Config, class Stats, class Decoded,
          class Channel = OwnSubscribeMessages>
class BookCodec {
 public:
  // The registry must outlive the codec. Fails when the config is invalid.
  static Result<Codec> create(const InstrumentRegistry& registry, Config config = {});

  BookCodec(BookCodec&&) noexcept;
  BookCodec& operator=(BookCodec&&) noexcept;
  ~BookCodec();

  // Decodes one text frame. `frame` must stay readable for kFramePadding bytes past its end.
  // A refused frame (oversized, malformed) returns an Error saying what and where, with the
  // start of the frame; nothing is emitted but the resync status of a book it cost its sync,
  // and the codec is ready for the next frame.
  Result<Decoded> decode(std::string_view frame, Timestamp receive_time, MarketEventSink& sink);
  // Same, for a frame without padding: copied into an internal padded buffer first.
  Result<Decoded> decode_unpadded(std::string_view frame, Timestamp receive_time,
                                  MarketEventSink& sink);

  // A new connection: every book waits for its next snapshot (the caller replays the
  // subscriptions).
  void on_reconnect() noexcept;

  // The book of an instrument, null before its first snapshot.
  [[nodiscard]] const market::OrderBook* book(InstrumentId id) const noexcept;
  // Books marked needs_resync: resubscribe them (unsubscribe + subscribe) to get a snapshot.
  [[nodiscard]] std::vector<InstrumentId> books_needing_resync() const;
  [[nodiscard]] const Stats& stats() const noexcept;
  // The venue's text of the last refused request.
  [[nodiscard]] const std::string& last_venue_error() const noexcept;
  [[nodiscard]] const Config& config() const noexcept;

  // The message that subscribes to (unsubscribes from) `channel` of one instrument, which must
  // be one of the venue's in the registry: Impl::sub_message("subscribe" / "unsubscribe",
  // channel, id) writes it in the venue's form (the venue's codec class shows it).
  [[nodiscard]] Result<std::string> subscribe_message(
      Channel channel, InstrumentId id) const requires kPerInstrumentChannels<Channel>;
  [[nodiscard]] Result<std::string> unsubscribe_message(
      Channel channel, InstrumentId id) const requires kPerInstrumentChannels<Channel>;

 protected:
  explicit BookCodec(std::unique_ptr<Impl> impl) noexcept;

  std::unique_ptr<Impl> impl_;
};

}  // namespace nzeza::venues::codec
