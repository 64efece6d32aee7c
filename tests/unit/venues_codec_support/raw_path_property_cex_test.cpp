// The Binance, Coinbase and Kraken codecs decode random book frames alike whether their raw fast
// path or the simdjson general path reads them: the same results, error codes and messages,
// events, books and counters. Codec `raw` has the fast path on (config raw_fast_path, the
// default); codec `reference` has it off, so every frame it gets takes the general path. Both
// get the very same bytes. Frames are valid, refused (zero / negative / exponent / huge prices,
// bad sizes, truncated), crossing, or in forms the fast path gives up on (escapes, whitespace,
// reordered members, bare numbers).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "../venues_binance/recording_sink.hpp"
#include "../venues_coinbase/recording_sink.hpp"
#include "../venues_kraken/kraken_test_support.hpp"
#include "raw_path_describe.hpp"
#include "venues/binance/codec.hpp"
#include "venues/coinbase/codec.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues {
namespace {

using raw_path_test::describe;

// Both results alike: success and its fields, or the same error code, message and delivery.
template <class T, class Fields>
void expect_same_result(const Result<T>& a, const Result<T>& b, const std::string& frame,
                        Fields fields) {
  ASSERT_EQ(a.ok(), b.ok()) << frame << "\n"
                            << (a.ok() ? b.error().to_string() : a.error().to_string());
  if (a.ok()) {
    EXPECT_EQ(fields(*a), fields(*b)) << frame;
  } else {
    EXPECT_EQ(a.error().code, b.error().code) << frame;
    EXPECT_EQ(a.error().message, b.error().message) << frame;
    EXPECT_EQ(a.error().delivery, b.error().delivery) << frame;
  }
}

class Tokens {
 public:
  explicit Tokens(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool one_in(std::uint64_t n) { return below(n) == 0; }
  // `units` with `decimals` decimals, now and then in a form the fast path does not take or
  // the codec refuses (exponent, negative, zero, huge, bare, spaced).
  std::string number(std::int64_t units, int decimals, bool quoted = true) {
    std::string s = std::to_string(units);
    if (decimals > 0) {
      while (static_cast<int>(s.size()) <= decimals) s.insert(0, "0");
      s.insert(s.size() - static_cast<std::size_t>(decimals), ".");
    }
    if (one_in(400)) s = one_in(2) ? "1e2" : "6.1E4";
    if (one_in(400)) s = "-" + s;
    if (one_in(500)) s = "0";
    if (one_in(500)) s = "123456789012345678901234567890.5";
    if (one_in(600)) s = "1.1234567890123";
    if (!quoted) return s;
    if (one_in(150)) return s;  // bare where a string is written
    return one_in(150) ? " \"" + s + "\" " : "\"" + s + "\"";
  }

  // A few whole-frame alterations: an escape in a string, a space after a ':' or ',', a member
  // of the frame duplicated, a cut, a stray byte. Most frames are left as they are.
  std::string alter(std::string frame) {
    switch (below(60)) {
      case 0: {  // an escaped character inside the first string value with a letter
        const auto at = frame.find("\":\"");
        if (at != std::string::npos && at + 4 < frame.size() && std::isalpha(frame[at + 3]))
          frame.replace(at + 3, 1, "\\u00" + hex(static_cast<unsigned char>(frame[at + 3])));
        return frame;
      }
      case 1: {
        std::vector<std::size_t> seps;
        for (std::size_t i = 0; i < frame.size(); ++i)
          if (frame[i] == ':' || frame[i] == ',') seps.push_back(i);
        if (!seps.empty()) frame.insert(seps[below(seps.size())] + 1, one_in(2) ? " " : "\n\t");
        return frame;
      }
      case 2:
        return frame.substr(0, below(frame.size() + 1));
      case 3:
        return frame + (one_in(2) ? " " : "x");
      case 4:
        frame[below(frame.size())] = "{}[],:\"0"[below(8)];
        return frame;
      default:
        return frame;
    }
  }

 private:
  static std::string hex(unsigned char c) {
    static constexpr char kDigits[] = "0123456789abcdef";
    return {kDigits[c >> 4], kDigits[c & 15]};
  }
  std::mt19937_64 rng_;
};

// --- Binance ------------------------------------------------------------------------------

struct BinancePair {
  binance::test::TwoInstruments reg;
  binance::BinanceCodec raw{reg.registry};
  binance::BinanceCodec reference{reg.registry, binance::CodecConfig{.raw_fast_path = false}};
  binance::test::RecordingSink raw_sink;
  binance::test::RecordingSink reference_sink;
  const Timestamp t = Timestamp::from_seconds(1'715'000'000);

  static auto fields(const binance::DecodeInfo& d) {
    return std::make_tuple(static_cast<int>(d.kind), d.events, d.request_id, d.instrument.value,
                           d.snapshot_wanted);
  }

  void compare(const std::string& frame) {
    EXPECT_EQ(describe(raw_sink.events), describe(reference_sink.events)) << frame;
    for (const InstrumentId id : {reg.eth_usdt, reg.sol_usdt}) {
      const auto* a = raw.depth(id);
      const auto* b = reference.depth(id);
      ASSERT_EQ(a == nullptr, b == nullptr) << frame;
      if (a == nullptr) continue;
      EXPECT_EQ(describe(&a->book()), describe(&b->book())) << frame;
      EXPECT_EQ(std::make_tuple(a->wants_snapshot(), a->local_id(), a->buffered_events()),
                std::make_tuple(b->wants_snapshot(), b->local_id(), b->buffered_events()))
          << frame;
    }
    const auto& s = raw.stats();
    const auto& r = reference.stats();
    EXPECT_EQ(std::make_tuple(s.frames, s.events, s.malformed, s.oversized, s.unknown_symbol,
                              s.quotes, s.trades, s.book_changes, s.acks, s.subscription_errors,
                              s.server_shutdowns, s.unknown_type, s.snapshots, s.snapshots_too_old),
              std::make_tuple(r.frames, r.events, r.malformed, r.oversized, r.unknown_symbol,
                              r.quotes, r.trades, r.book_changes, r.acks, r.subscription_errors,
                              r.server_shutdowns, r.unknown_type, r.snapshots, r.snapshots_too_old))
        << frame;
  }

  void check(const std::string& frame) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    auto a = raw.decode(frame, t, raw_sink);
    auto b = reference.decode(frame, t, reference_sink);
    expect_same_result(a, b, frame, fields);
    compare(frame);
  }

  void snapshot(InstrumentId id, const std::string& body) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    auto a = raw.apply_depth_snapshot(id, body, t, raw_sink);
    auto b = reference.apply_depth_snapshot(id, body, t, reference_sink);
    expect_same_result(a, b, body, fields);
    compare(body);
  }
};

std::string binance_levels(Tokens& tk, bool bids, int count, bool allow_zero) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    if (i) out += ",";
    const std::int64_t base = bids ? 300000 - 7 * i - static_cast<std::int64_t>(tk.below(7))
                                   : 299990 + 7 * i + static_cast<std::int64_t>(tk.below(7));
    const std::string size = allow_zero && tk.one_in(4)
                                 ? "\"0.00000000\""
                                 : tk.number(1 + static_cast<std::int64_t>(tk.below(9'000'000)), 8);
    out += "[" + tk.number(base, 2) + "," + size + "]";
  }
  return out + "]";
}

TEST(RawPathProperty, binance_ticker_and_depth_frames_decode_alike_through_both_paths) {
  BinancePair pair;
  Tokens tk(23);
  std::uint64_t next_id[2] = {1001, 5001};
  std::uint64_t ticker_id = 1;
  const char* symbols[2] = {"ETHUSDT", "SOLUSDT"};
  const char* streams[2] = {"ethusdt", "solusdt"};
  const InstrumentId ids[2] = {pair.reg.eth_usdt, pair.reg.sol_usdt};
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const int k = tk.one_in(4) ? 1 : 0;
    const bool unknown = tk.one_in(40);
    const std::string symbol = unknown ? "DOGEUSDT" : symbols[k];
    const std::string stream = unknown ? "dogeusdt" : streams[k];
    // A REST snapshot now and then for a book that waits for one, starting before the
    // buffered diffs (or, rarely, too old).
    if (!unknown && pair.raw.wants_snapshot(ids[k]) && tk.one_in(3)) {
      const std::uint64_t last = tk.one_in(10) ? 1 : next_id[k] - 1 - tk.below(3);
      pair.snapshot(ids[k], R"({"lastUpdateId":)" + std::to_string(last) + R"(,"bids":)" +
                                binance_levels(tk, true, 20, false) + R"(,"asks":)" +
                                binance_levels(tk, false, 20, false) + "}");
    }
    std::string body;
    bool ticker = tk.one_in(3);
    if (ticker) {
      const std::int64_t bid = 299990 + static_cast<std::int64_t>(tk.below(20));
      const std::int64_t ask =
          bid + (tk.one_in(30) ? 0 : 1 + static_cast<std::int64_t>(tk.below(5)));
      std::vector<std::string> m = {
          R"("u":)" + std::to_string(ticker_id++), R"("s":")" + symbol + "\"",
          R"("b":)" + tk.number(bid, 2),           R"("B":)" + tk.number(1 + tk.below(99'999), 5),
          R"("a":)" + tk.number(ask, 2),           R"("A":)" + tk.number(1 + tk.below(99'999), 5)};
      if (tk.one_in(30)) std::swap(m[2], m[4]);
      if (tk.one_in(30)) std::swap(m[0], m[1]);
      body = "{";
      for (std::size_t j = 0; j < m.size(); ++j) body += (j ? "," : "") + m[j];
      body += "}";
    } else {
      const std::uint64_t first = next_id[k] + (tk.one_in(50) ? 2 : 0);
      const std::uint64_t last = first + tk.below(4);
      next_id[k] = last + 1;
      std::vector<std::string> m = {
          R"("e":"depthUpdate")",
          R"("E":)" + std::to_string(1715000000000 + i),
          R"("s":")" + symbol + "\"",
          R"("U":)" + std::to_string(first),
          R"("u":)" + std::to_string(last),
          R"("b":)" + binance_levels(tk, true, static_cast<int>(tk.below(6)), true),
          R"("a":)" + binance_levels(tk, false, static_cast<int>(tk.below(6)), true)};
      if (tk.one_in(30)) std::swap(m[3], m[4]);  // U after u
      if (tk.one_in(30)) std::swap(m[5], m[6]);
      if (tk.one_in(40)) std::swap(m[0], m[1]);
      body = "{";
      for (std::size_t j = 0; j < m.size(); ++j) body += (j ? "," : "") + m[j];
      body += "}";
    }
    std::string frame = body;
    if (tk.one_in(2)) {
      const std::string suffix = ticker ? (tk.one_in(20) ? "@depth" : "@bookTicker")
                                        : (tk.one_in(20) ? "@bookTicker" : "@depth@100ms");
      frame = R"({"stream":")" + stream + suffix + R"(","data":)" + body + "}";
    }
    pair.check(tk.alter(frame));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);  // refused frames were compared too
  EXPECT_GT(pair.raw.stats().book_changes, 1000u);
}

// --- Coinbase -----------------------------------------------------------------------------

struct CoinbasePair {
  coinbase::test::TwoProducts reg;
  coinbase::CoinbaseCodec raw{reg.registry};
  coinbase::CoinbaseCodec reference{reg.registry, coinbase::CodecConfig{.raw_fast_path = false}};
  coinbase::test::RecordingSink raw_sink;
  coinbase::test::RecordingSink reference_sink;

  static auto fields(const coinbase::DecodeInfo& d) {
    return std::make_tuple(static_cast<int>(d.kind), d.events, d.sequence, d.resubscribe_needed);
  }

  void check(const std::string& frame) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    const Timestamp t = Timestamp::from_seconds(1'760'000'000);
    auto a = raw.decode(frame, t, raw_sink);
    auto b = reference.decode(frame, t, reference_sink);
    expect_same_result(a, b, frame, fields);
    EXPECT_EQ(describe(raw_sink.events), describe(reference_sink.events)) << frame;
    for (const InstrumentId id : {reg.eth_usd, reg.sol_usd})
      EXPECT_EQ(describe(raw.book(id)), describe(reference.book(id))) << frame;
    const auto& s = raw.stats();
    const auto& r = reference.stats();
    EXPECT_EQ(std::make_tuple(s.frames, s.events, s.malformed, s.oversized, s.unknown_symbol,
                              s.quotes, s.trades, s.book_changes, s.book_snapshots,
                              s.updates_dropped_unsynced, s.heartbeats, s.acks, s.venue_errors,
                              s.sequence_gaps, s.duplicates, s.crossed, s.unknown_type),
              std::make_tuple(r.frames, r.events, r.malformed, r.oversized, r.unknown_symbol,
                              r.quotes, r.trades, r.book_changes, r.book_snapshots,
                              r.updates_dropped_unsynced, r.heartbeats, r.acks, r.venue_errors,
                              r.sequence_gaps, r.duplicates, r.crossed, r.unknown_type))
        << frame;
  }
};

std::string coinbase_updates(Tokens& tk, bool snapshot, int count) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    if (i) out += ",";
    const bool bid = snapshot ? i % 2 == 0 : tk.one_in(2);
    const std::int64_t base = bid ? 245000 - 3 * i - static_cast<std::int64_t>(tk.below(3))
                                  : 245010 + 3 * i + static_cast<std::int64_t>(tk.below(3));
    const char* side = bid ? "bid" : (tk.one_in(10) ? "ask" : "offer");
    if (tk.one_in(300)) side = "buy";
    const std::string qty = !snapshot && tk.one_in(4)
                                ? "\"0\""
                                : tk.number(1 + static_cast<std::int64_t>(tk.below(500'000)),
                                            static_cast<int>(tk.below(9)));
    std::vector<std::string> m = {
        std::string(R"("side":")") + side + "\"",
        tk.one_in(100) ? R"("event_time":1760000000)" : R"("event_time":"2025-10-09T08:53:20.2Z")",
        R"("price_level":)" + tk.number(base, 2), R"("new_quantity":)" + qty};
    if (tk.one_in(40)) std::swap(m[2], m[3]);
    out += "{" + m[0] + "," + m[1] + "," + m[2] + "," + m[3] + "}";
  }
  return out + "]";
}

TEST(RawPathProperty, coinbase_l2_data_frames_decode_alike_through_both_paths) {
  CoinbasePair pair;
  Tokens tk(29);
  std::uint64_t sequence = 0;
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    std::string events = "[";
    const int n = tk.one_in(10) ? static_cast<int>(tk.below(3)) : 1;
    for (int e = 0; e < n; ++e) {
      const bool snapshot = i % 40 == 0 || tk.one_in(25);
      const char* product = tk.one_in(4) ? "SOL-USD" : (tk.one_in(40) ? "BTC-USD" : "ETH-USD");
      std::vector<std::string> m = {
          std::string(R"("type":")") + (snapshot ? "snapshot" : "update") + "\"",
          std::string(R"("product_id":")") + product + "\"",
          R"("updates":)" +
              coinbase_updates(tk, snapshot, static_cast<int>(tk.below(snapshot ? 30 : 5)))};
      if (tk.one_in(40)) std::swap(m[0], m[1]);
      events += std::string(e ? "," : "") + "{" + m[0] + "," + m[1] + "," + m[2] + "}";
    }
    events += "]";
    std::vector<std::string> m = {
        R"("channel":"l2_data")", R"("client_id":"")", R"("timestamp":"2025-10-09T08:53:20.250Z")",
        R"("sequence_num":)" + std::to_string(sequence), R"("events":)" + events};
    sequence += tk.one_in(60) ? 2 : (tk.one_in(60) ? 0 : 1);  // a gap, a duplicate
    if (tk.one_in(30)) std::swap(m[0], m[4]);                 // events before channel
    if (tk.one_in(20)) std::swap(m[1], m[3]);
    if (tk.one_in(200)) m[2] = R"("timestamp":"yesterday")";
    std::string frame = "{";
    for (std::size_t j = 0; j < m.size(); ++j) frame += (j ? "," : "") + m[j];
    frame += "}";
    pair.check(tk.alter(frame));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
  EXPECT_GT(pair.raw.stats().book_changes, 1000u);
}

// One ticker as Coinbase writes it (13 members in wire order), now and then altered the ways the
// raw path must give up on or read another way: members reordered, missing, repeated, added,
// an empty or nested value, a crossed or negative quote, an unknown product.
std::string coinbase_ticker(Tokens& tk) {
  const std::int64_t bid = 245000 + static_cast<std::int64_t>(tk.below(100));
  const std::int64_t ask =
      tk.one_in(40) ? bid - 1 : bid + 1 + static_cast<std::int64_t>(tk.below(20));
  const char* product = tk.one_in(5) ? "SOL-USD" : (tk.one_in(30) ? "BTC-USD" : "ETH-USD");
  std::vector<std::string> m = {
      R"("type":"ticker")",
      std::string(R"("product_id":")") + product + "\"",
      R"("price":)" + tk.number(bid, 2),
      R"("volume_24_h":"15328.12345678")",
      R"("low_24_h":"2400.00")",
      R"("high_24_h":"2500.00")",
      R"("low_52_w":"1500.00")",
      R"("high_52_w":"4800.00")",
      R"("price_percent_chg_24_h":"-1.85")",
      R"("best_bid":)" + (tk.one_in(100) ? std::string(R"("")") : tk.number(bid, 2)),
      R"("best_bid_quantity":)" + tk.number(static_cast<std::int64_t>(tk.below(500'000'000)), 8),
      R"("best_ask":)" + tk.number(ask, 2),
      R"("best_ask_quantity":)" + tk.number(static_cast<std::int64_t>(tk.below(500'000'000)), 8)};
  if (tk.one_in(30)) std::swap(m[tk.below(m.size())], m[tk.below(m.size())]);
  if (tk.one_in(60)) m.erase(m.begin() + static_cast<std::ptrdiff_t>(tk.below(m.size())));
  if (tk.one_in(60)) m.push_back(m[tk.below(m.size())]);          // a member repeated
  if (tk.one_in(60)) m.push_back(R"("new_field":"x")");           // one more member
  if (tk.one_in(100)) m[2 + tk.below(7)] = R"("price":{"x":1})";  // a nested value
  if (tk.one_in(100)) m[3] = R"("volume_24_h":null)";
  std::string out = "{";
  for (std::size_t j = 0; j < m.size(); ++j) out += (j ? "," : "") + m[j];
  return out + "}";
}

TEST(RawPathProperty, coinbase_ticker_frames_decode_alike_through_both_paths) {
  CoinbasePair pair;
  Tokens tk(37);
  std::uint64_t sequence = 0;
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    std::string events = "[";
    const int n = tk.one_in(10) ? static_cast<int>(tk.below(3)) : 1;
    for (int e = 0; e < n; ++e) {
      std::string tickers = "[";
      const int count = tk.one_in(10) ? static_cast<int>(tk.below(4)) : 1;
      for (int t = 0; t < count; ++t) tickers += (t ? "," : "") + coinbase_ticker(tk);
      tickers += "]";
      std::vector<std::string> em = {
          std::string(R"("type":")") + (tk.one_in(20) ? "snapshot" : "update") + "\"",
          R"("tickers":)" + tickers};
      if (tk.one_in(40)) std::swap(em[0], em[1]);
      if (tk.one_in(100)) em.pop_back();  // an event without tickers
      std::string event = "{";
      for (std::size_t j = 0; j < em.size(); ++j) event += (j ? "," : "") + em[j];
      events += std::string(e ? "," : "") + event + "}";
    }
    events += "]";
    const char* channel = tk.one_in(10) ? "ticker_batch" : "ticker";
    std::vector<std::string> m = {
        std::string(R"("channel":")") + channel + "\"", R"("client_id":"")",
        R"("timestamp":"2025-10-09T08:53:20.250123456Z")",
        R"("sequence_num":)" + std::to_string(sequence), R"("events":)" + events};
    sequence += tk.one_in(60) ? 2 : (tk.one_in(60) ? 0 : 1);  // a gap, a duplicate
    if (tk.one_in(30)) std::swap(m[0], m[4]);                 // events before channel
    if (tk.one_in(20)) std::swap(m[1], m[3]);
    if (tk.one_in(200)) m[2] = R"("timestamp":"yesterday")";
    if (tk.one_in(200)) m.pop_back();
    std::string frame = "{";
    for (std::size_t j = 0; j < m.size(); ++j) frame += (j ? "," : "") + m[j];
    frame += "}";
    pair.check(tk.alter(frame));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);  // refused frames were compared too
  EXPECT_GT(pair.raw.stats().quotes, 1500u);
  EXPECT_GT(pair.raw.stats().unknown_symbol, 0u);
}

// A string value of 0..40 bytes, now and then with what a raw skip must stop at: an escaped
// quote or backslash, a \u escape, a control byte, a non-ASCII byte, at any offset (so on
// either side of a 16-byte step).
std::string skipped_string(Tokens& tk) {
  std::string s;
  const auto n = tk.below(41);
  for (std::uint64_t i = 0; i < n; ++i) s += static_cast<char>('a' + tk.below(26));
  if (tk.one_in(4)) {
    static constexpr const char* kStops[] = {"\\\"", "\\\\", "\\u00e9", "\x01", "\xc3\xa9", "\x7f"};
    s.insert(tk.below(s.size() + 1), kStops[tk.below(6)]);
  }
  return "\"" + s + "\"";
}

// A sequence_num as written: the next one, now and then with a leading zero, a sign, a point,
// an exponent or past 2^64 (what the SWAR reader takes and what it leaves to the general path).
std::string sequence_text(Tokens& tk, std::uint64_t& sequence) {
  switch (tk.below(16)) {
    case 0:
      return "0" + std::to_string(tk.below(1000));
    case 1:
      return tk.one_in(2) ? "-1" : (tk.one_in(2) ? "12.0" : "1e5");
    case 2:
      return tk.one_in(2) ? "18446744073709551616" : "100000000000000000000";
    default:
      return std::to_string(sequence++);
  }
}

// A timestamp as written: Coinbase's layout with 0 to 12 fractional digits, now and then
// another zone, a lowercase 'z', a field out of range or a stray byte.
std::string timestamp_text(Tokens& tk) {
  char text[64];
  const int month = tk.one_in(50) ? 13 : 1 + static_cast<int>(tk.below(12));
  const int day = tk.one_in(50) ? 32 : 1 + static_cast<int>(tk.below(28));
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d",
                tk.one_in(20) ? static_cast<int>(tk.below(10000)) : 2025, month, day,
                static_cast<int>(tk.below(tk.one_in(50) ? 100 : 24)),
                static_cast<int>(tk.below(60)), static_cast<int>(tk.below(61)));
  std::string out = text;
  const auto digits = tk.below(13);
  if (digits != 0 || tk.one_in(20)) out += '.';
  for (std::uint64_t i = 0; i < digits; ++i) out += static_cast<char>('0' + tk.below(10));
  static constexpr const char* kZones[] = {"Z", "z", "+02:00", "-0530", "", "ZZ"};
  out += tk.one_in(10) ? kZones[tk.below(6)] : "Z";
  if (tk.one_in(40)) out[tk.below(out.size())] = "0:T.-/a "[tk.below(8)];
  return "\"" + out + "\"";
}

TEST(RawPathProperty,
     coinbase_ticker_frames_with_any_sequence_timestamp_or_skipped_string_decode_alike) {
  Tokens tk(41);
  // Each run of frames crosses a width the SWAR reader splits at (8, 16 digits) or ends at.
  for (const std::uint64_t first :
       {std::uint64_t{1}, std::uint64_t{99'999'990}, std::uint64_t{100'000'000'000},
        std::uint64_t{9'999'999'999'999'990}, std::uint64_t{999'999'999'999'999'990}}) {
    CoinbasePair pair;
    std::uint64_t sequence = first;
    for (int i = 0; i < 600 && !::testing::Test::HasFailure(); ++i) {
      std::string ticker = coinbase_ticker(tk);
      // One of the values the raw path skips (type, price, volume, lows, highs, change).
      static constexpr const char* kSkipped[] = {R"("type":)", R"("volume_24_h":)",
                                                 R"("low_24_h":)", R"("high_52_w":)",
                                                 R"("price_percent_chg_24_h":)"};
      const std::string key = kSkipped[tk.below(5)];
      if (const auto at = ticker.find(key); at != std::string::npos) {
        const auto value = at + key.size();
        const auto end = ticker.find_first_of(",}", value + 1);
        ticker.replace(value, end - value, skipped_string(tk));
      }
      const std::string events = std::string(R"([{"type":)") +
                                 (tk.one_in(3) ? skipped_string(tk) : R"("update")") +
                                 R"(,"tickers":[)" + ticker + "]}]";
      const std::string frame = std::string(R"({"channel":"ticker","client_id":)") +
                                (tk.one_in(3) ? skipped_string(tk) : R"("")") + R"(,"timestamp":)" +
                                timestamp_text(tk) + R"(,"sequence_num":)" +
                                sequence_text(tk, sequence) + R"(,"events":)" + events + "}";
      pair.check(tk.alter(frame));
    }
    EXPECT_GT(pair.raw.stats().raw_frames, 200u) << first;
    EXPECT_GT(pair.raw.stats().malformed, 0u) << first;
    EXPECT_GT(pair.raw.stats().quotes, 200u) << first;
  }
}

TEST(RawPathProperty, binance_book_tickers_spaced_or_with_any_update_id_decode_alike) {
  BinancePair pair;
  Tokens tk(43);
  std::uint64_t sequence = 1;
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const std::int64_t bid = 299990 + static_cast<std::int64_t>(tk.below(20));
    const std::int64_t ask = bid + 1 + static_cast<std::int64_t>(tk.below(5));
    const auto space = [&tk] {
      return tk.one_in(15) ? std::string(tk.one_in(2) ? " " : "\n") : "";
    };
    const std::vector<std::string> m = {
        R"("u":)" + space() + sequence_text(tk, sequence),
        R"("s":)" + space() + (tk.one_in(20) ? skipped_string(tk) : R"("ETHUSDT")"),
        R"("b":)" + tk.number(bid, 2),
        R"("B":)" + tk.number(1 + static_cast<std::int64_t>(tk.below(99'999'999)), 8),
        R"("a":)" + tk.number(ask * 1'000'000, 8),
        R"("A":)" + tk.number(1 + static_cast<std::int64_t>(tk.below(99'999)), 5)};
    std::string body = "{" + space();
    for (std::size_t j = 0; j < m.size(); ++j) body += (j ? space() + "," + space() : "") + m[j];
    body += space() + "}";
    if (tk.one_in(3)) body = R"({"stream":"ethusdt@bookTicker","data":)" + body + "}";
    pair.check(tk.alter(body));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1000u);
  EXPECT_GT(pair.raw.stats().quotes, 2000u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
}

// The raw path reads a ticker frame in Coinbase's documented form, spaced as the docs print it
// or compact as the venue sends it, and gives every other channel to the general path.
TEST(RawPathProperty, coinbase_ticker_in_the_documented_form_takes_the_raw_path) {
  CoinbasePair pair;
  const std::string compact =
      R"({"channel":"ticker","client_id":"","timestamp":"2025-10-09T08:53:20.250123456Z","sequence_num":0,"events":[{"type":"snapshot","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"2450.15","volume_24_h":"15328.12345678","low_24_h":"2400.00","high_24_h":"2500.00","low_52_w":"1500.00","high_52_w":"4800.00","price_percent_chg_24_h":"1.85","best_bid":"2450.10","best_bid_quantity":"1.50000000","best_ask":"2450.20","best_ask_quantity":"0.50000000"}]}]})";
  std::string spaced;
  for (char ch : compact) {  // a space after each ':' and ',' outside strings: the docs' form
    spaced += ch;
    if ((ch == ':' || ch == ',') && spaced.size() > 1 && spaced[spaced.size() - 2] == '"')
      spaced += ' ';
  }
  pair.check(compact);
  EXPECT_EQ(pair.raw.stats().raw_frames, 1u);
  std::string next = spaced;
  next.replace(next.find("\"sequence_num\": 0"), 17, "\"sequence_num\": 1");
  pair.check(next);
  EXPECT_EQ(pair.raw.stats().raw_frames, 2u);
  EXPECT_EQ(pair.raw.stats().quotes, 2u);
  pair.check(
      R"({"channel":"heartbeats","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":2,"events":[{"current_time":"x","heartbeat_counter":1}]})");
  EXPECT_EQ(pair.raw.stats().raw_frames, 2u);
  EXPECT_EQ(pair.raw.stats().heartbeats, 1u);
}

// --- Kraken -------------------------------------------------------------------------------

struct KrakenPair {
  kraken::test::Registry reg;
  kraken::KrakenCodec raw = kraken::KrakenCodec::create(reg.registry).value();
  kraken::KrakenCodec reference =
      kraken::KrakenCodec::create(reg.registry, kraken::KrakenCodecConfig{.raw_fast_path = false})
          .value();
  kraken::test::CollectingSink raw_sink;
  kraken::test::CollectingSink reference_sink;

  static auto fields(const kraken::DecodeResult& d) {
    return std::make_tuple(static_cast<int>(d.kind), d.events, d.resyncs, d.req_id);
  }

  void check(const std::string& frame) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    const Timestamp t = Timestamp::from_seconds(1'709'287'200);
    auto a = raw.decode_unpadded(frame, t, raw_sink);
    auto b = reference.decode_unpadded(frame, t, reference_sink);
    expect_same_result(a, b, frame, fields);
    EXPECT_EQ(describe(raw_sink.events), describe(reference_sink.events)) << frame;
    for (const InstrumentId id : {reg.btc, reg.eth})
      EXPECT_EQ(describe(raw.book(id)), describe(reference.book(id))) << frame;
    const auto& s = raw.stats();
    const auto& r = reference.stats();
    EXPECT_EQ(std::make_tuple(s.frames, s.events, s.malformed, s.oversized, s.unknown_symbol,
                              s.unknown_type, s.checksum_mismatches, s.crossed_books, s.resyncs,
                              s.updates_while_unsynced, s.precision_changes),
              std::make_tuple(r.frames, r.events, r.malformed, r.oversized, r.unknown_symbol,
                              r.unknown_type, r.checksum_mismatches, r.crossed_books, r.resyncs,
                              r.updates_while_unsynced, r.precision_changes))
        << frame;
  }
};

// What the generator believes a Kraken book holds (price in tenths -> qty in 1e-8), to write
// the right checksum most of the time.
struct KrakenModel {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;

  static std::string digits(std::int64_t v) { return std::to_string(v); }
  std::uint32_t checksum() const {
    std::string text;
    int n = 0;
    for (const auto& [p, q] : asks)
      if (n++ < 10) text += digits(p) + digits(q);
    n = 0;
    for (const auto& [p, q] : bids)
      if (n++ < 10) text += digits(p) + digits(q);
    return static_cast<std::uint32_t>(
        ::crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
  }
  template <class Map>
  static void truncate(Map& m) {
    while (m.size() > 10) m.erase(std::prev(m.end()));
  }
};

std::string kraken_number(Tokens& tk, std::int64_t units, int decimals) {
  return tk.number(units, decimals, false);  // Kraken writes plain JSON numbers
}

TEST(RawPathProperty, kraken_book_frames_decode_alike_through_both_paths) {
  KrakenPair pair;
  Tokens tk(31);
  KrakenModel models[2];
  const char* symbols[2] = {"BTC/USD", "ETH/USD"};
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const int k = tk.one_in(4) ? 1 : 0;
    const bool unknown = tk.one_in(50);
    KrakenModel& model = models[k];
    const bool snapshot = i % 30 == 0 || tk.one_in(25);
    if (snapshot) model = KrakenModel{};
    std::string sides[2];
    for (int side = 0; side < 2; ++side) {
      const bool bid = side == 0;
      const int count = static_cast<int>(tk.below(snapshot ? 12 : 4));
      std::string out = "[";
      for (int j = 0; j < count; ++j) {
        const std::int64_t price = bid ? 600000 - (snapshot ? 5 * j : 0) -
                                             static_cast<std::int64_t>(tk.below(snapshot ? 5 : 40))
                                       : 600010 + (snapshot ? 5 * j : 0) +
                                             static_cast<std::int64_t>(tk.below(snapshot ? 5 : 40));
        const std::int64_t qty =
            !snapshot && tk.one_in(4) ? 0 : 1 + static_cast<std::int64_t>(tk.below(300'000'000));
        // Now and then another count of decimals than the book's (precision change).
        const int qty_decimals = tk.one_in(200) ? 6 : 8;
        if (j) out += tk.one_in(50) ? " , " : ",";
        const std::string px = kraken_number(tk, price, 1);
        const std::string q = kraken_number(tk, qty, qty_decimals);
        out += tk.one_in(40) ? R"({"qty":)" + q + R"(,"price":)" + px + "}"
                             : R"({"price":)" + px + R"(,"qty":)" + q + "}";
        if (bid) {
          if (qty == 0)
            model.bids.erase(price);
          else
            model.bids[price] = qty;
        } else {
          if (qty == 0)
            model.asks.erase(price);
          else
            model.asks[price] = qty;
        }
      }
      sides[side] = out + "]";
    }
    KrakenModel::truncate(model.bids);
    KrakenModel::truncate(model.asks);
    const std::uint32_t checksum =
        tk.one_in(20) ? static_cast<std::uint32_t>(tk.below(1u << 31)) : model.checksum();
    std::vector<std::string> entry = {
        std::string(R"("symbol":")") + (unknown ? "DOGE/USD" : symbols[k]) + "\"",
        R"("bids":)" + sides[0], R"("asks":)" + sides[1],
        R"("checksum":)" + std::to_string(checksum),
        R"("timestamp":"2024-03-01T10:00:00.)" + std::to_string(100000 + i) + "Z\""};
    if (tk.one_in(30)) std::swap(entry[1], entry[2]);
    if (tk.one_in(30)) std::swap(entry[3], entry[4]);
    if (tk.one_in(60)) entry[3] = R"("checksum":4294967296)";
    // Every 53rd frame the checksum spelt otherwise (spaces, leading zeros, long, not whole),
    // chosen by the frame's index so the random stream of the other frames stays as it was.
    if (i % 53 == 7) {
      const std::string n = std::to_string(checksum);
      const std::string forms[] = {R"("checksum": )" + n,
                                   R"("checksum":)" + n + " ",
                                   R"("checksum":0)" + n,
                                   R"("checksum":0)",
                                   R"("checksum":0000000000000000)" + n,
                                   R"("checksum":12345678901234567890)",
                                   R"("checksum":1234567890123456)",
                                   R"("checksum":)" + n + ".0",
                                   R"("checksum":-)" + n,
                                   R"("checksum":)" + n + "x",
                                   R"("checksum":)" + n + "7",
                                   R"("checksum":12345678901)",
                                   R"("checksum":123456789012345)"};
      entry[3] = forms[static_cast<std::size_t>(i / 53) % std::size(forms)];
    }
    std::string e = "{";
    for (std::size_t j = 0; j < entry.size(); ++j) e += (j ? "," : "") + entry[j];
    e += "}";
    std::vector<std::string> m = {
        R"("channel":"book")",
        std::string(R"("type":")") + (snapshot ? "snapshot" : "update") + "\"",
        R"("data":[)" + e + "]"};
    if (tk.one_in(30)) std::swap(m[0], m[1]);
    pair.check(tk.alter("{" + m[0] + "," + m[1] + "," + m[2] + "}"));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
  EXPECT_GT(pair.raw.stats().events, 3000u);
}

// Kraken levels whose numbers sit at the edges of the compact bare-number reader (7 and 8+
// integer digits, 8 and 9 fractional digits, the longest level the mask reader takes, numbers
// running past its 48 bytes, no point, a point without digits, a leading zero,
// an exponent, a quoted number, zero, a member after qty): the raw and the general path agree
// on every frame, whether the raw scanner reads it or gives up on it.
TEST(RawPathProperty,
     kraken_numbers_at_the_edges_of_the_bare_reader_decode_alike_through_both_paths) {
  KrakenPair pair;
  Tokens tk(47);
  const std::vector<std::string> prices = {
      "60000.0", "6000000.5", "12345678.5", "1234567890.5", "60000", "60000.", "060000.0",
      "60000.05", "6.1e4", "\"60000.0\"", "0.5", "1.00000001", "60000.0 ", "0.0", "60000.123456789",
      // the longest the mask reader takes, and digits past its 48 bytes
      "9999999.99999999", "1234567.1234567", std::string(50, '7') + ".5",
      "7." + std::string(50, '7')};
  const std::vector<std::string> qtys = {"0.12345678",
                                         "1.5",
                                         "0.123456789",
                                         "12345678.1",
                                         "0",
                                         "0.00000000",
                                         "10",
                                         "1.",
                                         "01.5",
                                         "1e-3",
                                         "\"0.5\"",
                                         "2.00000000",
                                         "9999999.99999999",
                                         "1234567.1234567",
                                         std::string(45, '3') + ".5"};
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const bool snapshot = i % 3 == 0;
    std::string sides[2];
    for (std::string& side : sides) {
      side = "[";
      const auto count = 1 + tk.below(3);
      for (std::uint64_t j = 0; j < count; ++j) {
        if (j) side += ",";
        side += R"({"price":)" + prices[tk.below(prices.size())] + R"(,"qty":)" +
                qtys[tk.below(qtys.size())] + (tk.one_in(8) ? R"(,"n":3)" : "") + "}";
      }
      side += "]";
    }
    pair.check(std::string(R"({"channel":"book","type":")") + (snapshot ? "snapshot" : "update") +
               R"(","data":[{"symbol":"BTC/USD","bids":)" + sides[0] + R"(,"asks":)" + sides[1] +
               R"(,"checksum":)" + std::to_string(tk.below(1u << 31)) +
               R"(,"timestamp":"2024-03-01T10:00:00.000000Z"}]})");
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 100u);  // the plain forms
  EXPECT_GT(pair.raw.stats().malformed, 100u);   // zero prices, exponents, ...
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
}

// Kraken book timestamps in every form near the one the raw path keeps a minute of
// ("2024-03-01T10:00:SS.ffffffZ"): the same minute with other seconds (60 included, 61 not) and
// 1..10 fractional digits, a comma, a lowercase z or t, an offset, a minute, hour, day or year
// change, years outside 2000..2199, junk in the seconds, the entry's `}` right after the string,
// spaced or after another member: both paths give the same events (their venue times) or the
// same error, frame after frame.
TEST(RawPathProperty, kraken_timestamps_around_the_kept_minute_decode_alike_through_both_paths) {
  KrakenPair pair;
  Tokens tk(53);
  const std::vector<std::string> minutes = {
      "2024-03-01T10:00", "2024-03-01T10:01", "2024-03-01T11:00", "2024-02-29T10:00",
      "2023-02-29T10:00", "1999-12-31T23:59", "2200-01-01T00:00", "2024-03-01t10:00",
      "2024-03-01 10:00", "2024-13-01T10:00"};
  const std::vector<std::string> seconds = {"00", "07", "59", "60", "61", "5x", "99"};
  const std::vector<std::string> fractions = {
      ".1", ".123456", ".123456789", ".1234567891", ",123456", ".", "", ".12345678", ".00000x"};
  const std::vector<std::string> zones = {"Z", "Z", "Z", "z", "+00:00", "+01:30", ""};
  std::uint32_t n = 0;
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const std::string time = minutes[tk.one_in(3) ? tk.below(minutes.size()) : 0] + ":" +
                             seconds[tk.below(seconds.size())] +
                             fractions[tk.below(fractions.size())] + zones[tk.below(zones.size())];
    const bool snapshot = i % 5 == 0;
    // What follows the string (by the index, so the random stream stays as it was): the entry's
    // end as Kraken writes it, spaced, or after another member.
    const std::string after = i % 11 == 5 ? " }" : i % 11 == 8 ? R"(,"n":1})" : "}";
    const std::int64_t qty = 1 + static_cast<std::int64_t>(tk.below(100'000'000));
    const std::string px = snapshot ? "60000.0" : "59999.5";
    // The checksum of a book holding this one level (an update adds a bid below the snapshot's
    // one): right most of the time, so the events reach the sink.
    KrakenModel model;
    model.bids[600000] = 100'000'000;
    if (!snapshot) model.bids[599995] = qty;
    pair.check(std::string(R"({"channel":"book","type":")") + (snapshot ? "snapshot" : "update") +
               R"(","data":[{"symbol":"BTC/USD","bids":[{"price":)" +
               (snapshot ? std::string("60000.0") : px) + R"(,"qty":)" +
               (snapshot ? std::string("1.00000000") : kraken_number(tk, qty, 8)) +
               R"(}],"asks":[],"checksum":)" + std::to_string(model.checksum()) +
               R"(,"timestamp":")" + time + "\"" + after + "]}");
    ++n;
  }
  EXPECT_EQ(n, 3000u);
  EXPECT_GT(pair.raw.stats().raw_frames, 900u);  // (a member after the time: the general path)
  EXPECT_GT(pair.raw.stats().malformed, 100u);   // the bad times
  EXPECT_GT(pair.raw.stats().events, 300u);
}

// Every prefix of a valid frame of each venue (all but the last refused) decodes alike.
TEST(RawPathProperty, every_truncation_of_a_valid_frame_decodes_alike_through_both_paths) {
  {
    BinancePair pair;
    const std::string depth =
        R"({"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1715000000000,"s":"ETHUSDT","U":11,"u":12,"b":[["3000.10","1.50000000"]],"a":[["3000.20","0.00000000"]]}})";
    const std::string ticker =
        R"({"u":400900217,"s":"ETHUSDT","b":"3000.10","B":"31.21000000","a":"3000.20","A":"40.66000000"})";
    for (const std::string* frame : {&depth, &ticker})
      for (std::size_t n = 0; n <= frame->size() && !::testing::Test::HasFailure(); ++n)
        pair.check(frame->substr(0, n));
    EXPECT_GT(pair.raw.stats().raw_frames, 0u);
  }
  {
    CoinbasePair pair;
    const std::string frame =
        R"({"channel":"l2_data","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":0,"events":[{"type":"snapshot","product_id":"ETH-USD","updates":[{"side":"bid","event_time":"2025-10-09T08:53:20.2Z","price_level":"2450.10","new_quantity":"1.5"},{"side":"offer","event_time":"2025-10-09T08:53:20.2Z","price_level":"2450.20","new_quantity":"0.75"}]}]})";
    for (std::size_t n = 0; n <= frame.size() && !::testing::Test::HasFailure(); ++n)
      pair.check(frame.substr(0, n));
    EXPECT_GT(pair.raw.stats().raw_frames, 0u);
  }
  {
    CoinbasePair pair;
    const std::string frame =
        R"({"channel":"ticker","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":0,"events":[{"type":"update","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"2450.15","price_percent_chg_24_h":"1.85","best_bid":"2450.10","best_bid_quantity":"1.50000000","best_ask":"2450.20","best_ask_quantity":"0.50000000"}]}]})";
    for (std::size_t n = 0; n <= frame.size() && !::testing::Test::HasFailure(); ++n)
      pair.check(frame.substr(0, n));
    EXPECT_GT(pair.raw.stats().raw_frames, 0u);
  }
  {
    KrakenPair pair;
    KrakenModel model;
    model.bids[500000] = 150000000;
    model.asks[500005] = 75000000;
    const std::string frame =
        R"({"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[{"price":50000.0,"qty":1.50000000}],"asks":[{"price":50000.5,"qty":0.75000000}],"checksum":)" +
        std::to_string(model.checksum()) + R"(,"timestamp":"2024-03-01T10:00:00.250000Z"}]})";
    for (std::size_t n = 0; n <= frame.size() && !::testing::Test::HasFailure(); ++n)
      pair.check(frame.substr(0, n));
    EXPECT_GT(pair.raw.stats().raw_frames, 0u);
    EXPECT_EQ(pair.raw.stats().checksum_mismatches, 0u);
  }
}

}  // namespace
}  // namespace nzeza::venues
