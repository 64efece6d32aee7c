#pragma once
// MarketEventSink: where a venue codec hands the MarketEvents it decodes from one frame.
//
// Contract: on_event is called synchronously, on the decoding thread, zero or more times per
// decoded frame, in wire order. The event reference is valid only for the duration of the call
// (copy it if you keep it). Implementations must not throw and should not block: the codec's
// hot path runs inside the connection's read loop.

#include "core/market_event.hpp"

namespace nzeza {

struct MarketEventSink {
  virtual void on_event(const MarketEvent& event) = 0;

  virtual ~MarketEventSink() = default;
};

}  // namespace nzeza
