#pragma once
// The one reader of a venue's array of trade objects ({"coin":"BTC","side":"B","px":"..",
// "sz":"..","time":ms,"tid":..}, Kraken's {"symbol","side","price","qty","timestamp",
// "trade_id"}), shared by the Kraken and Hyperliquid codecs: the venue names the members, the
// two side strings and the texts of its errors; reading, checks and queuing are the same.
// Hot path: no allocation after warm-up. Threading: none; the codec's owner thread.

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "core/market_event.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"

namespace nzeza::venues::codec {

// How a venue writes a trade's time.
enum class TimeForm : std::uint8_t {
  rfc3339,  // "2024-05-01T12:00:00.123456Z"
  epoch_ms  // 1714564800123
};

// A member of a trade entry: its name, and where an error in it points ("trades.data[].px").
struct TradeMember {
  const char* name;
  const char* at;
};

// How a venue writes a trade, and where its errors point. Built by trade_keys<...>().
struct TradeKeys {
  const char* array;  // "trades.data": where "not an array" points
  const char* entry;  // "trades.data[]": where entry-level errors point
  TradeMember symbol;
  TradeMember side;
  TradeMember price;
  TradeMember size;
  TradeMember id;
  TradeMember time;
  std::string_view buy;   // the side text of a trade whose taker bought ("B", "buy")
  std::string_view sell;  // ("A", "sell")
  const char* bad_side;   // "side must be A or B"
  const char* no_symbol;  // "entry without coin"
  const char* missing;    // "entry without side, px or sz"
  const char* bad_price;  // "px must be > 0"
  const char* bad_size;   // "sz must be > 0"
  TimeForm time_form;
};

// The keys of a venue whose trade entries stand in the array at `Array` with these member names:
// every error path and text derives from the names ("trades.data[].px", "px must be > 0",
// "entry without side, px or sz"). `buy`/`sell`: the side texts; `bad_side` says so.
template <Literal Array, Literal Symbol, Literal Side, Literal Price, Literal Size, Literal Id,
          Literal Time>
consteval TradeKeys trade_keys(std::string_view buy, std::string_view sell, const char* bad_side,
                               TimeForm time_form) {
  return TradeKeys{
      .array = Array.text,
      .entry = joined<Array, "[]">.data(),
      .symbol = {Symbol.text, joined<Array, "[].", Symbol>.data()},
      .side = {Side.text, joined<Array, "[].", Side>.data()},
      .price = {Price.text, joined<Array, "[].", Price>.data()},
      .size = {Size.text, joined<Array, "[].", Size>.data()},
      .id = {Id.text, joined<Array, "[].", Id>.data()},
      .time = {Time.text, joined<Array, "[].", Time>.data()},
      .buy = buy,
      .sell = sell,
      .bad_side = bad_side,
      .no_symbol = joined<"entry without ", Symbol>.data(),
      .missing = joined<"entry without ", Side, ", ", Price, " or ", Size>.data(),
      .bad_price = joined<Price, " must be > 0">.data(),
      .bad_size = joined<Size, " must be > 0">.data(),
      .time_form = time_form,
  };
}

// Reads `data`, an array of trade objects: side, price > 0 and size > 0 required, id (at most
// 40 characters) and time optional, other members ignored. Each trade of a known symbol is
// queued in decoder.pending; a trade of an unknown symbol is counted in `unknown_symbol`.
// False (with the decoder's fail) at the first bad entry.
template <class Decoder>
bool read_trades(Decoder& d, simdjson::ondemand::value& data, const TradeKeys& k,
                 SymbolCache& symbols, std::uint64_t& unknown_symbol) {
  namespace od = simdjson::ondemand;
  od::array arr;
  if (data.get_array().get(arr) != simdjson::SUCCESS) return d.fail("not an array", k.array);
  for (auto item : arr) {
    od::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS)
      return d.fail("entry is not an object", k.entry);
    std::string_view symbol;
    Trade t;
    Timestamp venue_time;
    unsigned seen = 0;
    if (!d.for_each_member(obj, k.entry, [&](od::raw_json_string key, od::value& val) {
          if (key == std::string_view(k.symbol.name)) {
            if (!d.parse_string(val, symbol, k.symbol.at)) return false;
          } else if (key == std::string_view(k.side.name)) {
            if (!d.parse_side(val, k.buy, k.sell, t.aggressor, k.bad_side, k.side.at)) return false;
            seen |= 1;
          } else if (key == std::string_view(k.price.name)) {
            if (!d.parse_decimal(val, t.price, k.price.at)) return false;
            seen |= 2;
          } else if (key == std::string_view(k.size.name)) {
            if (!d.parse_decimal(val, t.size, k.size.at)) return false;
            seen |= 4;
          } else if (key == std::string_view(k.time.name)) {
            const bool ok = k.time_form == TimeForm::epoch_ms
                                ? d.parse_ms(val, venue_time, k.time.at)
                                : d.parse_time(val, venue_time, k.time.at);
            if (!ok) return false;
          } else if (key == std::string_view(k.id.name)) {
            if (!TradeId::assign(t.trade_id, number_text(val)) || t.trade_id.size == 0)
              return d.fail("not an id of at most 40 chars", k.id.at);
          }
          return true;
        }))
      return false;
    if (symbol.empty()) return d.fail(k.no_symbol, k.entry);
    if (seen != 7) return d.fail(k.missing, k.entry);
    if (!t.price.is_positive()) return d.fail(k.bad_price, k.price.at);
    if (!t.size.is_positive()) return d.fail(k.bad_size, k.size.at);
    if (!d.queue_event(symbols.resolve(symbol), venue_time, t)) ++unknown_symbol;
  }
  return true;
}

}  // namespace nzeza::venues::codec
