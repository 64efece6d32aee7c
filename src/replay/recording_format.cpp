#include "replay/recording_format.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/enum_names.hpp"
#include "core/json_text.hpp"
#include "replay/fast_parse.hpp"

namespace nzeza::replay {
namespace json = boost::json;

#ifndef NZEZA_VERSION_STRING
#define NZEZA_VERSION_STRING "unknown"
#endif

std::string_view nzeza_version() noexcept {
  return NZEZA_VERSION_STRING;
}

namespace {

Error bad(std::string message) {
  return Error{ErrorCode::parse_error, std::move(message)};
}

// --- enums as text ------------------------------------------------------------------------

// The recording format's own names (docs/recording.md), not the display names of to_string.
constexpr EnumNames kFeedStates{
    FeedState::resyncing,
    {"connecting", "connected", "reconnecting", "circuit_open", "stopped", "stale", "resyncing"}};
constexpr EnumNames kTradingStatuses{TradingStatus::halted, {"trading", "cancel_only", "halted"}};

std::string_view feed_state_name(FeedState s) noexcept {
  return kFeedStates.name(s);
}
std::optional<FeedState> parse_feed_state(std::string_view s) noexcept {
  return kFeedStates.parse(s);
}
std::optional<TradingStatus> parse_trading(std::string_view s) noexcept {
  return kTradingStatuses.parse(s);
}

// --- instruments as JSON (header and instrument lines: rare, allocation is fine) -------------

json::object instrument_json(const Instrument& in) {
  json::object o;
  o["venue"] = to_string(in.venue);
  o["venue_symbol"] = in.venue_symbol;
  if (!in.ws_symbol.empty() && in.ws_symbol != in.venue_symbol) o["ws_symbol"] = in.ws_symbol;
  o["canonical"] = in.canonical;
  o["kind"] = to_string(in.kind);
  o["base"] = in.base;
  o["quote"] = in.quote;
  o["tick"] = in.tick_size.to_string();
  o["lot"] = in.lot_size.to_string();
  o["min_size"] = in.min_size.to_string();
  o["max_size"] = in.max_size.to_string();
  o["min_notional"] = in.min_notional.to_string();
  o["price_rule"] = in.price_rule == PriceRule::tick ? "tick" : "hyperliquid_sigfig";
  o["status"] = kTradingStatuses.name(in.status);
  if (in.hyperliquid_asset) o["hyperliquid_asset"] = *in.hyperliquid_asset;
  if (in.hyperliquid_sz_decimals) o["hyperliquid_sz_decimals"] = *in.hyperliquid_sz_decimals;
  if (in.dydx_clob_pair_id) o["dydx_clob_pair_id"] = *in.dydx_clob_pair_id;
  if (in.dydx_atomic_resolution) o["dydx_atomic_resolution"] = *in.dydx_atomic_resolution;
  if (in.dydx_quantum_conversion_exponent)
    o["dydx_quantum_conversion_exponent"] = *in.dydx_quantum_conversion_exponent;
  if (in.dydx_step_base_quantums) o["dydx_step_base_quantums"] = *in.dydx_step_base_quantums;
  if (in.dydx_subticks_per_tick) o["dydx_subticks_per_tick"] = *in.dydx_subticks_per_tick;
  if (in.max_leverage) o["max_leverage"] = *in.max_leverage;
  return o;
}

Result<std::string> str_of(const json::object& o, std::string_view key, bool required = true) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (!required) return std::string();
    return bad("missing \"" + std::string(key) + "\"");
  }
  if (!v->is_string()) return bad("\"" + std::string(key) + "\" is not a string");
  return std::string(v->get_string());
}

Result<Decimal> dec_of(const json::object& o, std::string_view key) {
  auto s = str_of(o, key);
  if (!s) return s.error();
  auto d = Decimal::parse(*s);
  if (!d) return bad("\"" + std::string(key) + "\": " + d.error().message);
  return *d;
}

template <typename T>
Result<std::optional<T>> int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::optional<T>{};
  if (v->is_int64()) return std::optional<T>(static_cast<T>(v->get_int64()));
  if (v->is_uint64()) return std::optional<T>(static_cast<T>(v->get_uint64()));
  return bad("\"" + std::string(key) + "\" is not an integer");
}

Result<Instrument> instrument_from(const json::value& v) {
  if (!v.is_object()) return bad("an instrument is not an object");
  const json::object& o = v.get_object();
  Instrument in;
  auto venue = str_of(o, "venue");
  if (!venue) return venue.error();
  const auto pv = parse_venue(*venue);
  if (!pv) return bad("unknown venue \"" + *venue + "\"");
  in.venue = *pv;
  auto vs = str_of(o, "venue_symbol");
  if (!vs) return vs.error();
  in.venue_symbol = *vs;
  auto ws = str_of(o, "ws_symbol", false);
  if (!ws) return ws.error();
  in.ws_symbol = *ws;
  auto canonical = str_of(o, "canonical");
  if (!canonical) return canonical.error();
  in.canonical = *canonical;
  auto kind = str_of(o, "kind");
  if (!kind) return kind.error();
  if (*kind == "spot") {
    in.kind = InstrumentKind::spot;
  } else if (*kind == "perpetual") {
    in.kind = InstrumentKind::perpetual;
  } else {
    return bad(in.venue_symbol + ": unknown kind \"" + *kind + "\"");
  }
  auto base = str_of(o, "base");
  if (!base) return base.error();
  in.base = *base;
  auto quote = str_of(o, "quote");
  if (!quote) return quote.error();
  in.quote = *quote;
  for (auto [key, field] : {std::pair<std::string_view, Decimal*>{"tick", &in.tick_size},
                            {"lot", &in.lot_size},
                            {"min_size", &in.min_size},
                            {"max_size", &in.max_size},
                            {"min_notional", &in.min_notional}}) {
    auto d = dec_of(o, key);
    if (!d) return bad(in.venue_symbol + ": " + d.error().message);
    *field = *d;
  }
  auto rule = str_of(o, "price_rule", false);
  if (!rule) return rule.error();
  if (rule->empty() || *rule == "tick") {
    in.price_rule = PriceRule::tick;
  } else if (*rule == "hyperliquid_sigfig") {
    in.price_rule = PriceRule::hyperliquid_sigfig;
  } else {
    return bad(in.venue_symbol + ": unknown price_rule \"" + *rule + "\"");
  }
  auto status = str_of(o, "status", false);
  if (!status) return status.error();
  if (!status->empty()) {
    const auto s = parse_trading(*status);
    if (!s) return bad(in.venue_symbol + ": unknown status \"" + *status + "\"");
    in.status = *s;
  }
  auto hl_asset = int_of<std::uint32_t>(o, "hyperliquid_asset");
  auto hl_szd = int_of<int>(o, "hyperliquid_sz_decimals");
  auto clob = int_of<std::uint32_t>(o, "dydx_clob_pair_id");
  auto ar = int_of<int>(o, "dydx_atomic_resolution");
  auto qce = int_of<int>(o, "dydx_quantum_conversion_exponent");
  auto sbq = int_of<std::uint64_t>(o, "dydx_step_base_quantums");
  auto spt = int_of<std::uint64_t>(o, "dydx_subticks_per_tick");
  auto lev = int_of<std::uint32_t>(o, "max_leverage");
  if (!hl_asset) return hl_asset.error();
  if (!hl_szd) return hl_szd.error();
  if (!clob) return clob.error();
  if (!ar) return ar.error();
  if (!qce) return qce.error();
  if (!sbq) return sbq.error();
  if (!spt) return spt.error();
  if (!lev) return lev.error();
  in.hyperliquid_asset = *hl_asset;
  in.hyperliquid_sz_decimals = *hl_szd;
  in.dydx_clob_pair_id = *clob;
  in.dydx_atomic_resolution = *ar;
  in.dydx_quantum_conversion_exponent = *qce;
  in.dydx_step_base_quantums = *sbq;
  in.dydx_subticks_per_tick = *spt;
  in.max_leverage = *lev;
  if (auto st = in.validate(); !st) return bad(st.error().message);
  return in;
}

Result<json::object> parse_object(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) return bad("not JSON: " + ec.message());
  if (!v.is_object()) return bad("not a JSON object");
  return std::move(v.get_object());
}

// --- event lines: a flat-object scanner, no allocation -------------------------------------

void append_str(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  out.push_back('"');
  append_json_escaped(out, value);
  out.push_back('"');
}

void append_dec(std::string& out, std::string_view key, Decimal d) {
  char buf[Decimal::kMaxChars];
  char* end = d.to_chars(buf);
  out.append(key);
  out.push_back('"');
  out.append(buf, static_cast<std::size_t>(end - buf));
  out.push_back('"');
}

void append_int(std::string& out, std::string_view key, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(key);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

// Decodes a JSON string body (between the quotes) with escapes into `out`; false when bad.
bool unescape(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= raw.size()) return false;
    switch (raw[i]) {
      case '"':
      case '\\':
      case '/':
        out.push_back(raw[i]);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        if (i + 4 >= raw.size()) return false;
        unsigned v = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = raw[i + static_cast<std::size_t>(k)];
          v <<= 4;
          if (h >= '0' && h <= '9') {
            v |= static_cast<unsigned>(h - '0');
          } else if (h >= 'a' && h <= 'f') {
            v |= static_cast<unsigned>(h - 'a' + 10);
          } else if (h >= 'A' && h <= 'F') {
            v |= static_cast<unsigned>(h - 'A' + 10);
          } else {
            return false;
          }
        }
        if (v > 0x7F) return false;  // the writer escapes control characters only
        out.push_back(static_cast<char>(v));
        i += 4;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool parse_i64(std::string_view s, std::int64_t& out) noexcept {
  if (fast_u63(s.data(), s.data() + s.size(), out)) return true;
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The writer's own layout, read in one pass: literal keys in the writer's order, values parsed
// in place. Any difference (another order, spaces, escapes, exponents) returns false and the
// generic scanner below decides, with an error that says what is wrong.
class FastLine {
 public:
  explicit FastLine(std::string_view line) noexcept
      : p_(line.data()), end_(line.data() + line.size()) {}

  // A literal of the layout (a string literal: its length is a constant, memcmp inlines).
  template <std::size_t N>
  bool lit(const char (&s)[N]) noexcept {
    constexpr std::size_t kLen = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < kLen || std::memcmp(p_, s, kLen) != 0) return false;
    p_ += kLen;
    return true;
  }
  // A string body up to its closing quote (no escapes), the quote consumed.
  bool str(std::string_view& out) noexcept {
    const char* q = p_;
    while (q < end_ && *q != '"') {
      if (*q == '\\') return false;
      ++q;
    }
    if (q == end_) return false;
    out = std::string_view(p_, static_cast<std::size_t>(q - p_));
    p_ = q + 1;
    return true;
  }
  // A quoted decimal's body ("[-]digits[.digits]", at most 18 digits) parsed in the same pass
  // that finds its closing quote, the quote consumed.
  bool dec(Decimal& out) noexcept {
    const char* q = p_;
    const bool negative = q < end_ && *q == '-';
    q += negative ? 1 : 0;
    std::uint64_t mantissa = 0;
    const char* digits_from = q;
    const char* dot = nullptr;
    for (; q < end_; ++q) {
      const auto d = static_cast<unsigned>(*q - '0');
      if (d < 10) {
        mantissa = mantissa * 10 + d;
      } else if (*q == '.' && dot == nullptr) {
        dot = q;
      } else {
        break;
      }
    }
    if (q == end_ || *q != '"') return false;
    const auto digits = (q - digits_from) - (dot != nullptr ? 1 : 0);
    const auto frac = dot != nullptr ? q - dot - 1 : 0;
    if (digits <= 0 || digits > 18 || frac > Decimal::kScale) return false;
    const int128 raw = static_cast<int128>(mantissa) * detail::kPow10[Decimal::kScale - frac];
    out = Decimal::from_raw16(negative ? -raw : raw);
    p_ = q + 1;
    return true;
  }
  // The digits that follow, parsed as they are scanned (what comes after them is the next
  // lit()'s to check).
  bool integer(std::int64_t& out) noexcept {
    const char* q = digits_u63(p_, end_, out);
    if (q == nullptr) return false;
    p_ = q;
    return true;
  }
  [[nodiscard]] bool at_end() const noexcept { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

bool fast_event_line(std::string_view line, MarketEvent& out,
                     std::string_view& venue_symbol) noexcept {
  FastLine c(line);
  if (!c.lit(R"({"k":")")) return false;
  char kind = 0;
  if (c.lit(R"(q")")) {
    kind = 'q';
  } else if (c.lit(R"(t")")) {
    kind = 't';
  } else if (c.lit(R"(b")")) {
    kind = 'b';
  } else {
    return false;  // statuses are rare: the generic path reads them
  }
  if (!c.lit(R"(,"s":")") || !c.str(venue_symbol) || venue_symbol.empty()) return false;
  std::int64_t vt = 0;
  std::int64_t rt = 0;
  if (c.lit(R"(,"vt":)") && !c.integer(vt)) return false;
  if (!c.lit(R"(,"rt":)") || !c.integer(rt)) return false;
  switch (kind) {
    case 'q': {
      Quote q;
      if (!c.lit(R"(,"b":")") || !c.dec(q.bid) || !c.lit(R"(,"bs":")") || !c.dec(q.bid_size) ||
          !c.lit(R"(,"a":")") || !c.dec(q.ask) || !c.lit(R"(,"as":")") || !c.dec(q.ask_size) ||
          !c.lit("}") || !c.at_end())
        return false;
      out.body.emplace<Quote>(q);
      break;
    }
    case 't': {
      Trade t;
      if (!c.lit(R"(,"p":")") || !c.dec(t.price) || !c.lit(R"(,"q":")") || !c.dec(t.size))
        return false;
      if (c.lit(R"(,"side":"buy")")) {
        t.aggressor = Side::buy;
      } else if (c.lit(R"(,"side":"sell")")) {
        t.aggressor = Side::sell;
      } else {
        return false;
      }
      if (c.lit(R"(,"id":")")) {
        std::string_view id;
        if (!c.str(id) || !TradeId::assign(t.trade_id, id)) return false;
      }
      if (!c.lit("}") || !c.at_end()) return false;
      out.body.emplace<Trade>(t);
      break;
    }
    default: {
      BookChange b;
      if (c.lit(R"(,"side":"buy")")) {
        b.side = Side::buy;
      } else if (c.lit(R"(,"side":"sell")")) {
        b.side = Side::sell;
      } else {
        return false;
      }
      if (!c.lit(R"(,"p":")") || !c.dec(b.price) || !c.lit(R"(,"q":")") || !c.dec(b.size))
        return false;
      if (c.lit(R"(,"seq":)")) {
        std::int64_t seq = 0;
        if (!c.integer(seq)) return false;
        b.sequence = static_cast<std::uint64_t>(seq);
      }
      if (c.lit(R"(,"f":")")) {
        std::string_view flags;
        if (!c.str(flags)) return false;
        for (const char f : flags) {
          if (f == 's') {
            b.snapshot = true;
          } else if (f == 'r') {
            b.reset = true;
          } else if (f == 'l') {
            b.last = true;
          } else {
            return false;
          }
        }
      }
      if (!c.lit("}") || !c.at_end()) return false;
      out.body.emplace<BookChange>(b);
      break;
    }
  }
  out.venue_time = Timestamp::from_ns(vt);
  out.receive_time = Timestamp::from_ns(rt);
  return true;
}

struct Field {
  std::string_view key;
  std::string_view value;  // string body without quotes (escapes kept), or the raw token
  bool quoted = false;
  bool escaped = false;
};

// Scans a flat JSON object field by field; on_field returns an empty string_view on success or
// a static description of what is wrong.
template <typename F>
Status scan_object(std::string_view s, F&& on_field) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto skip_ws = [&] {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  skip_ws();
  if (i >= n || s[i] != '{') return bad("not a JSON object");
  ++i;
  skip_ws();
  if (i < n && s[i] == '}') return {};
  for (;;) {
    skip_ws();
    if (i >= n || s[i] != '"')
      return bad("expected a field name at column " + std::to_string(i + 1));
    const std::size_t k0 = ++i;
    while (i < n && s[i] != '"' && s[i] != '\\') ++i;
    if (i >= n || s[i] != '"') return bad("bad field name at column " + std::to_string(k0));
    Field f;
    f.key = s.substr(k0, i - k0);
    ++i;
    skip_ws();
    if (i >= n || s[i] != ':') return bad("expected ':' at column " + std::to_string(i + 1));
    ++i;
    skip_ws();
    if (i < n && s[i] == '"') {
      const std::size_t v0 = ++i;
      while (i < n && s[i] != '"') {
        if (s[i] == '\\') {
          f.escaped = true;
          ++i;
        }
        ++i;
      }
      if (i >= n) return bad("unterminated string in \"" + std::string(f.key) + "\"");
      f.value = s.substr(v0, i - v0);
      f.quoted = true;
      ++i;
    } else {
      const std::size_t v0 = i;
      while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ' ') ++i;
      f.value = s.substr(v0, i - v0);
      if (f.value.empty()) return bad("empty value of \"" + std::string(f.key) + "\"");
    }
    if (std::string_view why = on_field(f); !why.empty())
      return bad("\"" + std::string(f.key) + "\": " + std::string(why));
    skip_ws();
    if (i < n && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < n && s[i] == '}') {
      ++i;
      skip_ws();
      if (i != n) return bad("text after the object at column " + std::to_string(i + 1));
      return {};
    }
    return bad("expected ',' or '}' at column " + std::to_string(i + 1));
  }
}

}  // namespace

std::string encode_header(const RecordingHeader& header) {
  json::object o;
  o["format"] = kRecordingFormat;
  o["format_version"] = header.format_version;
  o["nzeza_version"] = header.nzeza_version;
  o["venue"] = to_string(header.venue);
  o["hour"] = header.hour.to_iso8601();
  o["hour_ns"] = header.hour.ns();
  json::array arr;
  for (const Instrument& in : header.instruments) arr.emplace_back(instrument_json(in));
  o["instruments"] = std::move(arr);
  return json::serialize(o);
}

Result<RecordingHeader> decode_header(std::string_view line) {
  auto obj = parse_object(line);
  if (!obj) return obj.error();
  const json::object& o = *obj;
  auto format = str_of(o, "format");
  if (!format) return format.error();
  if (*format != kRecordingFormat)
    return bad("format \"" + *format + "\" is not \"" + std::string(kRecordingFormat) + "\"");
  RecordingHeader h;
  auto fv = int_of<int>(o, "format_version");
  if (!fv) return fv.error();
  if (!*fv) return bad("missing \"format_version\"");
  h.format_version = **fv;
  if (h.format_version < 1 || h.format_version > kRecordingFormatVersion)
    return bad("format_version " + std::to_string(h.format_version) +
               " is not one this nzeza reads (1.." + std::to_string(kRecordingFormatVersion) + ")");
  auto nv = str_of(o, "nzeza_version");
  if (!nv) return nv.error();
  h.nzeza_version = *nv;
  auto venue = str_of(o, "venue");
  if (!venue) return venue.error();
  const auto pv = parse_venue(*venue);
  if (!pv) return bad("unknown venue \"" + *venue + "\"");
  h.venue = *pv;
  auto hour = int_of<std::int64_t>(o, "hour_ns");
  if (!hour) return hour.error();
  if (*hour) h.hour = Timestamp::from_ns(**hour);
  const json::value* arr = o.if_contains("instruments");
  if (arr == nullptr || !arr->is_array()) return bad("missing \"instruments\" array");
  for (const json::value& v : arr->get_array()) {
    auto in = instrument_from(v);
    if (!in)
      return bad("instrument " + std::to_string(h.instruments.size() + 1) + ": " +
                 in.error().message);
    if (in->venue != h.venue)
      return bad("instrument " + in->venue_symbol + " is on " + std::string(to_string(in->venue)) +
                 ", the file on " + std::string(to_string(h.venue)));
    h.instruments.push_back(std::move(*in));
  }
  return h;
}

std::string encode_instrument_line(const Instrument& instrument) {
  json::object o;
  o["k"] = "i";
  o["instrument"] = instrument_json(instrument);
  return json::serialize(o);
}

Result<Instrument> decode_instrument_line(std::string_view line) {
  auto obj = parse_object(line);
  if (!obj) return obj.error();
  const json::value* v = obj->if_contains("instrument");
  if (v == nullptr) return bad("instrument line without \"instrument\"");
  return instrument_from(*v);
}

LineKind classify_line(std::string_view line) noexcept {
  constexpr std::string_view kEvent = R"({"k":")";
  constexpr std::string_view kHeader = R"({"format":)";
  if (line.substr(0, kEvent.size()) == kEvent) {
    const std::string_view rest = line.substr(kEvent.size());
    if (rest.size() >= 2 && rest[0] == 'i' && rest[1] == '"') return LineKind::instrument;
    return LineKind::event;
  }
  if (line.substr(0, kHeader.size()) == kHeader) return LineKind::header;
  const std::size_t first = line.find_first_not_of(" \t");
  if (first != std::string_view::npos && line[first] == '{') return LineKind::event;  // by hand
  return LineKind::unknown;
}

LineKind classify_json_line(std::string_view line) {
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return LineKind::unknown;
  const json::object& o = v.get_object();
  if (o.contains("format")) return LineKind::header;
  const json::value* k = o.if_contains("k");
  if (k != nullptr && k->is_string() && k->get_string() == "i") return LineKind::instrument;
  return LineKind::event;
}

void append_event_line(std::string& out, const MarketEvent& e, std::string_view venue_symbol) {
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Quote>) {
          out.append(R"({"k":"q")");
        } else if constexpr (std::is_same_v<T, Trade>) {
          out.append(R"({"k":"t")");
        } else if constexpr (std::is_same_v<T, BookChange>) {
          out.append(R"({"k":"b")");
        } else {
          out.append(R"({"k":"st")");
        }
        if (!venue_symbol.empty()) append_str(out, R"(,"s":)", venue_symbol);
        if (!e.venue_time.is_zero()) append_int(out, R"(,"vt":)", e.venue_time.ns());
        append_int(out, R"(,"rt":)", e.receive_time.ns());
        if constexpr (std::is_same_v<T, Quote>) {
          append_dec(out, R"(,"b":)", body.bid);
          append_dec(out, R"(,"bs":)", body.bid_size);
          append_dec(out, R"(,"a":)", body.ask);
          append_dec(out, R"(,"as":)", body.ask_size);
        } else if constexpr (std::is_same_v<T, Trade>) {
          append_dec(out, R"(,"p":)", body.price);
          append_dec(out, R"(,"q":)", body.size);
          out.append(body.aggressor == Side::buy ? R"(,"side":"buy")" : R"(,"side":"sell")");
          if (body.trade_id.size > 0) append_str(out, R"(,"id":)", body.trade_id.view());
        } else if constexpr (std::is_same_v<T, BookChange>) {
          out.append(body.side == Side::buy ? R"(,"side":"buy")" : R"(,"side":"sell")");
          append_dec(out, R"(,"p":)", body.price);
          append_dec(out, R"(,"q":)", body.size);
          if (body.sequence != 0)
            append_int(out, R"(,"seq":)", static_cast<std::int64_t>(body.sequence));
          if (body.snapshot || body.reset || body.last) {
            out.append(R"(,"f":")");
            if (body.snapshot) out.push_back('s');
            if (body.reset) out.push_back('r');
            if (body.last) out.push_back('l');
            out.push_back('"');
          }
        } else {
          append_str(out, R"(,"feed":)", feed_state_name(body.state));
          append_str(out, R"(,"trading":)", kTradingStatuses.name(body.trading));
        }
        out.append("}\n");
      },
      e.body);
}

Status decode_event_line(std::string_view line, MarketEvent& out, std::string_view& venue_symbol,
                         std::string& scratch) {
  if (fast_event_line(line, out, venue_symbol)) return {};
  enum : unsigned {
    kKind = 1,
    kRt = 2,
    kA = 4,
    kB = 8,
    kAs = 16,
    kBs = 32,
    kP = 64,
    kQ = 128,
    kSide = 256,
    kFeed = 512
  };
  unsigned seen = 0;
  char kind = 0;
  std::int64_t vt = 0;
  std::int64_t rt = 0;
  Decimal a;
  Decimal b;
  Decimal as;
  Decimal bs;
  Decimal p;
  Decimal q;
  Side side = Side::buy;
  std::uint64_t seq = 0;
  bool snapshot = false;
  bool reset = false;
  bool last = false;
  TradeId trade_id;
  FeedState feed = FeedState::connected;
  TradingStatus trading = TradingStatus::trading;
  venue_symbol = {};
  auto dec = [](const Field& f, Decimal& d, unsigned bit, unsigned& mask) -> std::string_view {
    if (!f.quoted) return "a decimal must be a string";
    if (!parse_decimal(f.value, d)) return "not an exact decimal";
    mask |= bit;
    return {};
  };
  Status st = scan_object(line, [&](const Field& f) -> std::string_view {
    const std::string_view k = f.key;
    switch (k.size()) {
      case 1:
        switch (k[0]) {
          case 'k':
            if (!f.quoted || f.value.empty()) return "not a kind";
            if (f.value == "q" || f.value == "t" || f.value == "b") {
              kind = f.value[0];
            } else if (f.value == "st") {
              kind = 's';
            } else {
              return "unknown event kind";
            }
            seen |= kKind;
            return {};
          case 's':
            if (!f.quoted) return "a symbol must be a string";
            if (f.escaped) {
              if (!unescape(f.value, scratch)) return "bad escape";
              venue_symbol = scratch;
            } else {
              venue_symbol = f.value;
            }
            return {};
          case 'a':
            return dec(f, a, kA, seen);
          case 'b':
            return dec(f, b, kB, seen);
          case 'p':
            return dec(f, p, kP, seen);
          case 'q':
            return dec(f, q, kQ, seen);
          case 'f':
            if (!f.quoted) return "flags must be a string";
            for (const char c : f.value) {
              if (c == 's') {
                snapshot = true;
              } else if (c == 'r') {
                reset = true;
              } else if (c == 'l') {
                last = true;
              } else {
                return "unknown flag (s, r, l)";
              }
            }
            return {};
          default:
            return "unknown field";
        }
      case 2:
        if (k == "rt" || k == "vt") {
          std::int64_t v = 0;
          if (f.quoted || !parse_i64(f.value, v) || v < 0) return "not a time in ns";
          if (k[0] == 'r') {
            rt = v;
            seen |= kRt;
          } else {
            vt = v;
          }
          return {};
        }
        if (k == "as") return dec(f, as, kAs, seen);
        if (k == "bs") return dec(f, bs, kBs, seen);
        if (k == "id") {
          if (!f.quoted) return "a trade id must be a string";
          std::string_view id = f.value;
          if (f.escaped) {
            if (!unescape(f.value, scratch)) return "bad escape";
            id = scratch;
          }
          if (!TradeId::assign(trade_id, id)) return "longer than 40 characters";
          return {};
        }
        return "unknown field";
      case 3:
        if (k == "seq") {
          std::int64_t v = 0;
          if (f.quoted || !parse_i64(f.value, v) || v < 0) return "not a sequence number";
          seq = static_cast<std::uint64_t>(v);
          return {};
        }
        return "unknown field";
      case 4:
        if (k == "side") {
          if (f.value == "buy") {
            side = Side::buy;
          } else if (f.value == "sell") {
            side = Side::sell;
          } else {
            return "not buy or sell";
          }
          seen |= kSide;
          return {};
        }
        if (k == "feed") {
          const auto s = parse_feed_state(f.value);
          if (!s) return "unknown feed state";
          feed = *s;
          seen |= kFeed;
          return {};
        }
        return "unknown field";
      case 7:
        if (k == "trading") {
          const auto s = parse_trading(f.value);
          if (!s) return "unknown trading status";
          trading = *s;
          return {};
        }
        return "unknown field";
      default:
        return "unknown field";
    }
  });
  if (!st) return st;
  auto missing = [](std::string_view what) { return bad("missing \"" + std::string(what) + "\""); };
  if ((seen & kKind) == 0) return missing("k");
  if ((seen & kRt) == 0) return missing("rt");
  out.venue_time = Timestamp::from_ns(vt);
  out.receive_time = Timestamp::from_ns(rt);
  switch (kind) {
    case 'q': {
      if ((seen & kB) == 0) return missing("b");
      if ((seen & kBs) == 0) return missing("bs");
      if ((seen & kA) == 0) return missing("a");
      if ((seen & kAs) == 0) return missing("as");
      auto& body = out.body.emplace<Quote>();
      body.bid = b;
      body.bid_size = bs;
      body.ask = a;
      body.ask_size = as;
      break;
    }
    case 't': {
      if ((seen & kP) == 0) return missing("p");
      if ((seen & kQ) == 0) return missing("q");
      if ((seen & kSide) == 0) return missing("side");
      auto& body = out.body.emplace<Trade>();
      body.price = p;
      body.size = q;
      body.aggressor = side;
      body.trade_id = trade_id;
      break;
    }
    case 'b': {
      if ((seen & kSide) == 0) return missing("side");
      if ((seen & kP) == 0) return missing("p");
      if ((seen & kQ) == 0) return missing("q");
      auto& body = out.body.emplace<BookChange>();
      body.side = side;
      body.price = p;
      body.size = q;
      body.sequence = seq;
      body.snapshot = snapshot;
      body.reset = reset;
      body.last = last;
      break;
    }
    default: {
      if ((seen & kFeed) == 0) return missing("feed");
      auto& body = out.body.emplace<VenueStatus>();
      body.state = feed;
      body.trading = trading;
      break;
    }
  }
  if (kind != 's' && venue_symbol.empty()) return missing("s");
  return {};
}

}  // namespace nzeza::replay
