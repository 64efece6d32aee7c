#pragma once
// TradingSignal: what a strategy or the combiner says about the latest candle.
// confidence is in [0, 1]; Hold carries a confidence too (the reference's 0.5 / 0.6).

#include <cstdint>
#include <string_view>

namespace nzeza::strategy {

enum class SignalKind : std::uint8_t { buy, sell, hold };
[[nodiscard]] constexpr std::string_view to_string(SignalKind k) noexcept {
  return k == SignalKind::buy ? "buy" : k == SignalKind::sell ? "sell" : "hold";
}

struct TradingSignal {
  SignalKind kind = SignalKind::hold;
  double confidence = 0.0;
  friend bool operator==(const TradingSignal&, const TradingSignal&) = default;
};

}  // namespace nzeza::strategy
