#pragma once
// Portfolio: balances per (venue, currency) and positions per (venue, instrument), moved only by
// deposits, reservations, fills and funding.
//
// Rules:
//  * Currencies are never mixed. USD, USDC and USDT are separate balances; totals are per
//    currency; a value in one quote currency exists only through ConversionPrices the caller
//    gives (a missing price is an error, never zero).
//  * A fill is applied once: fills are keyed by (venue, instrument, trade id) in a FillLedger;
//    a repeat returns FillOutcome::duplicate and changes nothing.
//  * Cash is conserved: a spot buy moves notional(fill) of quote out and the quantity of base
//    in (a sell the reverse); a perpetual fill moves only its realized trading PnL; a fee
//    leaves explicitly as its own CashFlow in its own currency. Two portfolios trading with
//    each other keep every currency's sum + the fees collected constant (property-tested).
//  * All-or-nothing: every leg (position, each currency) is checked before anything moves; a
//    refused fill (spot sell beyond holdings, not enough funds) changes nothing.
//  * Spot holdings are counted once, as base-currency balances; positions add only the
//    unrealized PnL of perpetuals to equity. (The Rust reference triple-counted; see docs.)
// Perpetual margin is not moved between balances here: the venue holds it; initial_margin()
// and exposure feed the risk gate. Not thread-safe (one owner, the portfolio actor).

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "domain/fill_ledger.hpp"
#include "domain/portfolio_prices.hpp"
#include "domain/position.hpp"

namespace nzeza::domain {

struct BalanceKey {
  Venue venue = Venue::paper;
  std::string currency;
  friend auto operator<=>(const BalanceKey&, const BalanceKey&) = default;
};

struct PositionKey {
  Venue venue = Venue::paper;
  std::uint32_t instrument = UINT32_MAX;
  friend auto operator<=>(const PositionKey&, const PositionKey&) = default;
};

enum class CashFlowKind : std::uint8_t { trade, fee, realized_pnl, funding, deposit, withdrawal };
[[nodiscard]] std::string_view to_string(CashFlowKind k) noexcept;

struct CashFlow {
  Venue venue = Venue::paper;
  std::string currency;
  Decimal amount;  // signed: + into the account, − out of it
  CashFlowKind kind = CashFlowKind::trade;
  friend bool operator==(const CashFlow&, const CashFlow&) = default;
};

// Where a fill's outgoing funds come from: the free balance, or the reservation the order made
// with lock() when it was placed (quote for a spot buy, base for a spot sell, settlement
// currency for a perpetual). Incoming funds always land in available.
enum class FillFunding : std::uint8_t { available, locked };

struct FillApplication {
  FillOutcome outcome = FillOutcome::applied;
  std::vector<CashFlow> flows;  // empty for a duplicate
  PositionChange position;
};

class Portfolio {
 public:
  Status deposit(Venue venue, const std::string& currency, Decimal amount);
  Status withdraw(Venue venue, const std::string& currency, Decimal amount);
  // Replaces one balance (a venue snapshot accepted by reconciliation).
  Status set_balance(Venue venue, Balance balance);
  Status lock(Venue venue, const std::string& currency, Decimal amount);
  Status unlock(Venue venue, const std::string& currency, Decimal amount);

  // Applies a fill of `instrument` (see the class comment). `fee_price_in_quote` prices a fee
  // paid in a third currency for PnL; `leverage` is used when the fill opens a new perpetual
  // position.
  Result<FillApplication> apply_fill(const Instrument& instrument, const Fill& fill,
                                     FillFunding funding = FillFunding::available,
                                     std::optional<Decimal> fee_price_in_quote = {},
                                     Decimal leverage = Decimal::one());
  // A funding payment on an open perpetual (positive received, negative paid), in the
  // instrument's settlement currency.
  Result<CashFlow> apply_funding(const Instrument& instrument, Decimal amount);
  // Installs a position restored from the journal or a venue snapshot.
  Status adopt_position(Position position);

  [[nodiscard]] const Balance* balance(Venue venue, const std::string& currency) const;
  [[nodiscard]] const std::map<BalanceKey, Balance>& balances() const noexcept { return balances_; }
  // Σ total per currency across venues; each currency stays separate. Overflow → error.
  [[nodiscard]] Result<std::map<std::string, Decimal>> totals_by_currency() const;
  [[nodiscard]] const Position* position(Venue venue, InstrumentId instrument) const;
  [[nodiscard]] const std::map<PositionKey, Position>& positions() const noexcept {
    return positions_;
  }
  [[nodiscard]] const FillLedger& ledger() const noexcept { return ledger_; }

  // Σ balances (each converted to `quote`) + Σ unrealized PnL of open perpetuals at `marks`.
  // Any missing price or mark → not_found.
  [[nodiscard]] Result<Decimal> equity(const std::string& quote, const ConversionPrices& prices,
                                       const MarkPrices& marks) const;
  // |quantity|·mark of one position, in the instrument's quote currency (0 when none).
  [[nodiscard]] Result<Decimal> exposure(Venue venue, InstrumentId instrument,
                                         const MarkPrices& marks) const;
  // Same, converted to `quote`.
  [[nodiscard]] Result<Decimal> exposure_in(Venue venue, InstrumentId instrument,
                                            const std::string& quote,
                                            const ConversionPrices& prices,
                                            const MarkPrices& marks) const;
  // Σ exposure of every open position, in `quote`.
  [[nodiscard]] Result<Decimal> total_exposure(const std::string& quote,
                                               const ConversionPrices& prices,
                                               const MarkPrices& marks) const;

 private:
  Balance& balance_slot(Venue venue, const std::string& currency);

  std::map<BalanceKey, Balance> balances_;
  std::map<PositionKey, Position> positions_;
  FillLedger ledger_;
};

}  // namespace nzeza::domain
