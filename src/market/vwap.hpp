#pragma once
// Vwap: volume-weighted average of the typical price (H+L+C)/3 since the session start, O(1).
//
// Sessions (a fix: the reference accumulated from its first candle forever) are clock-aligned
// intervals of `session` length shifted by `offset` — by default UTC days, so the VWAP restarts
// at 00:00 UTC. A candle belongs to the session containing its start time. With no volume yet
// in the session the typical price is returned (as the reference). Volume is a candle's traded
// size, not its tick count.

#include <optional>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::market {

class Vwap {
 public:
  // Error when session is not positive or offset is not within [0, session).
  [[nodiscard]] static Result<Vwap> create(Duration session = std::chrono::hours(24),
                                           Duration offset = Duration::zero());
  explicit Vwap(Duration session = std::chrono::hours(24),
                Duration offset = Duration::zero()) noexcept;

  double update(Timestamp candle_start, double high, double low, double close,
                double volume) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::optional<double> value() const noexcept {
    return has_value_ ? std::optional<double>(value_) : std::nullopt;
  }
  [[nodiscard]] Timestamp session_start() const noexcept { return session_start_; }
  [[nodiscard]] double session_volume() const noexcept { return volume_; }

 private:
  Duration session_;
  Duration offset_;
  bool has_value_ = false;
  Timestamp session_start_;
  double volume_ = 0.0;
  double volume_price_ = 0.0;
  double value_ = 0.0;
};

}  // namespace nzeza::market
