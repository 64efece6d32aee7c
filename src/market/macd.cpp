#include "market/macd.hpp"

#include <string>

#include "market/indicator_params.hpp"

namespace nzeza::market {

Result<Macd> Macd::create(std::size_t fast, std::size_t slow, std::size_t signal) {
  if (auto s = validate_period("MACD fast period", fast); !s) return s.error();
  if (auto s = validate_period("MACD slow period", slow); !s) return s.error();
  if (auto s = validate_period("MACD signal period", signal); !s) return s.error();
  if (fast >= slow) {
    return fail(ErrorCode::invalid_argument, "MACD fast period (" + std::to_string(fast) +
                                                 ") must be below the slow period (" +
                                                 std::to_string(slow) + ")");
  }
  return Macd(fast, slow, signal);
}

Macd::Macd(std::size_t fast, std::size_t slow, std::size_t signal) noexcept
    : fast_(fast), slow_(slow), signal_(signal) {}

std::optional<MacdValue> Macd::update(double close) noexcept {
  const auto f = fast_.update(close);
  const auto s = slow_.update(close);
  if (!f || !s) return std::nullopt;
  line_ = *f - *s;
  signal_.update(line_);
  return value();
}

std::optional<MacdValue> Macd::value() const noexcept {
  const auto sig = signal_.value();
  if (!sig || !slow_.ready()) return std::nullopt;
  return MacdValue{line_, *sig, line_ - *sig};
}

}  // namespace nzeza::market
