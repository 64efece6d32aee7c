#include "e2e/crash/market_script.hpp"

#include <cmath>
#include <cstdio>
#include <numbers>

#include "sim/feeds/feed_sim.hpp"

namespace nzeza::e2e::crash {

std::string price_text(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

MarketScript::MarketScript(std::uint64_t seed, std::chrono::milliseconds step)
    : rng_state_(seed * 0x9E3779B97F4A7C15ULL + 1), step_(step) {}

MarketScript::~MarketScript() {
  stop();
}

void MarketScript::add(ScriptedSymbol symbol) {
  std::lock_guard lock(mu_);
  symbols_.push_back(std::move(symbol));
  walk_.push_back(0);
  last_.emplace_back();
}

void MarketScript::start() {
  step_all();
  thread_ = std::thread([this] {
    auto next = std::chrono::steady_clock::now() + step_;
    while (!stopping_.load()) {
      // The market's own pace: one step per period of real time (a deadline, not a wait for
      // a condition: this thread is the clock of the scripted market).
      std::this_thread::sleep_until(next);
      next += step_;
      if (!stopping_.load()) step_all();
    }
  });
}

void MarketScript::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::string MarketScript::price(const std::string& wire) const {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < symbols_.size(); ++i)
    if (symbols_[i].wire == wire) return last_[i];
  return {};
}

void MarketScript::step_all() {
  std::lock_guard lock(mu_);
  const std::uint64_t k = ticks_.load();
  const double t = static_cast<double>(k) * static_cast<double>(step_.count()) / 1000.0;
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    ScriptedSymbol& s = symbols_[i];
    // xorshift64*: a uniform step in [-1, 1) for the walk (seeded: the same market every run).
    rng_state_ ^= rng_state_ >> 12;
    rng_state_ ^= rng_state_ << 25;
    rng_state_ ^= rng_state_ >> 27;
    const double u =
        static_cast<double>((rng_state_ * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
    double fraction = 0;
    if (s.shape == Shape::wave) {
      walk_[i] = 0.9 * walk_[i] + (2 * u - 1) * s.amplitude * 0.15;
      fraction =
          s.amplitude * std::sin(2 * std::numbers::pi * t / s.period_s + static_cast<double>(i)) +
          walk_[i];
    } else {
      fraction = s.slope * static_cast<double>(k);
    }
    const double unit = std::pow(10.0, -s.decimals);
    const double mid = std::round(s.start * (1 + fraction) / unit) * unit;
    const std::string px = price_text(mid, s.decimals);
    last_[i] = px;
    if (s.venue_price) s.venue_price(px);
    if (s.feed != nullptr) {
      s.feed->publish_quote(s.wire, {price_text(mid - unit, s.decimals), "2"},
                            {price_text(mid + unit, s.decimals), "2"});
      s.feed->publish_trade(s.wire, px, "0.5", (k + i) % 2 == 0 ? "buy" : "sell", trade_id_++);
    }
  }
  ticks_.fetch_add(1);
}

}  // namespace nzeza::e2e::crash
