#include "venues/binance/codec.hpp"

#include <cctype>
#include <cstring>
#include <string>

#include "core/enum_names.hpp"
#include "venues/codec_support/json_text.hpp"
#include "venues/codec_support/json_writer.hpp"
#include "venues/codec_support/raw_levels.hpp"
#include "venues/codec_support/raw_member.hpp"

namespace nzeza::venues::binance {
using namespace nzeza::venues::json_text;  // NOLINT: shared codec helpers
namespace {

namespace od = simdjson::ondemand;

constexpr json_text::FrameNames kFrameNames{"binance", "frame"};

// The stream name's suffix of each kind; a value outside the enum gets the first.
constexpr EnumNames kStreamSuffixes{StreamKind::partial_depth20,
                                    {"@bookTicker", "@trade", "@aggTrade", "@depth@100ms", "@depth",
                                     "@depth5@100ms", "@depth10@100ms", "@depth20@100ms"},
                                    "@bookTicker"};

using codec::recoverable;

bool is_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The first key of a JSON object's text ({"u":... → "u"), empty when not plainly there. A hint
// only: decoding still goes through simdjson.
std::string_view first_key(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i >= text.size() || text[i] != '{') return {};
  ++i;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i >= text.size() || text[i] != '"') return {};
  const std::size_t start = ++i;
  while (i < text.size() && text[i] != '"' && text[i] != '\\') ++i;
  if (i >= text.size() || text[i] != '"') return {};
  return text.substr(start, i - start);
}

// Partial depth stream names: <s>@depth5, <s>@depth10@100ms ...
bool is_partial_depth_stream(std::string_view stream) noexcept {
  const auto at = stream.find("@depth");
  if (at == std::string_view::npos) return false;
  const std::size_t digit = at + 6;
  return digit < stream.size() && stream[digit] >= '0' && stream[digit] <= '9';
}

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

MarketEvent make_event(const Instrument& instrument, Timestamp venue_time,
                       Timestamp receive_time) noexcept {
  return codec::market_event(Venue::binance, instrument, venue_time, receive_time);
}

// A frame of a known type for a symbol not in the registry.
constexpr DecodeInfo kUnknownSymbol{FrameKind::ignored, 0, 0, {}, false};

Timestamp from_ms(std::uint64_t ms) noexcept {
  // A venue time beyond int64 nanoseconds is nonsense; keep it as "none".
  if (ms > static_cast<std::uint64_t>(INT64_MAX / 1'000'000)) return Timestamp{};
  return Timestamp::from_ms(static_cast<std::int64_t>(ms));
}

}  // namespace

std::string stream_name(std::string_view symbol, StreamKind kind) {
  std::string out;
  out.reserve(symbol.size() + 16);
  for (char c : symbol)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  out += kStreamSuffixes.name(kind);
  return out;
}

std::string depth_snapshot_path(std::string_view symbol, int limit) {
  std::string out = "/api/v3/depth?symbol=";
  for (char c : symbol) {
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  out += "&limit=";
  out += std::to_string(limit);
  return out;
}

BinanceCodec::BinanceCodec(const InstrumentRegistry& registry, CodecConfig config)
    : registry_(&registry),
      config_(config),
      symbols_(registry, Venue::binance, codec::kManySymbols, 64),
      json_(config.max_message_bytes) {
  scratch_.reserve(config_.max_levels_per_message);
}

ControlMessage BinanceCodec::control(std::string_view method,
                                     std::span<const std::string> streams) {
  ControlMessage message;
  message.id = next_id_++;
  message.text = R"({"method":")";
  message.text += method;
  message.text += R"(","params":[)";
  codec::append_json_strings(message.text, streams);
  message.text += R"(],"id":)";
  message.text += std::to_string(message.id);
  message.text += '}';
  return message;
}

ControlMessage BinanceCodec::subscribe(std::span<const std::string> streams) {
  return control("SUBSCRIBE", streams);
}

ControlMessage BinanceCodec::unsubscribe(std::span<const std::string> streams) {
  return control("UNSUBSCRIBE", streams);
}

Error BinanceCodec::malformed(std::string_view type, std::string_view what,
                              std::string_view frame) {
  ++stats_.malformed;
  return malformed_error("binance", type, what, frame);
}

Result<DecodeInfo> BinanceCodec::decode_general(od::object& object, std::string_view frame,
                                                Timestamp receive_time, MarketEventSink& sink) {
  const std::string_view key = first_key(frame);
  if (key == "u") return decode_book_ticker(object, frame, receive_time, sink);
  if (key == "stream") {
    std::string_view stream;
    if (json_text::field(object, "stream").get_string().get(stream) != simdjson::SUCCESS) {
      return malformed("combined frame", "field 'stream' is not a string", frame);
    }
    od::object data;
    if (json_text::field(object, "data").get_object().get(data) != simdjson::SUCCESS) {
      return malformed("combined frame", "field 'data' is not an object", frame);
    }
    return decode_object(data, stream, frame, receive_time, sink);
  }
  return decode_object(object, {}, frame, receive_time, sink);
}

Result<DecodeInfo> BinanceCodec::decode_object(od::object object, std::string_view stream,
                                               std::string_view frame, Timestamp receive_time,
                                               MarketEventSink& sink) {
  if (!stream.empty()) {
    if (ends_with(stream, "@bookTicker")) {
      return decode_book_ticker(object, frame, receive_time, sink);
    }
    if (is_partial_depth_stream(stream)) {
      return decode_partial_depth(object, stream, frame, receive_time, sink);
    }
  }
  auto e = json_text::field(object, "e");
  if (e.error() == simdjson::SUCCESS) {
    std::string_view type;
    if (e.get_string().get(type) != simdjson::SUCCESS) {
      return malformed("event", "field 'e' is not a string", frame);
    }
    if (type == "depthUpdate") return decode_depth_update(object, frame, receive_time, sink);
    if (type == "trade") return decode_trade(object, false, frame, receive_time, sink);
    if (type == "aggTrade") return decode_trade(object, true, frame, receive_time, sink);
    if (type == "serverShutdown") {
      ++stats_.server_shutdowns;
      return DecodeInfo{FrameKind::closing, 0, 0, {}, false};
    }
    ++stats_.unknown_type;
    return DecodeInfo{FrameKind::ignored, 0, 0, {}, false};
  }
  if (e.error() != simdjson::NO_SUCH_FIELD) return malformed("frame", "bad JSON", frame);
  // simdjson abandons the document after a structural error: stop at the first one.
  simdjson::error_code error = json_text::field(object, "u").error();
  if (error == simdjson::SUCCESS) return decode_book_ticker(object, frame, receive_time, sink);
  if (!recoverable(error)) return malformed("frame", "bad JSON", frame);
  error = json_text::field(object, "id").error();
  if (error == simdjson::SUCCESS) return decode_response(object, frame);
  if (!recoverable(error)) return malformed("frame", "bad JSON", frame);
  error = json_text::field(object, "lastUpdateId").error();
  if (error == simdjson::SUCCESS) {
    return malformed("partial depth", "no symbol (subscribe through a combined stream)", frame);
  }
  if (!recoverable(error)) return malformed("frame", "bad JSON", frame);
  ++stats_.unknown_type;
  return DecodeInfo{FrameKind::ignored, 0, 0, {}, false};
}

Result<DecodeInfo> BinanceCodec::decode_book_ticker(od::object object, std::string_view frame,
                                                    Timestamp receive_time, MarketEventSink& sink) {
  std::string_view symbol;
  if (std::string what = required(object, "s", symbol); !what.empty())
    return malformed("bookTicker", what, frame);
  const Instrument* instrument = symbols_.find(symbol, stats_.unknown_symbol);
  if (instrument == nullptr) return kUnknownSymbol;
  static constexpr QuoteKeys kKeys{
      "b", "B", "a", "A", "bid and ask must be > 0", "sizes must be >= 0", "bid must be < ask"};
  Quote quote;
  if (std::string what = read_quote(object, kKeys, quote); !what.empty())
    return malformed("bookTicker", what, frame);
  return emit_quote(*instrument, quote, receive_time, sink);
}

DecodeInfo BinanceCodec::emit_quote(const Instrument& instrument, const Quote& quote,
                                    Timestamp receive_time, MarketEventSink& sink) {
  MarketEvent event = make_event(instrument, Timestamp{}, receive_time);
  event.body = quote;
  sink.on_event(event);
  ++stats_.quotes;
  ++stats_.events;
  return DecodeInfo{FrameKind::market_data, 1, 0, instrument.id, false};
}

Result<DecodeInfo> BinanceCodec::decode_trade(od::object object, bool aggregate,
                                              std::string_view frame, Timestamp receive_time,
                                              MarketEventSink& sink) {
  const std::string_view type = aggregate ? "aggTrade" : "trade";
  std::string_view symbol;
  if (std::string what = required(object, "s", symbol); !what.empty())
    return malformed(type, what, frame);
  const Instrument* instrument = symbols_.find(symbol, stats_.unknown_symbol);
  if (instrument == nullptr) return kUnknownSymbol;
  Trade trade;
  std::uint64_t trade_time = 0;
  bool buyer_maker = false;
  std::string what = required_trade_id(object, aggregate ? "a" : "t", trade.trade_id);
  if (what.empty())
    what = required(object, "p", trade.price, "q", trade.size, "T", trade_time, "m", buyer_maker);
  if (!what.empty()) return malformed(type, what, frame);
  if (!trade.price.is_positive()) return malformed(type, "price must be > 0", frame);
  if (!trade.size.is_positive()) return malformed(type, "quantity must be > 0", frame);
  trade.aggressor = buyer_maker ? Side::sell : Side::buy;
  MarketEvent event = make_event(*instrument, from_ms(trade_time), receive_time);
  event.body = trade;
  sink.on_event(event);
  ++stats_.trades;
  ++stats_.events;
  return DecodeInfo{FrameKind::market_data, 1, 0, instrument->id, false};
}

bool BinanceCodec::parse_levels(od::value levels, Side side, const char*& what) {
  od::array array;
  if (levels.get_array().get(array) != simdjson::SUCCESS) {
    what = "levels are not an array";
    return false;
  }
  for (auto element : array) {
    od::array pair;
    if (element.get_array().get(pair) != simdjson::SUCCESS) {
      what = "a level is not a [price, quantity] array";
      return false;
    }
    DepthLevel level;
    level.side = side;
    int index = 0;
    for (auto item : pair) {
      od::value value;
      if (item.get(value) != simdjson::SUCCESS) {
        what = "a level is not valid JSON";
        return false;
      }
      if (index == 0) {
        if (!parse_decimal(value, level.price)) {
          what = "a level price is not a decimal";
          return false;
        }
      } else if (index == 1) {
        if (!parse_decimal(value, level.size)) {
          what = "a level quantity is not a decimal";
          return false;
        }
      } else {
        // Binance levels are exactly [price, quantity]. Refusing extra entries also stops
        // here rather than reading on past a possibly malformed tail (simdjson on-demand
        // does not validate what it has not visited yet).
        what = "a level has more than 2 entries";
        return false;
      }
      ++index;
    }
    if (index < 2) {
      what = "a level has fewer than 2 entries";
      return false;
    }
    if (!level.price.is_positive()) {
      what = "a level price is not > 0";
      return false;
    }
    if (level.size.is_negative()) {
      what = "a level quantity is negative";
      return false;
    }
    if (scratch_.size() >= config_.max_levels_per_message) {
      what = "too many levels";
      return false;
    }
    scratch_.push_back(level);
  }
  return true;
}

std::string BinanceCodec::read_sides(od::object& object, const char* bids, const char* asks) {
  scratch_.clear();
  for (const auto& [key, side] : {std::pair{bids, Side::buy}, std::pair{asks, Side::sell}}) {
    od::value levels;
    if (json_text::field(object, key).get(levels) != simdjson::SUCCESS)
      return std::string("field '") + key + "' missing";
    if (const char* what = nullptr; !parse_levels(levels, side, what)) return what;
  }
  return {};
}

std::string BinanceCodec::read_depth_book(od::object& object, std::uint64_t& last_update_id) {
  if (std::string what = required(object, "lastUpdateId", last_update_id); !what.empty())
    return what;
  return read_sides(object, "bids", "asks");
}

DepthSync& BinanceCodec::depth_for(const Instrument& instrument) {
  auto it = books_.find(instrument.id.value);
  if (it == books_.end()) {
    it = books_.emplace(instrument.id.value, std::make_unique<DepthSync>(instrument, config_.depth))
             .first;
  }
  return *it->second;
}

Result<DecodeInfo> BinanceCodec::decode_depth_update(od::object object, std::string_view frame,
                                                     Timestamp receive_time,
                                                     MarketEventSink& sink) {
  std::uint64_t event_time = 0;
  std::string_view symbol;
  if (std::string what = required(object, "E", event_time, "s", symbol); !what.empty())
    return malformed("depthUpdate", what, frame);
  const Instrument* instrument = symbols_.find(symbol, stats_.unknown_symbol);
  if (instrument == nullptr) return kUnknownSymbol;
  DepthSync& depth = depth_for(*instrument);
  DepthDiff diff;
  diff.event_time = from_ms(event_time);
  scratch_.clear();
  std::string what = required(object, "U", diff.first_id, "u", diff.final_id);
  if (what.empty() && diff.first_id > diff.final_id) what = "'U' is greater than 'u'";
  if (what.empty()) what = read_sides(object, "b", "a");
  if (!what.empty()) {
    // A diff for this book was lost: its book cannot be trusted until a new snapshot.
    depth.on_lost_diff(receive_time, sink);
    return malformed("depthUpdate", what, frame);
  }
  return apply_diff(*instrument, depth, diff, receive_time, sink);
}

DecodeInfo BinanceCodec::apply_diff(const Instrument& instrument, DepthSync& depth, DepthDiff& diff,
                                    Timestamp receive_time, MarketEventSink& sink) {
  diff.levels = scratch_;
  const bool was_waiting = depth.wants_snapshot();
  const bool buffer_was_empty = depth.buffered_events() == 0;
  const std::size_t emitted = depth.on_diff(diff, receive_time, sink);
  stats_.events += emitted;
  stats_.book_changes += emitted;
  DecodeInfo info{FrameKind::market_data, emitted, 0, instrument.id, false};
  info.snapshot_wanted = depth.wants_snapshot() && (!was_waiting || buffer_was_empty);
  return info;
}

Result<DecodeInfo> BinanceCodec::decode(std::string_view frame, Timestamp receive_time,
                                        MarketEventSink& sink) {
  return codec::decode_frame(*this, &BinanceCodec::decode_raw, &BinanceCodec::decode_general,
                             config_, json_, kFrameNames, stats_, frame, receive_time, sink);
}

[[gnu::flatten]] bool BinanceCodec::decode_raw(std::string_view padded, Timestamp receive_time,
                                               MarketEventSink& sink, DecodeInfo& info) {
  namespace raw = codec::raw;
  static constexpr codec::RawKey kStream{"stream"};
  static constexpr codec::RawKey kData{"data"};
  static constexpr codec::RawKey kFirstU{"U"};
  static constexpr codec::RawKey kE{"e"};
  static constexpr codec::RawKey kBigE{"E"};
  static constexpr codec::RawKey kDepthUpdate{"depthUpdate"};
  // The bookTicker's members: as Binance writes them (`,"b":`), each one masked 8-byte compare;
  // with whitespace or another order, member() reads the key (as for the depth diff's).
  static constexpr raw::Member kU{"u"};
  static constexpr raw::Member kS{"s"};
  static constexpr raw::Member kB{"b"};
  static constexpr raw::Member kBigB{"B"};
  static constexpr raw::Member kA{"a"};
  static constexpr raw::Member kBigA{"A"};
  const auto member = [](raw::Cursor& c, const codec::RawKey& name) {
    return c.eat(',') && raw::read_key_named(c, name);
  };
  raw::Cursor c(padded);
  bool wrapped = false;
  bool ticker_stream = false;
  // The usual frame, a bare bookTicker: its head `{"u":` matched at once.
  const bool bare_ticker = kU.first.at(c.p, c.end);
  if (bare_ticker) {
    c.p += kU.first.size;
  } else if (!c.eat('{')) {
    return false;
  } else if (raw::read_key_named(c, kStream)) {  // {"stream":"<s>@bookTicker","data":{...}}
    std::string_view stream;
    if (!raw::read_string(c, stream) || is_partial_depth_stream(stream) || !member(c, kData) ||
        !c.eat('{'))
      return false;
    wrapped = true;
    ticker_stream = ends_with(stream, "@bookTicker");
  }
  const auto close = [&] { return c.eat('}') && (!wrapped || c.eat('}')) && c.at_end(); };
  std::string_view symbol;
  if (bare_ticker || raw::read_key_named(c, kU.name)) {  // {"u":N,"s":"..","b":"..","B":"..",..}
    if (wrapped && !ticker_stream) return false;
    std::uint64_t update_id = 0;
    raw::RawDecimal bid;
    raw::RawDecimal bid_size;
    raw::RawDecimal ask;
    raw::RawDecimal ask_size;
    if (!raw::read_uint(c, update_id) || !raw::next_member(c, kS) || !raw::read_string(c, symbol) ||
        !raw::next_member(c, kB) || !raw::read_long_decimal(c, bid) ||
        !raw::next_member(c, kBigB) || !raw::read_long_decimal(c, bid_size) ||
        !raw::next_member(c, kA) || !raw::read_long_decimal(c, ask) ||
        !raw::next_member(c, kBigA) || !raw::read_long_decimal(c, ask_size) || !close())
      return false;
    const Quote quote{bid.value, bid_size.value, ask.value, ask_size.value};
    if (!quote.bid.is_positive() || !quote.ask.is_positive() || quote.bid_size.is_negative() ||
        quote.ask_size.is_negative() || quote.bid >= quote.ask)
      return false;  // the general path says which
    const Instrument* instrument = symbols_.find(symbol);
    if (instrument == nullptr) {
      ++stats_.unknown_symbol;
      info = DecodeInfo{FrameKind::ignored, 0, 0, {}, false};
      return true;
    }
    info = emit_quote(*instrument, quote, receive_time, sink);
    return true;
  }
  // {"e":"depthUpdate","E":N,"s":"..","U":N,"u":N,"b":[["p","q"],...],"a":[...]}
  std::string_view type;
  DepthDiff diff;
  std::uint64_t event_time = 0;
  if (ticker_stream || !raw::read_key_named(c, kE) || !raw::read_string(c, type) ||
      !raw::key_is(type, kDepthUpdate) || !member(c, kBigE) || !raw::read_uint(c, event_time) ||
      !member(c, kS.name) || !raw::read_string(c, symbol) || !member(c, kFirstU) ||
      !raw::read_uint(c, diff.first_id) || !member(c, kU.name) ||
      !raw::read_uint(c, diff.final_id) || diff.first_id > diff.final_id)
    return false;
  static constexpr raw::LevelNames kLevels{
      .price = "p",
      .size = "q",
      .form = raw::LevelForm::array,
      .long_decimals = true};  // [["3150.12000000","1.50000000"],...]
  scratch_.clear();
  const auto on_level = [this](Side side) {
    return [this, side](const raw::RawLevel& level) {
      if (scratch_.size() >= config_.max_levels_per_message) return false;
      scratch_.push_back(DepthLevel{side, level.price.value, level.size.value});
      return true;
    };
  };
  if (!member(c, kB.name) || !raw::scan_levels(c, kLevels, on_level(Side::buy)) ||
      !member(c, kA.name) || !raw::scan_levels(c, kLevels, on_level(Side::sell)) || !close())
    return false;
  const Instrument* instrument = symbols_.find(symbol);
  if (instrument == nullptr) {
    ++stats_.unknown_symbol;
    info = DecodeInfo{FrameKind::ignored, 0, 0, {}, false};
    return true;
  }
  diff.event_time = from_ms(event_time);
  info = apply_diff(*instrument, depth_for(*instrument), diff, receive_time, sink);
  return true;
}

Result<DecodeInfo> BinanceCodec::decode_partial_depth(od::object object, std::string_view stream,
                                                      std::string_view frame,
                                                      Timestamp receive_time,
                                                      MarketEventSink& sink) {
  const std::string_view symbol = stream.substr(0, stream.find('@'));
  const Instrument* instrument = symbols_.find(symbol, stats_.unknown_symbol);
  if (instrument == nullptr) return kUnknownSymbol;
  std::uint64_t last_update_id = 0;
  if (std::string what = read_depth_book(object, last_update_id); !what.empty())
    return malformed("partial depth", what, frame);
  MarketEvent event = make_event(*instrument, Timestamp{}, receive_time);
  for (std::size_t i = 0; i < scratch_.size(); ++i) {
    const DepthLevel& level = scratch_[i];
    event.body = BookChange{level.side,
                            level.price,
                            level.size,
                            last_update_id,
                            true,
                            i == 0,
                            i + 1 == scratch_.size()};
    sink.on_event(event);
  }
  stats_.events += scratch_.size();
  stats_.book_changes += scratch_.size();
  return DecodeInfo{FrameKind::market_data, scratch_.size(), 0, instrument->id, false};
}

Result<DecodeInfo> BinanceCodec::decode_response(od::object object, std::string_view frame) {
  // simdjson abandons the document after a structural error: stop at the first one.
  std::int64_t id = 0;
  od::value value;
  simdjson::error_code error = json_text::field(object, "id").get(value);
  if (error == simdjson::SUCCESS) {
    error = value.get_int64().get(id);  // string or null ids: kept as 0
    if (error != simdjson::SUCCESS) id = 0;
  }
  if (!recoverable(error)) return malformed("response", "bad JSON", frame);

  std::string_view code_text;
  std::string_view message_text;
  od::object nested;
  error = json_text::field(object, "error").get_object().get(nested);
  if (error == simdjson::SUCCESS) {
    error = json_text::field(nested, "code").get(value);
    if (error == simdjson::SUCCESS) code_text = scalar_text(value);
    if (!recoverable(error)) return malformed("response", "bad JSON", frame);
    error = json_text::field(nested, "msg").get_string().get(message_text);
    if (!recoverable(error)) return malformed("response", "bad JSON", frame);
  } else if (!recoverable(error)) {
    return malformed("response", "bad JSON", frame);
  } else {
    error = json_text::field(object, "code").get(value);
    if (error == simdjson::SUCCESS) {
      code_text = scalar_text(value);
      error = json_text::field(object, "msg").get_string().get(message_text);
      if (!recoverable(error)) return malformed("response", "bad JSON", frame);
    } else if (!recoverable(error)) {
      return malformed("response", "bad JSON", frame);
    } else {
      error = json_text::field(object, "result").error();
      if (error == simdjson::SUCCESS) {
        ++stats_.acks;
        return DecodeInfo{FrameKind::subscribed, 0, id, {}, false};
      }
      if (!recoverable(error)) return malformed("response", "bad JSON", frame);
      ++stats_.unknown_type;
      return DecodeInfo{FrameKind::ignored, 0, id, {}, false};
    }
  }
  ++stats_.subscription_errors;
  return Error{ErrorCode::rejected,
               "binance refused request " + std::to_string(id) + ": " + excerpt(frame),
               std::string(code_text), std::string(message_text)};
}

Result<DecodeInfo> BinanceCodec::apply_depth_snapshot(InstrumentId instrument_id,
                                                      std::string_view body, Timestamp receive_time,
                                                      MarketEventSink& sink) {
  const Instrument* instrument = registry_->get(instrument_id);
  if (instrument == nullptr) {
    return Error{ErrorCode::not_found, "binance depth snapshot for an unknown instrument id " +
                                           std::to_string(instrument_id.value)};
  }
  if (body.size() > config_.max_snapshot_bytes) {
    ++stats_.oversized;
    return Error{ErrorCode::protocol, "binance depth snapshot of " + std::to_string(body.size()) +
                                          " bytes exceeds the limit"};
  }
  // Not the hot path: a padded copy and a parser of its own size.
  simdjson::padded_string padded(body);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) {
    return malformed("depth snapshot", "not JSON", body);
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return malformed("depth snapshot", "not a JSON object", body);
  }
  std::uint64_t last_update_id = 0;
  if (std::string what = read_depth_book(object, last_update_id); !what.empty())
    return malformed("depth snapshot", what, body);
  Decimal best_bid = Decimal::min();
  Decimal best_ask = Decimal::max();
  for (const DepthLevel& level : scratch_) {
    if (level.size.is_zero()) continue;
    if (level.side == Side::buy && level.price > best_bid) best_bid = level.price;
    if (level.side == Side::sell && level.price < best_ask) best_ask = level.price;
  }
  if (best_bid >= best_ask) return malformed("depth snapshot", "crossed book", body);

  DepthSync& depth = depth_for(*instrument);
  std::size_t emitted = 0;
  if (depth.on_snapshot(last_update_id, scratch_, receive_time, sink, &emitted) ==
      SnapshotOutcome::too_old) {
    ++stats_.snapshots_too_old;
    return Error{ErrorCode::stale_data, "binance depth snapshot lastUpdateId " +
                                            std::to_string(last_update_id) +
                                            " is older than the buffered diffs of " +
                                            instrument->canonical + ": fetch it again"};
  }
  ++stats_.snapshots;
  stats_.events += emitted;
  stats_.book_changes += emitted;
  return DecodeInfo{FrameKind::market_data, emitted, 0, instrument->id, depth.wants_snapshot()};
}

bool BinanceCodec::wants_snapshot(InstrumentId instrument) const {
  const auto it = books_.find(instrument.value);
  return it != books_.end() && it->second->wants_snapshot();
}

const DepthSync* BinanceCodec::depth(InstrumentId instrument) const {
  const auto it = books_.find(instrument.value);
  return it == books_.end() ? nullptr : it->second.get();
}

}  // namespace nzeza::venues::binance
