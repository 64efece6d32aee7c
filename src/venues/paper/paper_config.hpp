#pragma once
// Settings of the paper venue: prices, fees and latency of the simulated exchange.

#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"

namespace nzeza::venues::paper {

// The simulated network and matching delay. A request reaches the venue `request` after it is
// made and is processed against the book of that moment; the answer (and every pushed ack or
// fill) arrives `response` after the venue produced it. Both run on Clock timers: with a
// ManualClock nothing happens until the test advances time (zero latency: run_due()).
struct PaperLatency {
  Duration request = 0ms;
  Duration response = 0ms;
};

struct PaperConfig {
  Decimal slippage_bps;   // market orders fill this many bps worse than the opposite best price
  Decimal maker_fee_bps;  // resting orders filled later (negative: rebate)
  Decimal taker_fee_bps;  // fills at placement (market orders, crossing limits)
  PaperLatency latency;
  Decimal default_leverage = Decimal::one();  // perpetuals, until set_leverage()
  // Use market events from this venue only (a replayed Binance book, say); nullopt: any venue
  // whose events carry the instrument's canonical symbol.
  std::optional<Venue> price_source;
  // How long after sending a request the paper venue may still accept it (its request latency
  // is the real bound; this is what request_validity() reports to the resolver).
  Duration validity_window = 1s;
};

}  // namespace nzeza::venues::paper
