#pragma once
// Position: what we hold in one instrument on one venue, with its cost basis and PnL.
//
// Spot: a holding of the base asset, never below zero (no shorting on spot: a sell beyond the
// holding is refused with insufficient_balance). Perpetual: signed quantity (long > 0,
// short < 0), leverage, funding payments; a fill larger than the open quantity closes it and
// opens the remainder on the other side (a flip through zero).
//
// PnL, in the quote (settlement) currency, exact Decimal:
//   realized  = trading PnL of closed quantity − fees + funding   (fees count when paid)
//   unrealized(mark) = |q|·mark − cost basis for a long, cost basis − |q|·mark for a short
// The cost basis is stored as a total, not as an average price: a partial close removes
// cost·closed/|q| (rounded half-even) and a full close removes whatever is left, so over a
// position's life realized trading PnL equals Σ exit notional − Σ entry notional exactly.
// Not thread-safe (one owner).

#include <cstdint>
#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"

namespace nzeza::domain {

enum class PositionSide : std::uint8_t { flat, long_side, short_side };
[[nodiscard]] std::string_view to_string(PositionSide s) noexcept;  // "flat", "long", "short"

// A fill in the position's own terms.
struct PositionFill {
  Side side = Side::buy;
  Decimal price;      // > 0
  Decimal quantity;   // > 0, traded base quantity
  Decimal fee_quote;  // fee paid in the quote currency (negative = rebate)
  Decimal base_fee;   // spot only: fee taken in the base asset (received less / delivered more)
  Timestamp time;
};

// Translates a venue fill for `instrument`: a fee in the quote currency goes to fee_quote, a fee
// in the base currency to base_fee (spot only), a fee in any other currency (BNB...) needs
// `fee_price_in_quote` (price of one unit of the fee currency in the quote currency), else
// not_found: a missing price is an error, never zero.
[[nodiscard]] Result<PositionFill> to_position_fill(const Instrument& instrument, const Fill& fill,
                                                    std::optional<Decimal> fee_price_in_quote = {});

struct PositionChange {
  Decimal closed_quantity;   // quantity of the previous position closed by this fill
  Decimal opened_quantity;   // quantity added (same side, or the new side after a flip)
  Decimal realized_trading;  // trading PnL of the closed part (before fees)
  Decimal fee_quote;         // fees this fill cost, in quote (base fee valued at the price)
  bool flipped = false;      // went through zero to the other side (perpetual only)
  Decimal quantity_after;    // signed
};

class Position {
 public:
  static Result<Position> spot(Venue venue, InstrumentId instrument, std::string base,
                               std::string quote);
  // leverage >= 1. `quote` is the settlement currency (USDC on dYdX/Hyperliquid, USDT...).
  static Result<Position> perpetual(Venue venue, InstrumentId instrument, std::string base,
                                    std::string quote, Decimal leverage);
  // Spot or perpetual from the instrument's kind.
  static Result<Position> for_instrument(const Instrument& instrument,
                                         Decimal leverage = Decimal::one());

  // Applies a fill; on error nothing changes.
  Result<PositionChange> apply(const PositionFill& fill);
  // A funding payment on a perpetual, in quote: positive received, negative paid.
  Status apply_funding(Decimal amount);
  // Leverage for later margin figures (perpetual only, >= 1).
  Status set_leverage(Decimal leverage);

  // What a funding `rate` at `mark` pays for a signed quantity: −q·mark·rate (longs pay a
  // positive rate, shorts receive it).
  [[nodiscard]] static Result<Decimal> funding_payment(Decimal signed_quantity, Decimal mark,
                                                       Decimal rate);

  [[nodiscard]] Venue venue() const noexcept { return venue_; }
  [[nodiscard]] InstrumentId instrument() const noexcept { return instrument_; }
  [[nodiscard]] InstrumentKind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& base() const noexcept { return base_; }
  [[nodiscard]] const std::string& quote() const noexcept { return quote_; }
  [[nodiscard]] Decimal quantity() const noexcept { return quantity_; }  // signed
  [[nodiscard]] Decimal abs_quantity() const noexcept { return quantity_.abs(); }
  [[nodiscard]] PositionSide side() const noexcept;
  [[nodiscard]] bool is_flat() const noexcept { return quantity_.is_zero(); }
  [[nodiscard]] Decimal leverage() const noexcept { return leverage_; }
  [[nodiscard]] Decimal cost_basis() const noexcept { return cost_; }  // >= 0, quote
  // cost / |q| rounded half-even; nullopt when flat.
  [[nodiscard]] std::optional<Decimal> average_entry_price() const;
  [[nodiscard]] Decimal realized_trading_pnl() const noexcept { return realized_trading_; }
  [[nodiscard]] Decimal fees_paid() const noexcept { return fees_; }
  [[nodiscard]] Decimal funding() const noexcept { return funding_; }
  // realized trading − fees + funding.
  [[nodiscard]] Decimal realized_pnl() const noexcept {
    return realized_trading_ - fees_ + funding_;
  }
  // mark must be > 0.
  [[nodiscard]] Result<Decimal> unrealized_pnl(Decimal mark) const;
  [[nodiscard]] Result<Decimal> total_pnl(Decimal mark) const;
  // |q|·mark in quote (exposure); mark must be > 0.
  [[nodiscard]] Result<Decimal> notional(Decimal mark) const;
  // cost basis / leverage: margin the position ties up at entry (1x for spot).
  [[nodiscard]] Result<Decimal> initial_margin() const;
  [[nodiscard]] Timestamp opened_at() const noexcept { return opened_at_; }
  [[nodiscard]] Timestamp updated_at() const noexcept { return updated_at_; }

  // Restores a position from a journal or a venue snapshot (reconciliation): signed quantity
  // (>= 0 on spot) and the cost basis (>= 0, zero only when flat).
  Status restore(Decimal signed_quantity, Decimal cost_basis);

 private:
  Position(Venue venue, InstrumentId instrument, InstrumentKind kind, std::string base,
           std::string quote, Decimal leverage)
      : venue_(venue),
        instrument_(instrument),
        kind_(kind),
        base_(std::move(base)),
        quote_(std::move(quote)),
        leverage_(leverage) {}
  [[nodiscard]] std::string where() const;

  Venue venue_;
  InstrumentId instrument_;
  InstrumentKind kind_;
  std::string base_;
  std::string quote_;
  Decimal leverage_;
  Decimal quantity_;
  Decimal cost_;
  Decimal realized_trading_;
  Decimal fees_;
  Decimal funding_;
  Timestamp opened_at_;
  Timestamp updated_at_;
};

}  // namespace nzeza::domain
