// The dYdX and Hyperliquid codecs decode random book frames alike whether the raw scanner or the
// simdjson on-demand path reads them: the same results, errors, events, books and counters.
// Codec `raw` gets each frame as generated (its book frames go through the scanner when it
// takes them); codec `reference` gets the same frame with a leading member the scanner never
// takes ("pad":[0], which both paths otherwise ignore), so it always decodes on demand.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../venues_dydx/dydx_test_support.hpp"
#include "../venues_hyperliquid/hyperliquid_test_support.hpp"
#include "raw_path_describe.hpp"
#include "venues/dydx/codec.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace nzeza::venues {
namespace {

using raw_path_test::describe;

// The reference's copy of a frame: a first member the scanner gives up on.
std::string padded_member(const std::string& frame) {
  const auto brace = frame.find('{');
  if (brace == std::string::npos) return frame;
  std::string out = frame;
  out.insert(brace + 1, R"("pad":[0],)");
  return out;
}

class Tokens {
 public:
  explicit Tokens(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool one_in(std::uint64_t n) { return below(n) == 0; }
  // A price or size as venues write it, now and then in a form the scanner's compact loop or
  // the scanner itself does not take (long, bare, spaced, exponent, zero, negative).
  std::string number(std::int64_t units, int decimals, bool quote = true) {
    std::string s = std::to_string(units);
    if (decimals > 0) {
      while (static_cast<int>(s.size()) <= decimals) s.insert(0, "0");
      s.insert(s.size() - static_cast<std::size_t>(decimals), ".");
    }
    if (one_in(300)) s = "1e2";
    if (one_in(400)) s = "-" + s;
    if (one_in(60)) return s;  // bare
    if (!quote) return s;
    return one_in(60) ? " \"" + s + "\" " : "\"" + s + "\"";
  }
  std::string price(std::int64_t base) {
    const int dec = static_cast<int>(below(3));
    std::int64_t units = base;
    for (int i = 0; i < dec; ++i) units = units * 10 + static_cast<std::int64_t>(below(10));
    return number(units, dec);
  }
  std::string size(bool allow_zero) {
    if (allow_zero && one_in(4)) return one_in(2) ? "\"0\"" : "\"0.0\"";
    // Now and then 9 or 10 decimals: more than the scanner takes.
    const int dec = one_in(300) ? 9 + static_cast<int>(below(2)) : static_cast<int>(below(9));
    return number(1 + static_cast<std::int64_t>(below(2'000'000)), dec);
  }

 private:
  std::mt19937_64 rng_;
};

// --- dYdX ---------------------------------------------------------------------------------

struct DydxPair {
  dydx::test::Registry reg;
  dydx::DydxCodec raw = dydx::DydxCodec::create(reg.registry).value();
  dydx::DydxCodec reference = dydx::DydxCodec::create(reg.registry).value();
  dydx::test::CollectingSink raw_sink;
  dydx::test::CollectingSink reference_sink;

  void check(const std::string& frame) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    const Timestamp t = Timestamp::from_seconds(1'715'000'000);
    auto a = raw.decode_unpadded(frame, t, raw_sink);
    auto b = reference.decode_unpadded(padded_member(frame), t, reference_sink);
    ASSERT_EQ(a.ok(), b.ok()) << frame;
    if (a.ok()) {
      EXPECT_EQ(a->kind, b->kind) << frame;
      EXPECT_EQ(a->events, b->events) << frame;
      EXPECT_EQ(a->gap, b->gap) << frame;
      EXPECT_EQ(a->resyncs, b->resyncs) << frame;
    } else {
      // The error quotes the frame: the reference's carries the extra member.
      EXPECT_EQ(a.error().code, b.error().code) << frame;
    }
    EXPECT_EQ(describe(raw_sink.events), describe(reference_sink.events)) << frame;
    for (const InstrumentId id : {reg.btc, reg.eth})
      EXPECT_EQ(describe(raw.book(id)), describe(reference.book(id))) << frame;
    const auto& s = raw.stats();
    const auto& r = reference.stats();
    EXPECT_EQ(std::make_tuple(s.frames, s.events, s.malformed, s.unknown_type, s.unknown_symbol,
                              s.gaps, s.resyncs, s.uncrossed_levels, s.updates_while_unsynced),
              std::make_tuple(r.frames, r.events, r.malformed, r.unknown_type, r.unknown_symbol,
                              r.gaps, r.resyncs, r.uncrossed_levels, r.updates_while_unsynced))
        << frame;
  }
};

// `odd`: snapshots the book stage does not take as they come now and then (a repeated or
// unsorted price, size 0, a side crossing the other: `cross` moves the asks below the bids).
std::string dydx_levels(Tokens& tk, bool snapshot, bool bids, int count, bool odd = false,
                        bool cross = false) {
  std::string out = "[";
  std::string last_price;
  for (int i = 0; i < count; ++i) {
    if (i) out += tk.one_in(30) ? " , " : ",";
    const std::int64_t start = bids ? 61000 : (cross ? 60990 : 61005);
    const std::int64_t base = bids ? start - 3 * i - static_cast<std::int64_t>(tk.below(3))
                                   : start + 3 * i + static_cast<std::int64_t>(tk.below(3));
    std::string price = tk.one_in(500) ? "\"0\"" : tk.price(base);
    if (odd && i > 0 && tk.one_in(40)) price = last_price;                            // repeated
    if (odd && i > 1 && tk.one_in(60)) price = tk.price(bids ? base + 9 : base - 9);  // unsorted
    last_price = price;
    const std::string size = tk.size(!snapshot || (odd && tk.one_in(10)));
    if (snapshot ? !tk.one_in(20) : tk.one_in(20)) {
      out += tk.one_in(10) ? R"({"size":)" + size + R"(,"price":)" + price + "}"
                           : R"({"price":)" + price + R"(,"size":)" + size + "}";
    } else {
      // The offset: mostly the indexer's quoted digits; now and then a form the update path's
      // quote-mask reader must leave to the sequential one (long, bare, escaped, control or
      // non-ASCII bytes, empty, more elements, unterminated).
      static const char* const kOffsets[] = {
          R"(,"1151")",    R"(,"1151")",  R"(,"1151")",  R"(,"12345678901234567890")",
          ",1151",         R"(,"11\"5")", R"(,"11\\5")", ",\"1\x01\"",
          ",\"\xc3\xa9\"", R"(,"")",      R"(,"1",2)",   ",",
          R"(,"1151" )",   ",\"1151",     R"(,"1","2")", R"(,"]")"};
      const char* const offset = !tk.one_in(2)   ? ""
                                 : tk.one_in(20) ? kOffsets[tk.below(std::size(kOffsets))]
                                                 : R"(,"1151")";
      out += "[" + price + "," + size + offset + "]";
    }
  }
  return out + "]";
}

// `odd`: also the snapshot shapes of dydx_levels, asks listed first, sides left out or empty.
std::string dydx_frame(Tokens& tk, std::uint64_t& message_id, bool snapshot, bool odd = false) {
  const char* market = tk.one_in(6) ? "ETH-USD" : (tk.one_in(30) ? "DOGE-USD" : "BTC-USD");
  const bool cross = odd && snapshot && tk.one_in(15);
  const int depth = odd && tk.one_in(20) ? 1 : (snapshot ? 30 : 4);
  std::vector<std::string> sides;
  if (snapshot ? !(odd && tk.one_in(20)) : !tk.one_in(4))
    sides.push_back(R"("bids":)" +
                    dydx_levels(tk, snapshot, true, static_cast<int>(tk.below(depth)), odd, cross));
  if (snapshot ? !(odd && tk.one_in(20)) : !tk.one_in(4))
    sides.push_back(R"("asks":)" + dydx_levels(tk, snapshot, false,
                                               static_cast<int>(tk.below(depth)), odd, cross));
  if (odd && sides.size() == 2 && tk.one_in(3)) std::swap(sides[0], sides[1]);
  std::string contents = "{";
  for (const auto& side : sides) contents += (contents.size() > 1 ? "," : "") + side;
  contents += "}";
  std::vector<std::string> members = {
      std::string(R"("type":")") + (snapshot ? "subscribed" : "channel_data") + "\"",
      R"("connection_id":"0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b")",
      R"("message_id":)" + std::to_string(message_id), R"("channel":"v4_orderbook")",
      std::string(R"("id":")") + market + "\""};
  if (!snapshot) members.push_back(R"("version":"1.0.0")");
  if (tk.one_in(8)) std::swap(members[3], members[4]);
  if (tk.one_in(40)) std::swap(members[0], members[2]);
  std::string frame = "{";
  for (const auto& m : members) frame += m + (tk.one_in(40) ? " , " : ",");
  frame += R"("contents":)" + contents + "}";
  message_id += tk.one_in(40) ? 2 : 1;  // now and then a gap
  return frame;
}

TEST(RawPathProperty, dydx_book_frames_decode_alike_through_the_scanner_and_on_demand) {
  DydxPair pair;
  Tokens tk(7);
  std::uint64_t message_id = 1;
  pair.check(R"({"type":"connected","connection_id":"c1","message_id":0})");
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const bool snapshot = i % 25 == 0 || tk.one_in(20);
    pair.check(dydx_frame(tk, message_id, snapshot));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);         // refused frames were compared too
  EXPECT_GT(pair.raw.stats().uncrossed_levels, 0u);  // and crossing updates
}

// Snapshots the book stage takes (sorted, asks first or bids first, one side, size-0 levels
// skipped) and those it hands to the on-demand path (a repeated or unsorted price, a crossed or
// empty snapshot) decode alike; so do the updates that follow them.
TEST(RawPathProperty, dydx_snapshots_of_every_shape_decode_alike_through_the_stage_and_on_demand) {
  DydxPair pair;
  Tokens tk(11);
  std::uint64_t message_id = 1;
  pair.check(R"({"type":"connected","connection_id":"c1","message_id":0})");
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const bool snapshot = i % 5 == 0 || tk.one_in(8);
    pair.check(dydx_frame(tk, message_id, snapshot, true));
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);
  EXPECT_GT(pair.raw.stats().uncrossed_levels, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
}

// An update as the indexer writes it (type, connection_id, message_id, id, channel, version,
// contents; no whitespace), the shape the update path matches as literals, and now and then a
// byte changed where that path only skips or matches: a connection_id of another length, with
// an escape, a control or a non-ASCII byte; a padded or bad message_id; an empty or escaped id;
// another channel or type; whitespace; a side missing, repeated or empty; a cut or extended
// frame; a price or size of an odd form. `depth`: up to depth - 1 levels a side.
std::string dydx_indexer_update(Tokens& tk, std::uint64_t& message_id, std::uint64_t depth = 5) {
  std::string conn = "0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b";
  if (tk.one_in(10)) conn.resize(tk.below(conn.size() + 1));
  if (tk.one_in(10)) conn += std::string(tk.below(40), 'x');
  if (tk.one_in(25)) conn.insert(tk.below(conn.size() + 1), "\\\"");
  if (tk.one_in(25)) conn.insert(tk.below(conn.size() + 1), 1, '\x01');
  if (tk.one_in(25)) conn.insert(tk.below(conn.size() + 1), "\xc3\xa9");
  std::string id = tk.one_in(6) ? "ETH-USD" : (tk.one_in(30) ? "DOGE-USD" : "BTC-USD");
  if (tk.one_in(40)) id.clear();
  if (!id.empty() && tk.one_in(40)) id.replace(3, 1, "\\u002d");  // BTC\u002dUSD: BTC-USD escaped
  std::string mid = std::to_string(message_id);
  if (tk.one_in(10)) mid.insert(0, std::string(1 + tk.below(12), ' '));
  if (tk.one_in(60)) mid = "0" + mid;
  if (tk.one_in(60)) mid = "\"" + mid + "\"";
  std::string contents = "{";
  const bool bids = !tk.one_in(5);
  const bool asks = !tk.one_in(5);
  if (bids)
    contents += R"("bids":)" + dydx_levels(tk, false, true, static_cast<int>(tk.below(depth)));
  if (bids && asks) contents += tk.one_in(40) ? " ," : ",";
  if (asks)
    contents += R"("asks":)" + dydx_levels(tk, false, false, static_cast<int>(tk.below(depth)));
  if (tk.one_in(60)) contents += R"(,"bids":[["61000","1"]])";
  contents += "}";
  // Now and then a level's price or size in a form at the edge of what the update path's
  // decimal reader takes: a leading zero, a point first or last, two points, empty, 7 or 8
  // bytes, a sign, an exponent.
  static const char* const kOdd[] = {
      "05",  "00.5",    ".5",       "5.",       "1..2",     "1.2.3",   "",        "0",
      "0.0", "00",      "10.0",     "1234567",  "12345678", "0.00001", "9999999", "-1",
      "1e2", "0.",      "7.000001", "61000.5",  "0.10",     "1.2345",  "123.456", "0000001",
      "1.0", "1.23456", "0.5",      "123456.7", "0.000001", "1.2e3",   "10"};
  for (int m = tk.one_in(5) ? 1 + static_cast<int>(tk.below(3)) : 0; m > 0; --m) {
    const auto at = contents.find("[\"", tk.below(contents.size()));
    if (at == std::string::npos) break;
    std::size_t start = at + 2;
    if (tk.one_in(2)) {  // the size
      const auto q = contents.find("\",\"", start);
      if (q == std::string::npos) break;
      start = q + 3;
    }
    const auto end = contents.find('"', start);
    if (end == std::string::npos) break;
    contents.replace(start, end - start, kOdd[tk.below(std::size(kOdd))]);
  }
  const char* type = tk.one_in(40) ? "channel_datb" : "channel_data";
  const char* channel = tk.one_in(40) ? "v4_orderbooc" : "v4_orderbook";
  std::string frame = std::string(R"({"type":")") + type + R"(","connection_id":")" + conn +
                      R"(","message_id":)" + mid + R"(,"id":")" + id + R"(","channel":")" +
                      channel + R"(","version":")" + (tk.one_in(20) ? "1.0.10" : "1.0.0") +
                      R"(","contents":)" + contents + "}";
  if (tk.one_in(40)) frame.insert(tk.below(frame.size() + 1), " ");
  if (tk.one_in(40)) frame.resize(tk.below(frame.size() + 1));
  if (tk.one_in(60)) frame += tk.one_in(2) ? " " : "}";
  message_id += tk.one_in(40) ? 2 : 1;  // now and then a gap
  return frame;
}

TEST(RawPathProperty, dydx_updates_in_the_indexers_member_order_decode_alike_to_on_demand) {
  DydxPair pair;
  Tokens tk(13);
  std::uint64_t message_id = 1;
  pair.check(R"({"type":"connected","connection_id":"c1","message_id":0})");
  for (int i = 0; i < 4000 && !::testing::Test::HasFailure(); ++i) {
    if (i % 25 == 0 || tk.one_in(30)) {
      pair.check(dydx_frame(tk, message_id, true));  // a snapshot to update again
    } else if (i % 100 == 7) {
      pair.check(dydx_indexer_update(tk, message_id, 70));  // more levels than the path holds
    } else {
      pair.check(dydx_indexer_update(tk, message_id));
    }
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 2000u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
  EXPECT_GT(pair.raw.stats().uncrossed_levels, 0u);
  EXPECT_GT(pair.raw.stats().gaps, 0u);
}

// --- Hyperliquid ----------------------------------------------------------------------------

struct HyperliquidPair {
  explicit HyperliquidPair(hyperliquid::HyperliquidCodecConfig config = {})
      : raw(hyperliquid::HyperliquidCodec::create(reg.registry, config).value()),
        reference(hyperliquid::HyperliquidCodec::create(reg.registry, config).value()) {}
  hyperliquid::test::Registry reg;
  hyperliquid::HyperliquidCodec raw;
  hyperliquid::HyperliquidCodec reference;
  hyperliquid::test::CollectingSink raw_sink;
  hyperliquid::test::CollectingSink reference_sink;

  void check(const std::string& frame) {
    raw_sink.events.clear();
    reference_sink.events.clear();
    const Timestamp t = Timestamp::from_seconds(1'715'000'000);
    auto a = raw.decode_unpadded(frame, t, raw_sink);
    auto b = reference.decode_unpadded(padded_member(frame), t, reference_sink);
    ASSERT_EQ(a.ok(), b.ok()) << frame;
    if (a.ok()) {
      EXPECT_EQ(a->kind, b->kind) << frame;
      EXPECT_EQ(a->events, b->events) << frame;
      EXPECT_EQ(a->resyncs, b->resyncs) << frame;
    } else {
      EXPECT_EQ(a.error().code, b.error().code) << frame;
    }
    EXPECT_EQ(describe(raw_sink.events), describe(reference_sink.events)) << frame;
    for (const InstrumentId id : {reg.btc, reg.dydx})
      EXPECT_EQ(describe(raw.book(id)), describe(reference.book(id))) << frame;
    const auto& s = raw.stats();
    const auto& r = reference.stats();
    EXPECT_EQ(std::make_tuple(s.frames, s.events, s.malformed, s.unknown_symbol, s.crossed_books,
                              s.resyncs),
              std::make_tuple(r.frames, r.events, r.malformed, r.unknown_symbol, r.crossed_books,
                              r.resyncs))
        << frame;
  }
};

std::string hyperliquid_side(Tokens& tk, bool bids, int count) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    if (i) out += ",";
    const std::int64_t base = bids ? 64000 - 2 * i - static_cast<std::int64_t>(tk.below(2))
                                   : 64003 + 2 * i + static_cast<std::int64_t>(tk.below(2));
    const std::string px = tk.one_in(400) ? "\"0\"" : tk.price(base);
    const std::string sz = tk.size(tk.one_in(30));
    const std::string n = std::to_string(1 + tk.below(40));
    switch (tk.below(12)) {
      case 0:
        out += R"({"sz":)" + sz + R"(,"px":)" + px + R"(,"n":)" + n + "}";
        break;
      case 1:
        out += R"({ "px" : )" + px + R"( , "sz" : )" + sz + " }";
        break;
      case 2:
        out +=
            tk.one_in(20) ? "[" + px + "," + sz + "]" : R"({"px":)" + px + R"(,"sz":)" + sz + "}";
        break;
      default:
        out += R"({"px":)" + px + R"(,"sz":)" + sz + R"(,"n":)" + n + "}";
    }
  }
  return out + "]";
}

TEST(RawPathProperty, hyperliquid_l2book_frames_decode_alike_through_the_scanner_and_on_demand) {
  HyperliquidPair pair;
  Tokens tk(11);
  for (int i = 0; i < 3000 && !::testing::Test::HasFailure(); ++i) {
    const char* coin = tk.one_in(5) ? "DYDX" : (tk.one_in(30) ? "DOGE" : "BTC");
    std::string data =
        std::string(R"("coin":")") + coin + R"(","time":)" + std::to_string(1714000000000 + i);
    std::string levels = R"("levels":[)" +
                         hyperliquid_side(tk, true, static_cast<int>(tk.below(25))) + "," +
                         hyperliquid_side(tk, false, static_cast<int>(tk.below(25))) + "]";
    const std::string body = tk.one_in(10) ? levels + "," + data : data + "," + levels;
    pair.check(R"({"channel":"l2Book","data":{)" + body + "}}");
  }
  EXPECT_GT(pair.raw.stats().raw_frames, 1500u);  // most frames
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
  EXPECT_GT(pair.raw.stats().malformed, 0u);
}

// A side of compact levels in one of the shapes the raw path stages as they come (sorted,
// distinct prices, within the book's depth) or gives up on to the reference path: unsorted,
// a repeated price, deeper than the book, all sizes zero, crossed with the other side, empty.
std::string hyperliquid_shaped_side(Tokens& tk, bool bids, int count, int shape) {
  std::vector<std::int64_t> prices;
  for (int i = 0; i < count; ++i) prices.push_back(bids ? 64000 - 2 * i : 64003 + 2 * i);
  if (shape == 1 && count > 1) std::swap(prices[tk.below(prices.size() - 1)], prices.back());
  if (shape == 2 && count > 1) prices[1 + tk.below(prices.size() - 1)] = prices[0];
  if (shape == 4) {  // crossed: the best bid above the best ask, or the best ask below the bid
    for (auto& p : prices) p += bids ? 10 : -10;
  }
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    if (i) out += ",";
    const std::string sz =
        shape == 3 ? (tk.one_in(2) ? "\"0\"" : "\"0.0\"") : tk.size(tk.one_in(8));
    out += R"({"px":")" + std::to_string(prices[static_cast<std::size_t>(i)]) + R"(.5","sz":)" +
           sz + R"(,"n":)" + std::to_string(1 + tk.below(9)) + "}";
  }
  return out + "]";
}

TEST(RawPathProperty, hyperliquid_l2book_snapshots_the_stage_does_not_take_decode_as_on_demand) {
  hyperliquid::HyperliquidCodecConfig config;
  config.max_book_depth = 20;
  HyperliquidPair pair(config);
  Tokens tk(29);
  for (int i = 0; i < 2000 && !::testing::Test::HasFailure(); ++i) {
    // shape 0: taken as it comes; 1 unsorted, 2 repeated price, 3 all sizes zero, 4 crossed, on
    // one side or both; deeper than the book: up to 26 levels a side.
    const int bid_shape = tk.one_in(3) ? 0 : static_cast<int>(tk.below(5));
    const int ask_shape = tk.one_in(3) ? 0 : static_cast<int>(tk.below(5));
    const int bids = tk.one_in(10) ? 0 : static_cast<int>(tk.below(27));
    const int asks = tk.one_in(10) ? 0 : static_cast<int>(tk.below(27));
    const char* coin = tk.one_in(5) ? "DYDX" : (tk.one_in(30) ? "DOGE" : "BTC");
    pair.check(std::string(R"({"channel":"l2Book","data":{"coin":")") + coin + R"(","time":)" +
               std::to_string(1714000000000 + i) + R"(,"levels":[)" +
               hyperliquid_shaped_side(tk, true, bids, bid_shape) + "," +
               hyperliquid_shaped_side(tk, false, asks, ask_shape) + "]}}");
  }
  // Both paths taken, crossed books resynced and empty snapshots seen by both alike.
  EXPECT_GT(pair.raw.stats().raw_frames, 200u);
  EXPECT_LT(pair.raw.stats().raw_frames, pair.raw.stats().frames - 200u);
  EXPECT_GT(pair.raw.stats().crossed_books, 0u);
  EXPECT_EQ(pair.reference.stats().raw_frames, 0u);
}

}  // namespace
}  // namespace nzeza::venues
