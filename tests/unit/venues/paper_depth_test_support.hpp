#pragma once
// Depth-book helpers for the paper fill-model tests: snapshots, deltas and trades on a symbol,
// and the order and fill queries the tests read back.

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "paper_test_support.hpp"

namespace nzeza::venues::paper::testing {

struct Level {
  const char* price;
  const char* size;
};

using EventBody = std::variant<Quote, Trade, BookChange, VenueStatus>;

// A market event carrying `body` for the symbol of `id`, as a feed hands it on.
inline MarketEvent event_for(const Markets& m, InstrumentId id, Timestamp at, EventBody body) {
  MarketEvent e;
  e.venue = Venue::binance;
  e.symbol = m.get(id).symbol;
  e.receive_time = at;
  e.body = std::move(body);
  return e;
}

// A full snapshot: reset on the first level, last on the last one (bids, then asks).
inline std::vector<BookChange> snapshot_changes(std::initializer_list<Level> bids,
                                                std::initializer_list<Level> asks) {
  std::vector<BookChange> out;
  for (const auto& l : bids) out.push_back({Side::buy, d(l.price), d(l.size), 0, true});
  for (const auto& l : asks) out.push_back({Side::sell, d(l.price), d(l.size), 0, true});
  out.front().reset = true;
  out.back().last = true;
  return out;
}

inline Trade trade_print(const char* price, const char* size, Side aggressor) {
  Trade t;
  t.price = d(price);
  t.size = d(size);
  t.aggressor = aggressor;
  return t;
}

class PaperDepthFixture : public PaperFixture {
 protected:
  void send(EventBody body, InstrumentId id) {
    venue->on_market_event(event_for(m, id, clock.now(), std::move(body)));
  }
  void book(std::initializer_list<Level> bids, std::initializer_list<Level> asks) {
    for (const auto& c : snapshot_changes(bids, asks)) send(c, m.paper_btc_usdt);
  }
  // One delta: the level's new size (0 deletes it).
  void level(Side side, const char* price, const char* size) {
    send(BookChange{side, d(price), d(size)}, m.paper_btc_usdt);
  }
  void print(const char* price, const char* size, Side aggressor = Side::sell) {
    send(trade_print(price, size, aggressor), m.paper_btc_usdt);
  }
  VenueOrder status(std::uint64_t seq) {
    const std::string id = venues::testing::codec().encode(Venue::paper, seq)->text;
    auto s = run<VenueOrder>([&](auto cb) { venue->order_status({"", id, {}}, cb); });
    EXPECT_TRUE(s);
    return s ? *s : VenueOrder{};
  }
  std::vector<domain::Fill> fills() {
    auto f = run<std::vector<domain::Fill>>(
        [&](auto cb) { venue->fills_since(Timestamp{}, std::nullopt, cb); });
    return f ? *f : std::vector<domain::Fill>{};
  }
};

}  // namespace nzeza::venues::paper::testing
