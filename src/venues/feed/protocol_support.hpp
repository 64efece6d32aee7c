#pragma once
// Pieces the venue FeedProtocols share: a codec built by its fallible `create`, kept with the
// error when creation failed (reported at the first connect), the rejected-frame outcome, and
// the subscribe frames of a connect or a resubscribe.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/feed/feed_protocol.hpp"

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

}  // namespace nzeza::venues::feed
