#pragma once
// Settings of the paper venue: prices, fees, latency and the fill model of the simulated
// exchange. Every default keeps the venue as it was before the L2 fill model: the new models
// switch on when their data arrives (a depth book, trades) or when a field here asks for them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "venues/paper/latency_model.hpp"
#include "venues/paper/queue_position.hpp"

namespace nzeza::venues::paper {

// The simulated network and matching delay. A request reaches the venue `request` after it is
// made and is processed against the book of that moment; the answer (and every pushed ack or
// fill) arrives `response` after the venue produced it. Both run on Clock timers: with a
// ManualClock nothing happens until the test advances time (zero latency: run_due()).
struct PaperLatency {
  Duration request = 0ms;
  Duration response = 0ms;
};

// Fees of one instrument, in basis points of the notional (maker negative: rebate).
struct PaperFees {
  Decimal maker_bps;
  Decimal taker_bps;
};

struct PaperConfig {
  Decimal slippage_bps;   // market orders fill this many bps worse than the opposite best price
                          // (quotes only: with a depth book they walk its levels instead)
  Decimal maker_fee_bps;  // resting orders filled later (negative: rebate)
  Decimal taker_fee_bps;  // fills at placement (market orders, crossing limits)
  PaperLatency latency;
  Decimal default_leverage = Decimal::one();  // perpetuals, until set_leverage()
  // Use market events from this venue only (a replayed Binance book, say); nullopt: any venue
  // whose events carry the instrument's canonical symbol.
  std::optional<Venue> price_source;
  // How long after sending a request the paper venue may still accept it (its request latency
  // is the real bound; request_validity() reports the larger of this and the longest latency
  // a request can take, so the resolver never gives up on a request still travelling).
  Duration validity_window = 1s;

  // Request latency of place (order_latency) and of cancel / cancel all (cancel_latency, which
  // defaults to order_latency), drawn per request from `latency_seed`; unset: latency.request.
  // Places and cancels keep their order whatever they draw: one ordered connection, as an
  // order-entry WebSocket or FIX session, so a cancel never overtakes its order. Queries (status,
  // open orders, fills, balances...) take latency.request.
  std::optional<LatencyModel> order_latency;
  std::optional<LatencyModel> cancel_latency;
  std::uint64_t latency_seed = 1;
  // Fees by canonical symbol ("BTC-USDT"), overriding maker_fee_bps / taker_fee_bps.
  std::map<std::string, PaperFees, std::less<>> instrument_fees;
  // Where cancels at a resting order's level fall in its queue (see queue_position.hpp).
  QueueCancels queue_cancels = QueueCancels::pro_rata;
  // Levels kept per side of a depth book (deeper levels are dropped, worst first).
  std::size_t book_depth = 1000;
};

}  // namespace nzeza::venues::paper
