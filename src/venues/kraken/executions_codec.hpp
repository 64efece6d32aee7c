#pragma once
// The Kraken v2 `executions` channel's frames → nzeza values, without the network:
// parse_executions_frame() reads one frame into entries (exact text of every scalar), and
// ExecutionsTracker merges entries into order views and emits VenueOrder / Fill events.
// KrakenPrivateStream (private_stream.hpp) feeds it; fuzz/kraken/ feeds it arbitrary bytes.
//
// Nothing is dropped: an order or a trade on a symbol the resolver does not know keeps an
// invalid InstrumentId and the venue's symbol ("BTC/USD") in venue_symbol (always set).
//
// Threading: ExecutionsTracker is not thread-safe; one owner feeds it in frame order.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues::kraken {

// One entry of an executions message: the fields present (raw text), before merging.
struct ExecutionEntry {
  std::map<std::string, std::string, std::less<>> fields;  // scalar fields, exact text
  std::string fee_asset;
  std::optional<std::string> fee_qty;
  [[nodiscard]] const std::string* get(std::string_view key) const {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
};

// Parses one frame. nullopt for a frame that is not an executions message (status, heartbeat,
// subscribe ack, pong); an error for a malformed executions message.
[[nodiscard]] Result<std::optional<std::vector<ExecutionEntry>>> parse_executions_frame(
    std::string_view frame);

// Merges entries into views of orders and produces the VenueOrder / Fill events.
class ExecutionsTracker {
 public:
  using Resolve = std::function<std::optional<InstrumentId>(std::string_view symbol)>;
  ExecutionsTracker(const InstrumentRegistry& registry, Resolve resolve)
      : registry_(registry), resolve_(std::move(resolve)) {}

  struct Events {
    std::optional<VenueOrder> order;
    std::optional<domain::Fill> fill;
  };
  // An entry for an order we have never seen and that lacks symbol/side/qty is an error. A
  // symbol that does not resolve is kept (invalid instrument, venue_symbol set), not refused.
  [[nodiscard]] Result<Events> apply(const ExecutionEntry& entry);
  [[nodiscard]] std::size_t live_orders() const noexcept { return orders_.size(); }

 private:
  const InstrumentRegistry& registry_;
  Resolve resolve_;
  std::map<std::string, VenueOrder, std::less<>> orders_;  // by order_id, until terminal
};

}  // namespace nzeza::venues::kraken
