#include "market/vwap.hpp"

#include <limits>
#include <string>

namespace nzeza::market {

Result<Vwap> Vwap::create(Duration session, Duration offset) {
  if (session <= Duration::zero()) {
    return fail(ErrorCode::invalid_argument,
                "VWAP session must be positive, got " + std::to_string(session.count()) + " ns");
  }
  if (offset < Duration::zero() || offset >= session) {
    return fail(ErrorCode::invalid_argument, "VWAP session offset must be in [0, session), got " +
                                                 std::to_string(offset.count()) + " ns");
  }
  return Vwap(session, offset);
}

Vwap::Vwap(Duration session, Duration offset) noexcept
    : session_(session <= Duration::zero() ? std::chrono::hours(24) : session), offset_(offset) {}

double Vwap::update(Timestamp candle_start, double high, double low, double close,
                    double volume) noexcept {
  const Timestamp session = (candle_start - offset_).floor_to(session_) + offset_;
  if (!has_value_ || session != session_start_) {
    session_start_ = session;
    volume_ = 0.0;
    volume_price_ = 0.0;
  }
  const double tp = (high + low + close) / 3.0;
  if (volume > 0.0) {
    volume_ += volume;
    volume_price_ += tp * volume;
  }
  value_ = volume_ > std::numeric_limits<double>::epsilon() ? volume_price_ / volume_ : tp;
  has_value_ = true;
  return value_;
}

void Vwap::reset() noexcept {
  has_value_ = false;
  session_start_ = Timestamp();
  volume_ = volume_price_ = 0.0;
  value_ = 0.0;
}

}  // namespace nzeza::market
