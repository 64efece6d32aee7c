#include "venues/generic/codec.hpp"

#include <cstring>

#include "venues/codec_support/json_writer.hpp"

namespace nzeza::venues::generic {
using json_text::excerpt;
using json_text::malformed_error;
namespace {

namespace od = simdjson::ondemand;

constexpr json_text::FrameNames kFrameNames{"generic", "price message"};

constexpr std::size_t kMaxCachedSymbols = 4096;
constexpr std::uint64_t kMillisecondsThreshold = 1'000'000'000'000;  // ts above: milliseconds

bool recoverable(simdjson::error_code error) noexcept {
  return error == simdjson::SUCCESS || error == simdjson::NO_SUCH_FIELD ||
         error == simdjson::INCORRECT_TYPE;
}

// Raw token text of a scalar without trailing whitespace and, for a string, its quotes.
std::string_view scalar_text(od::value value) noexcept {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
    return token.substr(1, token.size() - 2);
  }
  return token;
}

std::string control(std::string_view action, std::span<const std::string> symbols) {
  std::string text = R"({"action":")";
  text += action;
  text += R"(","symbols":[)";
  codec::append_json_strings(text, symbols);
  text += "]}";
  return text;
}

}  // namespace

GenericCodec::GenericCodec(const InstrumentRegistry& registry, CodecConfig config)
    : config_(config),
      json_(config.max_message_bytes),
      symbols_(registry, Venue::generic, kMaxCachedSymbols, 64) {}

std::string GenericCodec::subscribe(std::span<const std::string> symbols) {
  return control("subscribe", symbols);
}

std::string GenericCodec::unsubscribe(std::span<const std::string> symbols) {
  return control("unsubscribe", symbols);
}

Error GenericCodec::malformed(std::string_view what, std::string_view frame) {
  ++stats_.malformed;
  return malformed_error("generic", "price message", what, frame);
}

const Instrument* GenericCodec::find_symbol(std::string_view symbol) {
  return symbols_.find(symbol);
}

Result<DecodeInfo> GenericCodec::decode(std::string_view frame, Timestamp receive_time,
                                        MarketEventSink& sink) {
  if (Status opened = json_.open(frame, kFrameNames, stats_); !opened.ok())
    return std::move(opened).error();
  od::object& object = json_.object();

  od::value value;
  std::string_view symbol;
  simdjson::error_code error = json_text::field(object, "symbol").get(value);
  if (error == simdjson::NO_SUCH_FIELD) {
    // Not a price: a heartbeat or another typed message.
    std::string_view type;
    error = json_text::field(object, "type").get_string().get(type);
    if (error == simdjson::SUCCESS && type == "heartbeat") {
      ++stats_.heartbeats;
      return DecodeInfo{FrameKind::heartbeat, 0, {}};
    }
    if (error == simdjson::SUCCESS) {
      ++stats_.unknown_type;
      return DecodeInfo{FrameKind::ignored, 0, {}};
    }
    if (!recoverable(error)) return malformed("not JSON", frame);
    return malformed("field 'symbol' missing", frame);
  }
  if (error != simdjson::SUCCESS || value.get_string().get(symbol) != simdjson::SUCCESS ||
      symbol.empty()) {
    return malformed("field 'symbol' is not a non-empty string", frame);
  }
  const Instrument* instrument = find_symbol(symbol);

  Decimal price;
  error = json_text::field(object, "price").get(value);
  if (error == simdjson::NO_SUCH_FIELD) return malformed("field 'price' missing", frame);
  if (error != simdjson::SUCCESS) return malformed("not JSON", frame);
  const std::string_view price_text = scalar_text(value);
  if (auto parsed = Decimal::parse(price_text); parsed.ok()) {
    price = *parsed;
  } else {
    return malformed("field 'price' is not an exact decimal (" + parsed.error().message + ")",
                     frame);
  }
  if (!price.is_positive()) return malformed("field 'price' must be > 0", frame);

  std::uint64_t ts = 0;
  error = json_text::field(object, "ts").get(value);
  if (error == simdjson::NO_SUCH_FIELD) return malformed("field 'ts' missing", frame);
  if (error != simdjson::SUCCESS) return malformed("not JSON", frame);
  if (value.get_uint64().get(ts) != simdjson::SUCCESS || ts == 0) {
    return malformed("field 'ts' is not a positive integer (seconds or milliseconds)", frame);
  }
  Timestamp venue_time;
  if (ts > kMillisecondsThreshold) {
    if (ts > static_cast<std::uint64_t>(INT64_MAX / 1'000'000)) {
      return malformed("field 'ts' is out of range", frame);
    }
    venue_time = Timestamp::from_ms(static_cast<std::int64_t>(ts));
  } else {
    // Seconds beyond the int64 nanosecond range (year 2262) are not a time.
    if (ts > static_cast<std::uint64_t>(INT64_MAX / 1'000'000'000)) {
      return malformed("field 'ts' is out of range", frame);
    }
    venue_time = Timestamp::from_seconds(static_cast<std::int64_t>(ts));
  }

  if (instrument == nullptr) {
    ++stats_.unknown_symbol;
    return DecodeInfo{FrameKind::ignored, 0, {}};
  }
  if (config_.max_clock_skew.count() > 0) {
    const Duration skew =
        venue_time > receive_time ? venue_time - receive_time : receive_time - venue_time;
    if (skew > config_.max_clock_skew) {
      ++stats_.skewed;
      return Error{ErrorCode::stale_data,
                   "generic price message: field 'ts' is " +
                       std::to_string(skew.count() / 1'000'000) +
                       " ms away from the receive time (limit " +
                       std::to_string(config_.max_clock_skew.count() / 1'000'000) +
                       " ms) in: " + excerpt(frame)};
    }
  }

  MarketEvent event;
  event.venue = Venue::generic;
  event.instrument = instrument->id;
  event.symbol = instrument->symbol;
  event.venue_time = venue_time;
  event.receive_time = receive_time;
  event.body = Quote{price, Decimal::zero(), price, Decimal::zero()};
  sink.on_event(event);
  ++stats_.events;
  ++stats_.prices;
  return DecodeInfo{FrameKind::market_data, 1, instrument->id};
}

}  // namespace nzeza::venues::generic
