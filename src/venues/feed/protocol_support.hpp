#pragma once
// Pieces the venue FeedProtocols share: a codec built by its fallible `create`, kept with the
// error when creation failed (reported at the first connect), the rejected-frame outcome, the
// subscribe frames of a connect or a resubscribe, frame_class (how the session treats each
// venues::FrameKind every codec answers), and CodecProtocol: the connect and decode steps of the
// venues whose codecs are created fallibly and read unpadded frames (Kraken, Hyperliquid, dYdX).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/feed/feed_protocol.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::feed {

template <typename Codec>
class CreatedCodec {
 public:
  explicit CreatedCodec(const InstrumentRegistry& registry) {
    auto codec = Codec::create(registry);
    if (codec.ok()) {
      codec_.emplace(std::move(codec).value());
    } else {
      error_ = codec.error();
    }
  }
  // ok when the codec exists; otherwise the error its creation gave.
  [[nodiscard]] Status ready() const {
    if (codec_) return {};
    return error_;
  }
  Codec* operator->() { return &*codec_; }
  Codec& operator*() { return *codec_; }

 private:
  std::optional<Codec> codec_;
  Error error_;
};

// The names the venue's stream knows `instruments` by (codec::wire_symbol), in order, for a
// subscribe message; not_found "<feed> feed: unknown instrument" for an id not in the registry.
[[nodiscard]] inline Result<std::vector<std::string>> wire_symbols(
    const InstrumentRegistry& registry, std::span<const InstrumentId> instruments,
    std::string_view feed) {
  std::vector<std::string> out;
  out.reserve(instruments.size());
  for (InstrumentId id : instruments) {
    const Instrument* inst = registry.get(id);
    if (inst == nullptr) {
      return Error{ErrorCode::not_found, std::string(feed) + " feed: unknown instrument"};
    }
    out.push_back(codec::wire_symbol(*inst));
  }
  return out;
}

// When `decoded` failed: `out` becomes a rejected frame with its error, and true is returned.
template <typename T>
[[nodiscard]] bool rejected(const Result<T>& decoded, FrameOutcome& out) {
  if (decoded.ok()) return false;
  out.kind = FrameClass::rejected;
  out.error = decoded.error();
  return true;
}

// Appends a codec's subscribe message to `frames`; its error when the codec could not write it.
[[nodiscard]] inline Status append_message(std::vector<std::string>& frames,
                                           Result<std::string> msg) {
  if (!msg.ok()) return msg.error();
  frames.push_back(std::move(msg).value());
  return {};
}

// Queues an unsubscribe then a subscribe of one book, so the venue sends a fresh snapshot; both
// or neither (a message the codec could not write leaves the book to the next reconnect).
inline void resubscribe(FrameOutcome& out, Result<std::string> unsub, Result<std::string> sub) {
  if (!unsub.ok() || !sub.ok()) return;
  out.send.push_back(std::move(unsub).value());
  out.send.push_back(std::move(sub).value());
}

// How the session treats a frame of this kind.
[[nodiscard]] constexpr FrameClass frame_class(FrameKind kind) noexcept {
  switch (kind) {
    case FrameKind::market_data:
      return FrameClass::data;
    case FrameKind::heartbeat:
    case FrameKind::pong:
      return FrameClass::heartbeat;
    case FrameKind::status:
    case FrameKind::connected:
    case FrameKind::subscribed:
    case FrameKind::unsubscribed:
    case FrameKind::venue_error:
    case FrameKind::closing:
      return FrameClass::control;
    case FrameKind::ignored:
      return FrameClass::ignored;
  }
  return FrameClass::ignored;
}

// A codec's answer for one frame, classified into `out`: its frame_class, or rejected with the
// error. The codec's result (whose `kind` is a FrameKind), or nullopt when the frame was refused.
template <typename Decoded>
[[nodiscard]] std::optional<Decoded> classified(Result<Decoded> decoded, FrameOutcome& out) {
  if (rejected(decoded, out)) return std::nullopt;
  out.kind = frame_class(decoded->kind);
  return std::move(decoded).value();
}

// A FeedProtocol over a codec that answers a FrameKind: a connect resets the codec and asks the
// venue's subscribe frames (`subscribe`, one per channel and instrument or per channel); decode()
// classifies a frame and carries a venue's refusal, the venue adds what its gap rule needs.
template <typename Codec>
class CodecProtocol : public FeedProtocol {
 public:
  explicit CodecProtocol(const InstrumentRegistry& registry) : codec_(registry) {}

  Result<std::vector<std::string>> on_connected(std::span<const InstrumentId> instruments) final {
    if (Status ok = codec_.ready(); !ok.ok()) return ok.error();
    codec_->on_reconnect();
    std::vector<std::string> frames;
    if (Status ok = subscribe(instruments, frames); !ok.ok()) return ok.error();
    return frames;
  }

  // Decodes the frame and reports the books the codec lost sync of (resyncs); a venue whose
  // books must be asked again for a snapshot adds that.
  FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) override {
    FrameOutcome out;
    if (auto r = decode(frame, now, sink, out)) out.resyncs = r->resyncs;
    return out;
  }

 protected:
  // The subscribe frames of a new connection (the codec was just reset), appended to `frames`.
  virtual Status subscribe(std::span<const InstrumentId> instruments,
                           std::vector<std::string>& frames) = 0;

  // Decodes one frame into `out`: its class and, for a venue_error, the venue's words. The
  // codec's result, or nullopt when the frame was rejected (`out` then says why).
  auto decode(std::string_view frame, Timestamp now, MarketEventSink& sink, FrameOutcome& out) {
    auto r = classified(codec_->decode_unpadded(frame, now, sink), out);
    if (r && r->kind == FrameKind::venue_error) out.venue_error = codec_->last_venue_error();
    return r;
  }

  CreatedCodec<Codec> codec_;
};

}  // namespace nzeza::venues::feed
