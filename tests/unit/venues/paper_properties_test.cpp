// Properties of the paper venue over random sequences of quotes (or depth-book changes), trades,
// orders and cancels: money moves exactly as the fills say, and nothing stays locked once every
// order is closed.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>

#include "venue_test_support.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::venues::paper {
namespace {

using venues::testing::d;
using venues::testing::Markets;

Decimal cents(int v) {
  return Decimal::from_raw8(static_cast<std::int64_t>(v) * 1'000'000);
}
Decimal lots(int v) {
  return Decimal::from_raw8(static_cast<std::int64_t>(v) * 10'000);
}

RC_GTEST_PROP(PaperVenueProperty, spot_money_moves_exactly_as_the_fills_say, ()) {
  ManualClock clock;
  Markets m;
  PaperConfig config;
  config.slippage_bps = cents(*rc::gen::inRange(0, 3000));  // 0 - 30 bps
  config.maker_fee_bps = cents(*rc::gen::inRange(-200, 300));
  config.taker_fee_bps = cents(*rc::gen::inRange(0, 1000));
  PaperVenue venue(clock, m.registry, config);
  const Decimal usdt0 = d("5000");
  const Decimal btc0 = d("20");
  RC_ASSERT(venue.deposit("USDT", usdt0).ok());
  RC_ASSERT(venue.deposit("BTC", btc0).ok());
  const InstrumentId id = m.paper_btc_usdt;
  const SymbolId symbol = m.get(id).symbol;

  const int steps = *rc::gen::inRange(1, 60);
  std::uint64_t seq = 0;
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 3) {
      const int bid = *rc::gen::inRange(9000, 11000);
      const int spread = *rc::gen::inRange(1, 50);
      MarketEvent e;
      e.symbol = symbol;
      e.body = Quote{cents(bid), lots(*rc::gen::inRange(0, 30000)), cents(bid + spread),
                     lots(*rc::gen::inRange(0, 30000))};
      venue.on_market_event(e);
    } else if (op == 3) {
      MarketEvent e;
      e.symbol = symbol;
      Trade t;
      t.price = cents(*rc::gen::inRange(9000, 11000));
      t.size = lots(*rc::gen::inRange(1, 30000));
      e.body = t;
      venue.on_market_event(e);
    } else if (op < 9) {
      domain::OrderSpec s;
      s.client_order_id = *venues::testing::codec().encode(Venue::paper, ++seq);
      s.venue = Venue::paper;
      s.instrument = id;
      s.side = *rc::gen::element(Side::buy, Side::sell);
      s.quantity = lots(*rc::gen::inRange(1, 50000));
      if (*rc::gen::inRange(0, 4) == 0) {
        s.type = domain::OrderType::market;
      } else {
        s.type = domain::OrderType::limit;
        s.price = cents(*rc::gen::inRange(9000, 11000));
        s.time_in_force =
            *rc::gen::element(domain::TimeInForce::gtc, domain::TimeInForce::ioc,
                              domain::TimeInForce::fok, domain::TimeInForce::post_only);
      }
      venue.place(s, [](Result<PlaceAck>) {});
    } else if (seq > 0) {
      const auto target = static_cast<std::uint64_t>(*rc::gen::inRange<std::uint64_t>(1, seq + 1));
      venue.cancel({"", venues::testing::codec().encode(Venue::paper, target)->text, {}},
                   [](Result<CancelAck>) {});
    }
    clock.run_due();
    for (const char* c : {"USDT", "BTC"}) {
      const auto b = *venue.balance_now(c);
      RC_ASSERT(b.total() == b.available() + b.locked());
    }
  }
  venue.cancel_all(std::nullopt, [](Result<CancelAllAck>) {});
  std::vector<domain::Fill> fills;
  venue.fills_since(Timestamp{}, std::nullopt,
                    [&](Result<std::vector<domain::Fill>> r) { fills = *r; });
  clock.run_due();

  Decimal usdt = usdt0;
  Decimal btc = btc0;
  for (const auto& f : fills) {
    const Decimal notional = *domain::notional(f);
    if (f.side == Side::buy) {
      usdt -= notional + f.fee;
      btc += f.quantity;
    } else {
      usdt += notional - f.fee;
      btc -= f.quantity;
    }
  }
  RC_CLASSIFY(fills.size() > 3, "more than 3 fills");
  const auto usdt_now = *venue.balance_now("USDT");
  const auto btc_now = *venue.balance_now("BTC");
  RC_ASSERT(usdt_now.locked() == Decimal::zero());
  RC_ASSERT(btc_now.locked() == Decimal::zero());
  RC_ASSERT(usdt_now.total() == usdt);
  RC_ASSERT(btc_now.total() == btc);
}

RC_GTEST_PROP(PaperVenueProperty,
              on_a_depth_book_money_moves_as_the_fills_say_in_whole_lots_never_beyond_an_order,
              ()) {
  ManualClock clock;
  Markets m;
  PaperConfig config;
  config.maker_fee_bps = cents(*rc::gen::inRange(-200, 300));
  config.taker_fee_bps = cents(*rc::gen::inRange(0, 1000));
  config.queue_cancels = *rc::gen::element(QueueCancels::pro_rata, QueueCancels::from_back);
  PaperVenue venue(clock, m.registry, config);
  const Decimal usdt0 = d("5000");
  const Decimal btc0 = d("20");
  RC_ASSERT(venue.deposit("USDT", usdt0).ok());
  RC_ASSERT(venue.deposit("BTC", btc0).ok());
  const InstrumentId id = m.paper_btc_usdt;
  const SymbolId symbol = m.get(id).symbol;
  auto send = [&](std::variant<Quote, Trade, BookChange, VenueStatus> body) {
    MarketEvent e;
    e.symbol = symbol;
    e.body = body;
    venue.on_market_event(e);
  };
  // Ten levels a side around 100.
  for (int l = 0; l < 20; ++l) {
    const bool bid = l < 10;
    send(BookChange{bid ? Side::buy : Side::sell, cents(bid ? 10000 - l : 10001 + l - 10),
                    lots(*rc::gen::inRange(1, 20000)), 0, true, l == 0, l == 19});
  }

  std::map<std::string, Decimal> quantity;  // by client order id
  const int steps = *rc::gen::inRange(1, 80);
  std::uint64_t seq = 0;
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 4) {
      const bool bid = *rc::gen::arbitrary<bool>();
      const int offset = *rc::gen::inRange(0, 12);  // a size of 0 below deletes the level
      send(BookChange{bid ? Side::buy : Side::sell, cents(bid ? 10000 - offset : 10001 + offset),
                      lots(*rc::gen::inRange(0, 20000))});
    } else if (op < 6) {
      Trade t;
      t.price = cents(*rc::gen::inRange(9985, 10015));
      t.size = lots(*rc::gen::inRange(1, 30000));
      send(t);
    } else if (op < 9) {
      domain::OrderSpec s;
      s.client_order_id = *venues::testing::codec().encode(Venue::paper, ++seq);
      s.venue = Venue::paper;
      s.instrument = id;
      s.side = *rc::gen::element(Side::buy, Side::sell);
      s.quantity = lots(*rc::gen::inRange(1000, 50000));
      if (*rc::gen::inRange(0, 4) == 0) {
        s.type = domain::OrderType::market;
      } else {
        s.type = domain::OrderType::limit;
        s.price = cents(*rc::gen::inRange(9985, 10015));
        s.time_in_force =
            *rc::gen::element(domain::TimeInForce::gtc, domain::TimeInForce::ioc,
                              domain::TimeInForce::fok, domain::TimeInForce::post_only);
      }
      quantity[s.client_order_id.text] = s.quantity;
      venue.place(s, [](Result<PlaceAck>) {});
    } else if (seq > 0) {
      const auto target = static_cast<std::uint64_t>(*rc::gen::inRange<std::uint64_t>(1, seq + 1));
      venue.cancel({"", venues::testing::codec().encode(Venue::paper, target)->text, {}},
                   [](Result<CancelAck>) {});
    }
    clock.run_due();
    for (const char* c : {"USDT", "BTC"}) {
      const auto b = *venue.balance_now(c);
      RC_ASSERT(b.total() == b.available() + b.locked());
    }
  }
  venue.cancel_all(std::nullopt, [](Result<CancelAllAck>) {});
  std::vector<domain::Fill> fills;
  venue.fills_since(Timestamp{}, std::nullopt,
                    [&](Result<std::vector<domain::Fill>> r) { fills = *r; });
  clock.run_due();

  Decimal usdt = usdt0;
  Decimal btc = btc0;
  std::map<std::string, Decimal> filled;
  for (const auto& f : fills) {
    RC_ASSERT(f.quantity.is_positive());
    RC_ASSERT(f.quantity.is_multiple_of(m.get(id).lot_size));
    filled[f.client_order_id] += f.quantity;
    const Decimal notional = *domain::notional(f);
    if (f.side == Side::buy) {
      usdt -= notional + f.fee;
      btc += f.quantity;
    } else {
      usdt += notional - f.fee;
      btc -= f.quantity;
    }
  }
  for (const auto& [client, q] : filled) RC_ASSERT(q <= quantity[client]);
  RC_CLASSIFY(fills.size() > 3, "more than 3 fills");
  const auto usdt_now = *venue.balance_now("USDT");
  const auto btc_now = *venue.balance_now("BTC");
  RC_ASSERT(usdt_now.locked() == Decimal::zero());
  RC_ASSERT(btc_now.locked() == Decimal::zero());
  RC_ASSERT(usdt_now.total() == usdt);
  RC_ASSERT(btc_now.total() == btc);
}

}  // namespace
}  // namespace nzeza::venues::paper
