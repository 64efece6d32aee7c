#pragma once
// The one reader of a venue's array of trade objects ({"coin":"BTC","side":"B","px":"..",
// "sz":"..","time":ms,"tid":..}, Kraken's {"symbol","side","price","qty","timestamp",
// "trade_id"}), shared by the Kraken and Hyperliquid codecs: the venue names the members, the
// two side strings and the texts of its errors; reading, checks and queuing are the same.
// Hot path: no allocation after warm-up. Threading: none; the codec's owner thread.

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "core/market_event.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {

// How a venue writes a trade, and where its errors point.
struct TradeKeys {
  const char* array;  // "trades.data": where "not an array" points
  const char* entry;  // "trades.data[]": where entry-level errors point
  // Member names, and where an error in that member points ("trades.data[].px").
  const char* symbol;
  const char* symbol_at;
  const char* side;
  const char* side_at;
  const char* price;
  const char* price_at;
  const char* size;
  const char* size_at;
  const char* id;
  const char* id_at;
  const char* time;
  const char* time_at;
  std::string_view buy;   // the side text of a trade whose taker bought ("B", "buy")
  std::string_view sell;  // ("A", "sell")
  const char* bad_side;   // "side must be A or B"
  const char* no_symbol;  // "entry without coin"
  const char* missing;    // "entry without side, px or sz"
  const char* bad_price;  // "px must be > 0"
  const char* bad_size;   // "sz must be > 0"
};

// Reads `data`, an array of trade objects: side, price > 0 and size > 0 required, id (at most
// 40 characters) and time optional, other members ignored. Each trade of a known symbol is
// queued in decoder.pending; a trade of an unknown symbol is counted in `unknown_symbol`.
// `parse_time(value, Timestamp&, where)` reads the venue's time form. False (with the
// decoder's fail) at the first bad entry.
template <class Decoder, class ParseTime>
bool read_trades(Decoder& d, simdjson::ondemand::value& data, const TradeKeys& k,
                 SymbolCache& symbols, std::uint64_t& unknown_symbol, ParseTime&& parse_time) {
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
          if (key == std::string_view(k.symbol)) {
            if (!d.parse_string(val, symbol, k.symbol_at)) return false;
          } else if (key == std::string_view(k.side)) {
            if (!d.parse_side(val, k.buy, k.sell, t.aggressor, k.bad_side, k.side_at)) return false;
            seen |= 1;
          } else if (key == std::string_view(k.price)) {
            if (!d.parse_decimal(val, t.price, k.price_at)) return false;
            seen |= 2;
          } else if (key == std::string_view(k.size)) {
            if (!d.parse_decimal(val, t.size, k.size_at)) return false;
            seen |= 4;
          } else if (key == std::string_view(k.time)) {
            if (!parse_time(val, venue_time, k.time_at)) return false;
          } else if (key == std::string_view(k.id)) {
            if (!TradeId::assign(t.trade_id, number_text(val)) || t.trade_id.size == 0)
              return d.fail("not an id of at most 40 chars", k.id_at);
          }
          return true;
        }))
      return false;
    if (symbol.empty()) return d.fail(k.no_symbol, k.entry);
    if (seen != 7) return d.fail(k.missing, k.entry);
    if (!t.price.is_positive()) return d.fail(k.bad_price, k.price_at);
    if (!t.size.is_positive()) return d.fail(k.bad_size, k.size_at);
    if (!d.queue_event(symbols.resolve(symbol), venue_time, t)) ++unknown_symbol;
  }
  return true;
}

}  // namespace nzeza::venues::codec
