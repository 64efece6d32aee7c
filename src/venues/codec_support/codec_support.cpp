#include "venues/codec_support/codec_support.hpp"

#include "venues/codec_support/book_codec.hpp"
#include "venues/codec_support/json_writer.hpp"

namespace nzeza::venues::codec {
namespace {

constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

std::string_view trim_token(std::string_view t) noexcept {
  while (!t.empty() && is_json_space(t.back())) t.remove_suffix(1);
  return t;
}

std::string_view trim(std::string_view t) noexcept {
  t = trim_token(t);
  while (!t.empty() && is_json_space(t.front())) t.remove_prefix(1);
  return t;
}

std::string_view number_text(simdjson::ondemand::value& v) noexcept {
  std::string_view raw = trim_token(v.raw_json_token());
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"')
    raw = raw.substr(1, raw.size() - 2);
  return raw;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xF];
      out += kHex[c & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_json_strings(std::string& out, std::span<const std::string> items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ',';
    append_json_string(out, items[i]);
  }
}

std::string excerpt(std::string_view frame) {
  if (frame.size() <= kErrorExcerpt) return std::string(frame);
  return std::string(frame.substr(0, kErrorExcerpt)) + "...(" + std::to_string(frame.size()) +
         " bytes)";
}

Status check_max_frame_bytes(std::string_view codec, std::size_t max_frame_bytes) {
  if (max_frame_bytes < 1024) {
    return fail(ErrorCode::invalid_argument, std::string(codec) +
                                                 " codec: max_frame_bytes must be >= 1024, got " +
                                                 std::to_string(max_frame_bytes));
  }
  return {};
}

Status check_book_config(const BookLimits& limits, std::size_t max_book_depth,
                         std::size_t max_frame_bytes) {
  if (max_book_depth < limits.min_depth || max_book_depth > limits.max_depth) {
    return fail(ErrorCode::invalid_argument,
                std::string(limits.venue) + " codec: max_book_depth must be in [" +
                    std::to_string(limits.min_depth) + ", " + std::to_string(limits.max_depth) +
                    "], got " + std::to_string(max_book_depth));
  }
  return check_max_frame_bytes(limits.venue, max_frame_bytes);
}

Error oversized_frame(std::string_view venue, std::size_t limit, std::string_view frame) {
  return Error(ErrorCode::invalid_argument,
               std::string(venue) + ": frame of " + std::to_string(frame.size()) +
                   " bytes exceeds the limit of " + std::to_string(limit) + ": " + excerpt(frame));
}

Error malformed_frame(std::string_view venue, const char* what, const char* where,
                      std::string_view frame) {
  return Error(ErrorCode::parse_error,
               std::string(venue) + ": " + what + " at " + where + " in frame: " + excerpt(frame));
}

std::string_view padded_copy(std::string& buf, std::string_view frame, std::size_t padding) {
  if (buf.capacity() < frame.size() + padding) buf.reserve(frame.size() + padding);
  buf.assign(frame);
  return {buf.data(), frame.size()};
}

SymbolCache::SymbolCache(const InstrumentRegistry& registry, Venue venue, std::size_t max_entries,
                         std::size_t reserve)
    : registry_(registry), venue_(venue), max_entries_(max_entries) {
  entries_.reserve(reserve);
}

SymbolEntry* SymbolCache::resolve_slow(std::string_view name) {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    const Instrument* inst = registry_.find(venue_, name);
    if (inst != nullptr && inst->venue != venue_) inst = nullptr;
    if (inst == nullptr && entries_.size() >= max_entries_) return nullptr;
    it = entries_.emplace(std::string(name), SymbolEntry{inst, -1, -1}).first;
  }
  last_ = &*it;
  return &it->second;
}

bool FrameDecoder::parse_decimal(simdjson::ondemand::value& v, Decimal& out, const char* where,
                                 int* decimals) {
  int plain = 0;
  if (plain_decimal_token(v.raw_json_token(), out, plain)) {
    if (decimals != nullptr) *decimals = plain;
    return true;
  }
  auto parsed = Decimal::parse(number_text(v));
  if (!parsed.ok()) return fail("not an exact decimal", where);
  out = *parsed;
  return true;
}

bool FrameDecoder::parse_time(simdjson::ondemand::value& v, Timestamp& out, const char* where) {
  std::string_view text;
  if (v.get_string().get(text) != simdjson::SUCCESS) return fail("not a string", where);
  auto t = Timestamp::parse_iso8601(text);
  if (!t.ok()) return fail("not an RFC 3339 time", where);
  out = *t;
  return true;
}

bool FrameDecoder::open_object(std::string_view frame, simdjson::ondemand::document& doc,
                               simdjson::ondemand::object& obj) {
  if (parser.iterate(frame.data(), frame.size(), frame.size() + simdjson::SIMDJSON_PADDING)
          .get(doc) != simdjson::SUCCESS)
    return fail("not JSON", "frame");
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return fail("not a JSON object", "frame");
  return true;
}

std::size_t FrameDecoder::emit(MarketEventSink& sink) {
  for (const auto& e : pending) sink.on_event(e);
  return pending.size();
}

}  // namespace nzeza::venues::codec
