// start_banner (venue_set.hpp): the text printed before the server starts trading.
#include <sstream>
#include <string>

#include "app/venue_set.hpp"

namespace nzeza::app {
namespace {

std::string percent(Decimal fraction) {
  return (fraction * Decimal::from_integer(100)).to_string() + "%";
}

std::string optional_percent(const std::optional<Decimal>& fraction) {
  return fraction ? percent(*fraction) : std::string("none");
}

std::string status_text(TradingStatus s) {
  return s == TradingStatus::trading ? "trading"
                                     : "NOT TRADING (" + std::string(to_string(s)) + ")";
}

void instrument_line(std::ostringstream& out, const Instrument& i, bool from_venue) {
  out << "  " << i.venue_symbol << " (" << i.canonical << ")";
  if (!from_venue) {
    out << ": market data only (tick and lot not read; orders go to the paper venue)\n";
    return;
  }
  out << ": tick " << i.tick_size.to_string() << ", lot " << i.lot_size.to_string() << ", min size "
      << i.min_size.to_string() << ", max size "
      << (i.max_size.is_zero() ? std::string("none") : i.max_size.to_string()) << ", min notional "
      << (i.min_notional.is_zero() ? std::string("none") : i.min_notional.to_string());
  if (i.max_leverage) out << ", max leverage " << *i.max_leverage;
  out << ", " << status_text(i.status) << "\n";
}

void venue_block(std::ostringstream& out, const OpenVenue& v, const InstrumentRegistry& registry,
                 bool trading) {
  out << to_string(v.config.venue) << " (REST "
      << (v.config.rest_url.empty() ? std::string("production URL") : v.config.rest_url)
      << ", market data "
      << (v.config.ws_url.empty() ? std::string("production URL") : v.config.ws_url) << ")";
  if (trading) out << ": credentials checked (signed balances() answered)";
  out << "\n";
  for (InstrumentId id : v.instruments) {
    if (const Instrument* i = registry.get(id)) instrument_line(out, *i, v.metadata_from_venue);
  }
  if (!trading) return;
  out << "  balances:";
  bool any = false;
  for (const auto& b : v.balances) {
    if (b.total().is_zero()) continue;
    out << (any ? ", " : " ") << b.currency() << " " << b.available().to_string() << " available";
    if (!b.locked().is_zero()) out << " + " << b.locked().to_string() << " locked";
    any = true;
  }
  out << (any ? "" : " none") << "\n";
}

}  // namespace

std::string start_banner(const VenueSet& venues, const Config& config,
                         const InstrumentRegistry& registry) {
  std::ostringstream out;
  const std::size_t n = venues.size();
  const std::string venue_count = std::to_string(n) + (n == 1 ? " venue" : " venues");
  if (config.mode == Mode::live) {
    out << "nzeza will trade LIVE: real orders with real money on " << venue_count << ".\n";
  } else if (config.market_data.source == MarketDataSource::live) {
    out << "nzeza paper-trades: orders go to the paper venue (no real money); prices from "
        << venue_count << "' public feeds (no keys).\n";
  } else {
    out << "nzeza paper-trades on the simulated market: orders go to the paper venue (no real "
           "money); no venue is opened.\n";
  }
  for (const auto& v : venues.venues()) venue_block(out, *v, registry, venues.trading());
  if (config.mode == Mode::paper) {
    const auto& p = config.paper;
    out << "paper venue: starting cash " << p.starting_cash.to_string() << " " << p.quote_currency
        << ", taker fee " << p.taker_fee_bps.to_string() << " bps, maker fee "
        << p.maker_fee_bps.to_string() << " bps, slippage " << p.slippage_bps.to_string()
        << " bps\n";
  }

  const auto& r = config.risk;
  out << "limits:\n";
  out << "  automated trading " << (r.trading_enabled ? "on" : "OFF (no new entries)") << "\n";
  out << "  trades: at most " << r.max_trades_per_hour << " per hour, " << r.max_trades_per_day
      << " per day\n";
  out << "  positions: at most " << r.max_positions_per_symbol << " per symbol, "
      << r.max_total_positions << " in total\n";
  out << "  order notional: at most " << r.max_order_notional.to_string()
      << " (quote currency); portfolio exposure at most " << percent(r.max_portfolio_exposure)
      << " of equity; leverage at most " << r.max_leverage.to_string() << "\n";
  out << "  daily loss: halt at " << percent(r.max_daily_loss_fraction)
      << " of start-of-day equity";
  if (!r.max_daily_loss_amount.is_zero()) {
    out << " or " << r.max_daily_loss_amount.to_string() << " (quote currency)";
  }
  out << (r.reset_daily_loss_at_utc_midnight ? ", lifted at 00:00 UTC"
                                             : ", lifted only by an explicit reset")
      << "\n";
  out << "  drawdown: halt at " << percent(r.max_drawdown_fraction) << " below the equity high\n";
  out << "  signals: confidence at least " << r.min_confidence << "\n";
  const auto& s = config.sizing;
  out << "  sizing: " << percent(s.exposure_per_trade)
      << " of equity per order, min order notional " << s.min_order_notional.to_string()
      << ", leverage " << s.leverage.to_string() << "\n";
  const auto& e = config.exits;
  out << "  exits (from the entry price): stop-loss " << optional_percent(e.stop_loss)
      << ", take-profit " << optional_percent(e.take_profit) << ", trailing stop "
      << optional_percent(e.trailing_stop) << "\n";
  out << "  on stop: "
      << (config.shutdown == ShutdownPolicy::cancel_resting ? "cancel resting orders"
                                                            : "keep resting orders")
      << "\n";
  return out.str();
}

}  // namespace nzeza::app
