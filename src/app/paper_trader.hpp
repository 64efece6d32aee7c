#pragma once
// PaperTrader: turns combined signals into orders on a venue (the paper venue unless nzeza is
// explicitly live) through the risk gate and position sizing, and follows the orders, fills
// and spot positions that result.
//
// Per symbol, at most one order is in flight and positions are long-only spot:
//   buy signal, flat      → size (exposure budget × equity, lot-rounded, min notional) → risk
//                           gate (whitelist, confidence, limits, halts, balance) → market IOC
//                           buy with a fresh client order id
//   sell signal, long     → reduce-only market sell of the whole position (an exit: the gate
//                           never traps a position)
//   anything else         → nothing (counted)
// Fills arrive on the venue's private stream, are deduplicated by trade id (FillLedger) and
// move the domain Position (average cost, realised PnL with fees). Marks for unrealised PnL come
// from the market events the trader sees.
//
// Threading: everything runs on the clock's firing thread (signals, market events, venue
// callbacks); not thread-safe otherwise. The venue and registry must outlive the trader.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "app/signal_pipeline.hpp"
#include "core/client_id.hpp"
#include "domain/fill_ledger.hpp"
#include "domain/order.hpp"
#include "domain/position.hpp"
#include "domain/risk_gate.hpp"
#include "domain/sizing.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::app {

struct PaperTraderConfig {
  domain::RiskConfig risk;                                      // whitelist etc.
  Decimal exposure_per_trade = Decimal::from_raw8(20'000'000);  // 0.2 of equity per order
  Decimal min_order_notional = Decimal::from_integer(10);       // quote units
  std::string quote_currency = "USD";  // the account currency every traded symbol is quoted in
  Decimal starting_cash;               // quote balance deposited at the venue at start
};

struct PaperTraderStats {
  std::uint64_t signals = 0;
  std::uint64_t orders_sent = 0;
  std::uint64_t orders_refused = 0;  // by sizing, risk gate or venue
  std::uint64_t fills = 0;
  std::uint64_t duplicate_fills = 0;
};

class PaperTrader {
 public:
  using Log = std::function<void(const std::string&)>;

  static Result<std::unique_ptr<PaperTrader>> create(Clock& clock,
                                                     const InstrumentRegistry& registry,
                                                     venues::VenueClient& venue,
                                                     PaperTraderConfig config, ClientIdCodec ids,
                                                     Log log);
  ~PaperTrader();
  PaperTrader(const PaperTrader&) = delete;
  PaperTrader& operator=(const PaperTrader&) = delete;

  void on_signal(const SignalReport& report);
  void on_market_event(const MarketEvent& event);

  [[nodiscard]] const PaperTraderStats& stats() const noexcept { return stats_; }
  // Sum over positions of realised PnL (fees included), and unrealised PnL at the last marks.
  [[nodiscard]] Decimal realized_pnl() const;
  [[nodiscard]] Decimal unrealized_pnl() const;
  [[nodiscard]] Decimal position(InstrumentId instrument) const;
  [[nodiscard]] const domain::RiskGate& risk_gate() const noexcept { return gate_; }

 private:
  struct Book {
    const Instrument* instrument = nullptr;
    std::optional<domain::Position> position;
    std::optional<Decimal> mark;
    std::string pending;  // client id of the order in flight, empty when none
  };
  PaperTrader(Clock& clock, const InstrumentRegistry& registry, venues::VenueClient& venue,
              PaperTraderConfig config, ClientIdCodec ids, Log log, domain::RiskGate gate);
  Book* book_for(SymbolId symbol);
  domain::RiskContext context(const Book& book) const;
  void open_long(Book& book, double confidence);
  void close_long(Book& book);
  // Risk gate, then a market IOC order (reduce-only for exits).
  void gate_and_send(Book& book, Side side, Decimal quantity, Decimal price, double confidence,
                     bool reduce_only);
  void send(Book& book, domain::OrderSpec spec);
  void on_fill(const domain::Fill& fill);
  void on_order(const venues::VenueOrder& order);
  [[nodiscard]] Decimal equity() const;

  Clock& clock_;
  const InstrumentRegistry& registry_;
  venues::VenueClient& venue_;
  PaperTraderConfig config_;
  ClientIdCodec ids_;
  ClientIdCounter counter_;
  Log log_;
  domain::RiskGate gate_;
  domain::FillLedger ledger_;
  std::map<std::uint32_t, Book> books_;  // by InstrumentId
  std::map<std::string, domain::Order, std::less<>> orders_;
  PaperTraderStats stats_;
  Decimal cash_;  // quote balance: starting cash moved by every fill (notional and fees)
  Decimal day_start_equity_;
  Timestamp day_start_;
};

}  // namespace nzeza::app
