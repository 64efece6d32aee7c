#include "domain/risk_trade_window.hpp"

#include <algorithm>

namespace nzeza::domain {

void RiskTradeWindow::record(Timestamp at) {
  times_.insert(std::upper_bound(times_.begin(), times_.end(), at), at);
}

std::size_t RiskTradeWindow::count(Timestamp now, Duration window) const noexcept {
  const Timestamp start = now - window;  // exclusive
  auto first = std::upper_bound(times_.begin(), times_.end(), start);
  return static_cast<std::size_t>(times_.end() - first);
}

void RiskTradeWindow::prune(Timestamp now) {
  const Timestamp cutoff = now - horizon_;
  while (!times_.empty() && times_.front() <= cutoff) times_.pop_front();
}

}  // namespace nzeza::domain
