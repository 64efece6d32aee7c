#include "domain/risk_gate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "domain/leverage.hpp"
#include "domain/sizing.hpp"

namespace nzeza::domain {
namespace {

constexpr Duration kHour = std::chrono::hours(1);
constexpr Duration kDay = std::chrono::hours(24);

std::string num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc{}) return "?";
  return std::string(buf, end);
}

std::string num(std::size_t v) {
  return std::to_string(v);
}

// num / den to 4 decimals for messages; "?" when it cannot be computed.
std::string ratio(Decimal n, Decimal d) {
  auto r = n.checked_div(d, RoundingMode::nearest);
  if (!r) return "?";
  auto rounded = r->round_to_decimals(4, RoundingMode::nearest);
  return rounded ? rounded->to_string() : r->to_string();
}

RiskDecision refuse(RiskRefusalReason reason, std::string message) {
  return RiskDecision{RiskRefusal{reason, std::move(message)}};
}

RiskDecision kill_switch_refusal(const HaltState& k) {
  return refuse(RiskRefusalReason::kill_switch_engaged,
                "kill switch engaged since " + k.since.to_iso8601() + ": " + k.detail);
}

RiskDecision not_tradable_refusal(const Instrument& inst) {
  return refuse(RiskRefusalReason::instrument_not_tradable,
                "instrument " + inst.canonical + " on " + std::string(to_string(inst.venue)) +
                    " is not tradable (status " + std::string(to_string(inst.status)) + ")");
}

std::string halt_text(const HaltState& h, bool lifts_at_midnight) {
  return "trading halted since " + h.since.to_iso8601() + ": " + h.detail +
         (lifts_at_midnight ? "; lifts at the next UTC day or on an explicit reset"
                            : "; an explicit reset is required");
}

}  // namespace

RiskGate::RiskGate(RiskConfig config) : config_(std::move(config)), trades_(kDay) {}

Result<RiskGate> RiskGate::create(RiskConfig config) {
  if (auto st = config.validate(); !st) return st.error();
  return RiskGate(std::move(config));
}

Status RiskGate::reconfigure(RiskConfig config) {
  if (auto st = config.validate(); !st) return st;
  config_ = std::move(config);
  return {};
}

void RiskGate::record_trade(Timestamp at) {
  trades_.record(at);
  trades_.prune(at);
}

std::size_t RiskGate::trades_in_last_hour(Timestamp now) const noexcept {
  return trades_.count(now, kHour);
}

std::size_t RiskGate::trades_in_last_day(Timestamp now) const noexcept {
  return trades_.count(now, kDay);
}

void RiskGate::engage_kill_switch(std::string reason, Timestamp at) {
  kill_switch_ = HaltState{at, std::move(reason)};
}

const std::optional<HaltState>& RiskGate::halt(HaltKind kind) const noexcept {
  return kind == HaltKind::daily_loss ? daily_halt_ : drawdown_halt_;
}

void RiskGate::restore_equity_peak(Decimal peak) noexcept {
  peak_ = std::max(peak_, peak);
}

void RiskGate::reset_halt(HaltKind kind, const RiskContext& context, Timestamp now) {
  if (kind == HaltKind::daily_loss) {
    daily_halt_.reset();
    daily_pnl_offset_ = context.daily_pnl;
    offset_day_ = now.floor_to(kDay);
  } else {
    drawdown_halt_.reset();
    peak_ = context.equity;
  }
}

std::optional<std::string> RiskGate::daily_loss_breach(const RiskContext& c) const {
  auto effective = c.daily_pnl.checked_sub(daily_pnl_offset_);
  if (!effective) return "daily PnL " + c.daily_pnl.to_string() + " cannot be evaluated";
  if (!effective->is_negative()) return std::nullopt;
  const Decimal loss = -*effective;
  if (config_.max_daily_loss_amount.is_positive() && loss >= config_.max_daily_loss_amount) {
    return "daily loss " + loss.to_string() + " reached the limit " +
           config_.max_daily_loss_amount.to_string();
  }
  auto base = c.equity.checked_add(loss);  // start-of-day (or since-reset) equity
  if (!base || !base->is_positive()) {
    return "daily loss " + loss.to_string() + " with a start-of-day equity that is not positive";
  }
  auto limit = base->checked_mul(config_.max_daily_loss_fraction, RoundingMode::down);
  if (!limit || loss >= *limit) {
    return "daily loss " + loss.to_string() + " is " + ratio(loss, *base) +
           " of start-of-day equity " + base->to_string() + ", limit " +
           config_.max_daily_loss_fraction.to_string();
  }
  return std::nullopt;
}

std::optional<std::string> RiskGate::drawdown_breach(const RiskContext& c) const {
  if (!peak_.is_positive()) return std::nullopt;
  auto dd = peak_.checked_sub(c.equity);
  if (!dd) return "drawdown from peak " + peak_.to_string() + " cannot be evaluated";
  if (!dd->is_positive()) return std::nullopt;
  auto limit = peak_.checked_mul(config_.max_drawdown_fraction, RoundingMode::down);
  if (!limit || *dd >= *limit) {
    return "drawdown " + dd->to_string() + " from peak " + peak_.to_string() + " to equity " +
           c.equity.to_string() + " is " + ratio(*dd, peak_) + ", limit " +
           config_.max_drawdown_fraction.to_string();
  }
  return std::nullopt;
}

void RiskGate::observe(const RiskContext& c, Timestamp now) {
  const Timestamp day = now.floor_to(kDay);
  if (day != offset_day_) {
    // The caller's daily PnL restarts every UTC day, so an acknowledged loss is forgotten.
    daily_pnl_offset_ = Decimal::zero();
    offset_day_ = day;
  }
  if (daily_halt_ && config_.reset_daily_loss_at_utc_midnight &&
      day > daily_halt_->since.floor_to(kDay)) {
    daily_halt_.reset();
  }
  if (c.equity > peak_) peak_ = c.equity;
  if (!daily_halt_) {
    if (auto why = daily_loss_breach(c)) daily_halt_ = HaltState{now, std::move(*why)};
  }
  if (!drawdown_halt_) {
    if (auto why = drawdown_breach(c)) drawdown_halt_ = HaltState{now, std::move(*why)};
  }
}

RiskDecision RiskGate::evaluate(const RiskRequest& r, const RiskContext& c, Timestamp now) {
  observe(c, now);
  trades_.prune(now);

  // 0. A malformed request is refused before any rule is judged.
  const Instrument* inst = r.instrument;
  if (inst == nullptr)
    return refuse(RiskRefusalReason::invalid_request, "request has no instrument");
  const std::string& symbol = inst->canonical;
  if (!r.quantity.is_positive()) {
    return refuse(RiskRefusalReason::invalid_request,
                  "quantity must be > 0 for " + symbol + ", got " + r.quantity.to_string());
  }
  if (!r.price.is_positive()) {
    return refuse(RiskRefusalReason::invalid_request,
                  "price must be > 0 for " + symbol + ", got " + r.price.to_string());
  }
  if (r.leverage < Decimal::one()) {
    return refuse(RiskRefusalReason::invalid_request,
                  "leverage must be >= 1 for " + symbol + ", got " + r.leverage.to_string());
  }
  if (!r.reduce_only &&
      (!std::isfinite(r.confidence) || r.confidence < 0.0 || r.confidence > 1.0)) {
    return refuse(RiskRefusalReason::invalid_request,
                  "confidence must be in [0, 1] for " + symbol + ", got " + num(r.confidence));
  }
  auto notional_r = r.quantity.checked_mul(r.price, RoundingMode::up);
  if (!notional_r) {
    return refuse(
        RiskRefusalReason::invalid_request,
        "order notional " + r.quantity.to_string() + " x " + r.price.to_string() + " does not fit");
  }
  const Decimal notional = *notional_r;
  const std::string& ccy = inst->quote;

  if (r.reduce_only) {
    if (kill_switch_) return kill_switch_refusal(*kill_switch_);
    if (!inst->tradable()) return not_tradable_refusal(*inst);
    return {};
  }

  // 1. Whitelist.
  if (std::find(config_.whitelist.begin(), config_.whitelist.end(), symbol) ==
      config_.whitelist.end()) {
    return refuse(RiskRefusalReason::symbol_not_whitelisted,
                  "symbol " + symbol + " is not in the trading whitelist (" +
                      num(config_.whitelist.size()) + " symbols)");
  }
  // 2. Automated trading switched on.
  if (!config_.trading_enabled) {
    return refuse(RiskRefusalReason::trading_disabled, "automated trading is disabled");
  }
  // 3. Kill switch.
  if (kill_switch_) return kill_switch_refusal(*kill_switch_);
  // 4. Instrument status.
  if (!inst->tradable()) return not_tradable_refusal(*inst);
  // 5-6. Trade rate over sliding windows.
  if (const auto n = trades_.count(now, kHour); n >= config_.max_trades_per_hour) {
    return refuse(RiskRefusalReason::hourly_trade_limit, "hourly trade limit reached: " + num(n) +
                                                             " trades in the last hour, limit " +
                                                             num(config_.max_trades_per_hour));
  }
  if (const auto n = trades_.count(now, kDay); n >= config_.max_trades_per_day) {
    return refuse(RiskRefusalReason::daily_trade_limit, "daily trade limit reached: " + num(n) +
                                                            " trades in the last 24 h, limit " +
                                                            num(config_.max_trades_per_day));
  }
  // 7. Signal confidence.
  if (r.confidence < config_.min_confidence) {
    return refuse(
        RiskRefusalReason::confidence_below_minimum,
        "signal confidence " + num(r.confidence) + " below minimum " + num(config_.min_confidence));
  }
  // 8-9. Position counts (an opening order opens one more position).
  if (c.open_positions_for_symbol >= config_.max_positions_per_symbol) {
    return refuse(RiskRefusalReason::symbol_position_limit,
                  "position limit for " + symbol + " reached: " + num(c.open_positions_for_symbol) +
                      " open, limit " + num(config_.max_positions_per_symbol));
  }
  if (c.open_positions_total >= config_.max_total_positions) {
    return refuse(RiskRefusalReason::total_position_limit,
                  "total position limit reached: " + num(c.open_positions_total) + " open, limit " +
                      num(config_.max_total_positions));
  }
  // 10. Portfolio exposure after the order, as a fraction of equity.
  {
    auto after = c.gross_exposure.checked_add(notional);
    if (!c.equity.is_positive()) {
      return refuse(RiskRefusalReason::portfolio_exposure_limit,
                    "equity " + c.equity.to_string() + " " + ccy +
                        " is not positive: no exposure can be added");
    }
    auto limit = c.equity.checked_mul(config_.max_portfolio_exposure, RoundingMode::down);
    if (!after || !limit || *after > *limit) {
      const Decimal shown = after ? *after : Decimal::max();
      return refuse(RiskRefusalReason::portfolio_exposure_limit,
                    "portfolio exposure would be " + ratio(shown, c.equity) + " of equity (" +
                        shown.to_string() + " / " + c.equity.to_string() + " " + ccy + "), limit " +
                        config_.max_portfolio_exposure.to_string());
    }
  }
  // 11. Order notional.
  if (notional > config_.max_order_notional) {
    return refuse(RiskRefusalReason::order_notional_limit,
                  "order notional " + notional.to_string() + " " + ccy + " exceeds maximum " +
                      config_.max_order_notional.to_string());
  }
  // 12-13. Latched halts.
  if (daily_halt_) {
    return refuse(RiskRefusalReason::daily_loss_halt,
                  halt_text(*daily_halt_, config_.reset_daily_loss_at_utc_midnight));
  }
  if (drawdown_halt_) {
    return refuse(RiskRefusalReason::drawdown_halt, halt_text(*drawdown_halt_, false));
  }

  // 14. Balance: spot pays in full (a sell needs the coins: no shorting on spot); a perpetual
  // needs notional / leverage of free collateral.
  const bool spot = inst->kind == InstrumentKind::spot;
  if (spot && r.side == Side::sell) {
    if (c.available_base < r.quantity) {
      return refuse(RiskRefusalReason::insufficient_balance,
                    "insufficient balance: spot sell of " + r.quantity.to_string() + " " +
                        inst->base + " needs the coins, available " + c.available_base.to_string() +
                        " (no shorting on spot)");
    }
  } else {
    const Decimal lev = spot ? Decimal::one() : r.leverage;
    auto margin = required_margin(notional, lev);
    if (!margin || c.available_quote < *margin) {
      return refuse(RiskRefusalReason::insufficient_balance,
                    "insufficient balance: required " + (margin ? margin->to_string() : "?") + " " +
                        ccy + ", available " + c.available_quote.to_string());
    }
  }

  // 15. Leverage: requested leverage within the caps, and the account's leverage after the
  // order within the maximum (reference §2.5: available = max − current >= required).
  Decimal allowed = config_.max_leverage;
  if (inst->max_leverage) {
    if (auto cap = Decimal::from_int(*inst->max_leverage); cap && *cap < allowed) allowed = *cap;
  }
  if (spot) {
    if (r.leverage != Decimal::one()) {
      return refuse(RiskRefusalReason::insufficient_leverage,
                    "spot instrument " + symbol + " cannot use leverage " + r.leverage.to_string());
    }
    return {};
  }
  if (r.leverage > allowed) {
    return refuse(RiskRefusalReason::insufficient_leverage,
                  "requested leverage " + r.leverage.to_string() + " exceeds maximum " +
                      allowed.to_string() + " for " + symbol);
  }
  LeverageLimits limits;
  limits.max_leverage = allowed;
  auto calc = LeverageCalculator::create(limits);
  auto current = LeverageCalculator::current_leverage(c.gross_exposure, c.equity);
  auto required = notional.checked_div(c.equity, RoundingMode::up);
  if (!calc || !current || !required || !calc->is_sufficient(*current, *required)) {
    return refuse(RiskRefusalReason::insufficient_leverage,
                  "insufficient leverage: order needs " + (required ? required->to_string() : "?") +
                      "x of equity " + c.equity.to_string() + " " + ccy + ", available " +
                      (current && calc ? calc->available_leverage(*current).to_string() : "?") +
                      "x (current " + (current ? current->to_string() : "?") + "x, maximum " +
                      allowed.to_string() + "x)");
  }
  return {};
}

}  // namespace nzeza::domain
