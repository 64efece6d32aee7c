#pragma once
// Pieces the venue FeedProtocols share: a codec built by its fallible `create`, kept with the
// error when creation failed (reported at the first connect), and the rejected-frame outcome.

#include <optional>
#include <utility>

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

}  // namespace nzeza::venues::feed
