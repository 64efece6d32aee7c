// Hyperliquid's REST answer readers (rest_codec.hpp) on arbitrary bytes. The first byte chooses
// the reader ('0' + n: 0 order answer, 1 cancel answer, 2 orderStatus, 3 openOrders, 4 fills,
// 5 balances, 6 positions, 7 meta, 8 the Date header, 9 candleSnapshot), the rest is the answer
// body. Never crashes; what comes back holds the readers' promises: every error names the venue,
// every order, fill and position carries the venue's symbol (an unknown coin an invalid
// instrument), fills come oldest first, withdrawable never exceeds the account value, a filled or
// resting status has an order id, candles are closed, valid (check_candle), strictly ascending
// and a gap exactly when they had no trade.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/instrument.hpp"
#include "market/candle_check.hpp"
#include "venues/hyperliquid/rest_codec.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::hyperliquid;

Instrument perp(const char* coin, std::uint32_t asset, int sz_decimals) {
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = std::string(coin) + "-USDC";
  i.venue_symbol = coin;
  i.ws_symbol = coin;
  i.base = coin;
  i.quote = "USDC";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = asset;
  i.hyperliquid_sz_decimals = sz_decimals;
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(1000);
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = [] {
    InstrumentRegistry reg;
    (void)reg.add(perp("BTC", 0, 5));
    (void)reg.add(perp("ETH", 1, 4));
    return reg;
  }();
  return r;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void check_error(const Error& e) {
  check(std::string_view(e.message).starts_with("hyperliquid "));
}

template <typename T>
void check_or_error(const Result<T>& r) {
  if (!r) check_error(r.error());
}

void check_symbol(InstrumentId id, const std::string& symbol) {
  check(!symbol.empty());
  if (id.valid()) {
    const auto* inst = registry().get(id);
    check(inst != nullptr && inst->venue_symbol == symbol);
  } else {
    check(registry().find(Venue::hyperliquid, symbol) == nullptr);
  }
}

void exchange(const boost::json::value& body, bool place) {
  auto r = read_exchange_answer(body, "fuzz");
  if (!r) return check_error(r.error());
  auto st = read_statuses(*r, "fuzz");
  if (!st) return check_error(st.error());
  for (const auto& item : **st) {
    if (place) {
      auto p = read_place_status(item, "fuzz");
      if (!p) {
        check_error(p.error());
        continue;
      }
      check((p->kind == PlaceStatus::Kind::waiting) == p->venue_order_id.empty());
    } else if (auto s = read_cancel_status(item, "fuzz"); !s) {
      check_error(s.error());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int which = (data[0] - '0' + 256) % 10;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (which == 8) {
    if (auto t = parse_http_date(text)) check(t->ms() >= 0);
    return 0;
  }
  auto parsed = parse_answer(text, "fuzz");
  if (!parsed) {
    check_error(parsed.error());
    check(parsed.error().delivery == Delivery::answer_cut);
    return 0;
  }
  const auto& body = *parsed;
  switch (which) {
    case 0:
    case 1:
      exchange(body, which == 0);
      break;
    case 2: {
      auto o = read_order_status(body, registry(), "fuzz");
      check_or_error(o);
      if (o) check_symbol(o->instrument, o->venue_symbol);
      break;
    }
    case 3: {
      auto list = read_open_orders(body, registry(), "fuzz");
      check_or_error(list);
      if (list) {
        for (const auto& o : *list) check_symbol(o.instrument, o.venue_symbol);
      }
      break;
    }
    case 4: {
      auto fills = read_fills(body, registry(), "fuzz");
      check_or_error(fills);
      if (fills) {
        for (std::size_t i = 0; i < fills->size(); ++i) {
          check_symbol((*fills)[i].instrument, (*fills)[i].venue_symbol);
          check(!(*fills)[i].trade_id.empty());
          if (i > 0) check((*fills)[i - 1].time <= (*fills)[i].time);
        }
      }
      break;
    }
    case 5: {
      auto m = read_margin_summary(body, "fuzz");
      check_or_error(m);
      if (m) check(m->withdrawable <= m->account_value);
      break;
    }
    case 6: {
      auto list = read_positions(body, registry(), "fuzz");
      check_or_error(list);
      if (list) {
        for (const auto& p : *list) check_symbol(p.instrument, p.venue_symbol);
      }
      break;
    }
    case 7: {
      auto list = read_meta(body, {}, "fuzz");
      check_or_error(list);
      if (list) {
        for (const auto& in : *list) {
          check(!in.venue_symbol.empty() && in.lot_size.is_positive());
          check(in.hyperliquid_asset.has_value());
        }
      }
      break;
    }
    case 9: {
      // 2023-11-14T22:15:00Z, a minute boundary.
      const Timestamp now = Timestamp::from_ms(1'700'000'100'000);
      auto list = read_candles(body, "BTC", std::chrono::minutes(1), now, "fuzz");
      check_or_error(list);
      if (list) {
        for (std::size_t i = 0; i < list->size(); ++i) {
          const auto& c = (*list)[i];
          check(c.end() <= now && market::check_candle(c).ok());
          check(c.interval == std::chrono::minutes(1) && c.gap == (c.trades == 0));
          if (i > 0) check((*list)[i - 1].start < c.start);
        }
      }
      break;
    }
    default:
      break;
  }
  return 0;
}
