// The raw level scanner (venues/codec_support/raw_levels.hpp): the forms it reads, each form it
// gives up on, bytes past the text's end never read into a result, and its decimals equal to
// plain_decimal_token's (the on-demand path's reader) on the same tokens.
#include "venues/codec_support/raw_levels.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "venues/codec_support/raw_member.hpp"

namespace nzeza::venues::codec::raw {
namespace {

constexpr LevelNames kDydx{.price = "price", .size = "size"};
constexpr LevelNames kHyperliquid{.price = "px", .size = "sz", .form = LevelForm::object};

// Bytes after the text that would complete or extend it if the scanner read them.
constexpr std::string_view kHostilePadding = "\"]}0123456789.\",]}\"]}0123456789.\",]}";

struct Scanned {
  bool ok = false;
  std::vector<std::pair<Decimal, Decimal>> levels;
  std::vector<std::pair<int, int>> decimals;
  std::vector<std::pair<std::string, std::string>> texts;
};

Scanned scan(std::string_view text, const LevelNames& names) {
  std::string buf(text);
  buf += kHostilePadding;
  Scanned s;
  s.ok = scan_levels(std::string_view(buf.data(), text.size()), names, [&](const RawLevel& lv) {
    s.levels.emplace_back(lv.price.value, lv.size.value);
    s.decimals.emplace_back(lv.price.decimals, lv.size.decimals);
    s.texts.emplace_back(std::string(lv.price.text), std::string(lv.size.text));
    return true;
  });
  return s;
}

// scan() through scan_levels with Hyperliquid's count member `,"n":` matched as a literal.
Scanned scan_counted(std::string_view text, const LevelNames& names) {
  static constexpr Literal kCount = literal_of(",\"", "n", "\":");
  std::string buf(text);
  buf += kHostilePadding;
  Scanned s;
  Cursor c(std::string_view(buf.data(), text.size()));
  s.ok = scan_levels(c, names, kCount, [&](const RawLevel& lv) {
    s.levels.emplace_back(lv.price.value, lv.size.value);
    s.decimals.emplace_back(lv.price.decimals, lv.size.decimals);
    s.texts.emplace_back(std::string(lv.price.text), std::string(lv.size.text));
    return true;
  });
  s.ok = s.ok && c.at_end();
  return s;
}

Decimal d(std::string_view text) {
  return Decimal::parse(text).value();
}

TEST(RawLevels, reads_objects_arrays_and_hyperliquid_levels_in_their_compact_form) {
  auto objects =
      scan(R"([{"price":"61000","size":"0.1001"},{"price":"60999.5","size":"2"}])", kDydx);
  ASSERT_TRUE(objects.ok);
  ASSERT_EQ(objects.levels.size(), 2u);
  EXPECT_EQ(objects.levels[0], std::make_pair(d("61000"), d("0.1001")));
  EXPECT_EQ(objects.levels[1], std::make_pair(d("60999.5"), d("2")));
  EXPECT_EQ(objects.decimals[0], std::make_pair(0, 4));
  EXPECT_EQ(objects.texts[1], std::make_pair(std::string("60999.5"), std::string("2")));

  auto arrays =
      scan(R"([["61000","0.9","1151"],["60995","0"],["1.5","3",7,"x",true,null]])", kDydx);
  ASSERT_TRUE(arrays.ok);
  ASSERT_EQ(arrays.levels.size(), 3u);
  EXPECT_EQ(arrays.levels[0], std::make_pair(d("61000"), d("0.9")));
  EXPECT_EQ(arrays.levels[1], std::make_pair(d("60995"), Decimal::zero()));
  EXPECT_EQ(arrays.levels[2], std::make_pair(d("1.5"), d("3")));

  auto hl = scan(R"([{"px":"64000.5","sz":"0.12345","n":3},{"px":"63999","sz":"1","n":12}])",
                 kHyperliquid);
  ASSERT_TRUE(hl.ok);
  ASSERT_EQ(hl.levels.size(), 2u);
  EXPECT_EQ(hl.levels[0], std::make_pair(d("64000.5"), d("0.12345")));
  EXPECT_EQ(hl.decimals[0], std::make_pair(1, 5));

  EXPECT_TRUE(scan("[]", kDydx).ok);
  EXPECT_TRUE(scan(" [ ] ", kDydx).ok);
}

TEST(RawLevels, reads_the_general_forms_whitespace_member_order_bare_and_long_numbers) {
  auto s = scan(
      " [ { \"size\" : \"0.5\" ,\n\"x\":-1.5e3, \"price\":\t61000 } ,\r\n"
      R"([ 1234567890.12345678 , "0.00000001" ], {"price":"1","size":"2","price":"3"}, )"
      R"({"price":"0.5","size":"1","n":"n"} ])",
      kDydx);
  ASSERT_TRUE(s.ok);
  ASSERT_EQ(s.levels.size(), 4u);
  EXPECT_EQ(s.levels[0], std::make_pair(d("61000"), d("0.5")));
  EXPECT_EQ(s.levels[1], std::make_pair(d("1234567890.12345678"), d("0.00000001")));
  EXPECT_EQ(s.decimals[1], std::make_pair(8, 8));
  EXPECT_EQ(s.levels[2], std::make_pair(d("3"), d("2")));  // a repeated member: the last wins
  EXPECT_EQ(s.levels[3], std::make_pair(d("0.5"), d("1")));
}

TEST(RawLevels, gives_up_on_every_form_it_does_not_take) {
  const char* refused[] = {
      R"([{"pr\u0069ce":"1","size":"1"}])",                     // an escaped key
      R"([{"price":"1","size":"1","n":"\n"}])",                 // an escape in a skipped string
      "[{\"price\":\"1\",\"size\":\"1\",\"n\":\"\xc3\xa9\"}]",  // not ASCII
      R"([{"price":"1e5","size":"1"}])",                        // exponent
      R"([{"price":"-1","size":"1"}])",                         // sign
      R"([{"price":"1","size":"-0"}])",                         // a negative size
      R"([{"price":"0","size":"1"}])",                          // price <= 0
      R"([{"price":"0.0","size":"1"}])",
      R"([{"price":"12345678901","size":"1"}])",  // 11 integer digits
      R"([{"price":"1.123456789","size":"1"}])",  // 9 fractional digits
      R"([{"price":"01","size":"1"}])",           // a leading zero
      R"([{"price":"5.","size":"1"}])",
      R"([{"price":".5","size":"1"}])",
      R"([{"price":"","size":"1"}])",
      R"([{"price":"1","size":"1","n":{}}])",  // a nested value
      R"([{"price":"1","size":"1","n":[1]}])",
      R"([{"price":"1"}])",  // no size
      R"([{"size":"1"}])",
      R"([{}])",
      R"([["1"]])",
      R"([["1","2",["x"]]])",
      R"(["1","2"])",                    // a level that is neither an object nor an array
      R"([{"price":"1","size":"1"},])",  // a trailing comma
      R"([{"price":"1","size":"1"}})",
      R"([{"price":"1" "size":"1"}])",
      R"([{"price":"1","size":"1"}] x)",  // junk after the array
      R"({"price":"1","size":"1"})",
      R"([{"price":1.5.5,"size":"1"}])",
      R"([{"price":"1","size":"1","n":tru}])",
      R"([{"price":"1","size":"1","n":-}])",
      R"([["01.00000000","1"]])",  // Binance's long form: a leading zero
      R"([["1.000000000","1"]])",  // 9 fractional digits
      R"([["1..0000000","1"]])",
      R"([["1.0000000.","1"]])",
      R"([["12345678.","1"]])",
      R"([[".12345678","1"]])",
      R"([["1234567.8\u0030","1"]])",
  };
  for (const char* text : refused) EXPECT_FALSE(scan(text, kDydx).ok) << text;
  // A form the venue does not write: arrays for Hyperliquid, objects for an array-only venue.
  EXPECT_FALSE(scan(R"([["1","2"]])", kHyperliquid).ok);
  constexpr LevelNames kArrays{.price = "p", .size = "q", .form = LevelForm::array};
  EXPECT_FALSE(scan(R"([{"p":"1","q":"2"}])", kArrays).ok);
  EXPECT_TRUE(scan(R"([["1","2"]])", kArrays).ok);
}

TEST(RawLevels, every_cut_of_a_valid_text_gives_up_without_reading_past_its_end) {
  const std::string texts[] = {
      R"([{"price":"61000","size":"0.1001"},{"price":"60999.5","size":"2"}])",
      R"([["61000","0.9","1151"],["60995","0"]])",
      R"([{"px":"64000.5","sz":"0.12345","n":3}, {"sz":"1", "px":2, "n":"x"}])",
  };
  for (const auto& text : texts) {
    const LevelNames& names = text.find("px") != std::string::npos ? kHyperliquid : kDydx;
    ASSERT_TRUE(scan(text, names).ok) << text;
    for (std::size_t n = 0; n < text.size(); ++n)
      EXPECT_FALSE(scan(std::string_view(text).substr(0, n), names).ok) << text.substr(0, n);
  }
}

TEST(RawLevels, a_false_callback_stops_the_scan) {
  std::string text = R"([["1","2"],["3","4"]])" + std::string(kHostilePadding);
  int seen = 0;
  EXPECT_FALSE(scan_levels(std::string_view(text.data(), 21), kDydx, [&](const RawLevel&) {
    ++seen;
    return false;
  }));
  EXPECT_EQ(seen, 1);
}

// Random tokens of the shapes venues send and the ones they do not: whenever the scanner reads
// one, plain_decimal_token (the on-demand path's reader) gives the same value and decimals, and
// Decimal::parse the same value.
TEST(RawLevels, decimals_equal_the_on_demand_readers_on_random_tokens) {
  std::mt19937_64 rng(20261207);
  auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  int read = 0;
  for (int i = 0; i < 200'000; ++i) {
    std::string token = digits(static_cast<int>(rng() % 12));
    if (rng() % 4 != 0) token += '.' + digits(static_cast<int>(rng() % 10));
    if (rng() % 50 == 0) token.insert(rng() % (token.size() + 1), 1, "e-+. x"[rng() % 6]);
    const bool quoted = rng() % 4 != 0;
    const std::string wire = quoted ? '"' + token + '"' : token;
    std::string buf = wire + std::string(kHostilePadding);
    Cursor c(buf.data(), buf.data() + wire.size());
    RawDecimal got;
    const bool ok = read_decimal(c, got) && c.at_end();
    Cursor long_first(buf.data(), buf.data() + wire.size());  // Binance's reader: the same
    RawDecimal got_long;
    ASSERT_EQ(read_long_decimal(long_first, got_long) && long_first.at_end(), ok) << wire;
    if (ok) {
      EXPECT_EQ(got_long.value, got.value) << wire;
      EXPECT_EQ(got_long.decimals, got.decimals) << wire;
      EXPECT_EQ(got_long.text, got.text) << wire;
    }
    if (!ok) continue;
    ++read;
    Decimal want;
    int want_decimals = -1;
    // The scanner reads at a position in a JSON text: whitespace before the token is JSON's.
    ASSERT_TRUE(plain_decimal_token(trim(std::string_view(buf).substr(0, wire.size())), want,
                                    want_decimals))  // padded: it reads 8 bytes at a time
        << wire;
    EXPECT_EQ(got.value, want) << wire;
    EXPECT_EQ(got.decimals, want_decimals) << wire;
    EXPECT_EQ(got.value, Decimal::parse(trim(token)).value()) << wire;
    EXPECT_EQ(got.text, trim(token)) << wire;
  }
  EXPECT_GT(read, 100'000);  // most tokens are of the plain form
}

// The compact loop's quoted-decimal reader and the ones it stands for (short_quoted_decimal,
// else medium_quoted_decimal) give the same answer (bytes read, value, decimals, text) on random
// bytes of every class: digits, points, quotes, other bytes, and the text's end anywhere.
TEST(RawLevels, quoted_decimal_equals_short_quoted_decimal_on_random_bytes) {
  std::mt19937_64 rng(20261208);
  constexpr std::string_view kBytes = "0123456789012345678901234567890123456789..\"\"\"x 0\x80\\";
  int read = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    char buf[32];
    const int n = static_cast<int>(rng() % 11);
    for (int k = 0; k < 32; ++k) buf[k] = kBytes[rng() % kBytes.size()];
    if (rng() % 2 == 0) {  // the usual shape: digits[.digits]"
      const int dot = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % (n + 1));
      for (int k = 0; k < n; ++k) buf[k] = k == dot ? '.' : static_cast<char>('0' + rng() % 10);
      buf[n] = '"';
    }
    const char* end = buf + rng() % 12;
    RawDecimal a;
    RawDecimal b;
    const int got = detail::quoted_decimal(buf, end, a);
    const int want = detail::long_quoted_decimal(buf, end, b);
    const std::string shown(buf, 10);
    ASSERT_EQ(got, want) << shown;
    if (want == 0) continue;
    ++read;
    ASSERT_EQ(a.value, b.value) << shown;
    ASSERT_EQ(a.decimals, b.decimals) << shown;
    ASSERT_EQ(a.text, b.text) << shown;
  }
  EXPECT_GT(read, 300'000);
}

// short_bare_decimal as it was through session 9 (two leading_digits8 reads, the fraction
// scaled by a power-of-ten table): the reference its faster form must equal.
int reference_short_bare_decimal(const char* p, const char* end, RawDecimal& out) {
  static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                             100000, 1000000, 10000000, 100000000};
  std::uint64_t raw = 0;
  const int n = leading_digits8(p, raw);
  if (n == 0 || n == 8 || n >= end - p || (n > 1 && *p == '0')) return 0;
  const char* q = p + n;
  int frac = 0;
  if (*q == '.') {
    ++q;
    std::uint64_t chunk = 0;
    frac = leading_digits8(q, chunk);
    if (frac == 0 || frac >= end - q) return 0;
    q += frac;
    if (static_cast<unsigned>(*q - '0') < 10u) return 0;
    raw = (raw * kPow10[frac] + chunk) * kPow10[8 - frac];
  } else {
    raw *= 100'000'000;
  }
  out.raw8 = static_cast<std::int64_t>(raw);
  out.value = Decimal::from_raw8(out.raw8);
  out.decimals = frac;
  out.text = std::string_view(p, static_cast<std::size_t>(q - p));
  return static_cast<int>(q - p);
}

// The bare-number reader of Kraken's levels (short_bare_decimal) gives the same answer (bytes
// read, value, decimals, text) as its reference on random bytes of every class: digits, points,
// delimiters, other and non-ASCII bytes, a text's end anywhere; and every token it reads is
// read_decimal's (the general reader's) value.
TEST(RawLevels, short_bare_decimal_equals_its_reference_on_random_bytes) {
  std::mt19937_64 rng(20261209);
  constexpr std::string_view kBytes = "01234567890123456789012345678901234567890..,}] x\x80\xff/:";
  int read = 0;
  int fractions = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    char buf[40];
    for (char& ch : buf) ch = kBytes[rng() % kBytes.size()];
    const int n = static_cast<int>(rng() % 18);
    if (rng() % 2 == 0) {  // the usual shape: digits[.digits] then a delimiter
      const int dot = rng() % 4 == 0 ? -1 : static_cast<int>(rng() % (n + 1));
      for (int k = 0; k < n; ++k) buf[k] = k == dot ? '.' : static_cast<char>('0' + rng() % 10);
      buf[n] = ",}]"[rng() % 3];
    }
    const char* end = buf + rng() % 20;
    RawDecimal a;
    RawDecimal b;
    const int got = detail::short_bare_decimal(buf, end, a);
    const int want = reference_short_bare_decimal(buf, end, b);
    const std::string shown(buf, 20);
    ASSERT_EQ(got, want) << shown;
    if (want == 0) continue;
    ++read;
    fractions += b.decimals > 0 ? 1 : 0;
    ASSERT_EQ(a.value, b.value) << shown;
    ASSERT_EQ(a.raw8, b.raw8) << shown;
    ASSERT_EQ(a.decimals, b.decimals) << shown;
    ASSERT_EQ(a.text, b.text) << shown;
    Cursor c(buf, buf + got);
    RawDecimal general;
    ASSERT_TRUE(read_decimal(c, general) && c.at_end()) << shown;
    ASSERT_EQ(general.value, a.value) << shown;
    ASSERT_EQ(general.decimals, a.decimals) << shown;
  }
  EXPECT_GT(read, 200'000);
  EXPECT_GT(fractions, 100'000);
}

// The level loop's conversion of a level's two bare numbers together (bare_pair_raw8: SSE2
// pmaddwd rounds) equals the scalar one (bare_raw8) for every number short_bare_digits reads:
// random tokens of 1..7 integer digits and 0..8 fractional digits, and the extremes.
TEST(RawLevels, bare_pair_raw8_equals_the_scalar_conversion) {
  std::mt19937_64 rng(20261211);
  auto token = [&](std::string& t) {
    const int n = 1 + static_cast<int>(rng() % 7);
    const int frac = static_cast<int>(rng() % 9);
    const int nines = static_cast<int>(rng() % 4);  // 0: random digits, else all 9s or 0s
    t.clear();
    for (int k = 0; k < n; ++k)
      t += nines == 1 ? '9' : static_cast<char>((k == 0 ? '1' : '0') + rng() % (k == 0 ? 9 : 10));
    if (frac > 0) {
      t += '.';
      for (int k = 0; k < frac; ++k)
        t += nines == 1 ? '9' : (nines == 2 ? '0' : static_cast<char>('0' + rng() % 10));
    }
    t += '}';
    t.append(16, ' ');
  };
  std::string ta;
  std::string tb;
  for (int i = 0; i < 1'000'000; ++i) {
    token(ta);
    token(tb);
    detail::BareDigits da;
    detail::BareDigits db;
    RawDecimal ra;
    RawDecimal rb;
    const int na = detail::short_bare_digits(ta.data(), ta.data() + ta.size() - 16, da, ra);
    const int nb = detail::short_bare_digits(tb.data(), tb.data() + tb.size() - 16, db, rb);
    ASSERT_EQ(static_cast<std::size_t>(na), ta.size() - 17) << ta;
    ASSERT_EQ(static_cast<std::size_t>(nb), tb.size() - 17) << tb;
    std::int64_t a8 = -1;
    std::int64_t b8 = -1;
    detail::bare_pair_raw8(da, db, a8, b8);
    ASSERT_EQ(a8, detail::bare_raw8(da)) << ta;
    ASSERT_EQ(b8, detail::bare_raw8(db)) << tb;
    ASSERT_EQ(Decimal::from_raw8(a8), Decimal::parse(ta.substr(0, ta.size() - 17)).value()) << ta;
  }
  const detail::BareDigits max{0x0909090909090900ULL, 0x0909090909090909ULL};  // 9999999.99999999
  std::int64_t a8 = 0;
  std::int64_t b8 = 0;
  detail::bare_pair_raw8(max, detail::BareDigits{}, a8, b8);
  EXPECT_EQ(a8, 999'999'999'999'999);
  EXPECT_EQ(b8, 0);
}

// The level loop's own decimal reader, on random [price, size] arrays in Binance's compact form
// and near it: whenever a level is read, its values and decimals are plain_decimal_token's; and
// every token of the form Binance writes (1..8 integer digits, a point, 1..8 fractional digits)
// is read, never given up on.
TEST(RawLevels, compact_array_levels_of_random_tokens_equal_the_on_demand_reader) {
  std::mt19937_64 rng(20261208);
  auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  auto token = [&] {
    std::string t = digits(static_cast<int>(rng() % 11));
    if (rng() % 8 != 0) t += '.' + digits(static_cast<int>(rng() % 10));
    if (rng() % 40 == 0) t.insert(rng() % (t.size() + 1), 1, "e-+. x\\"[rng() % 7]);
    return t;
  };
  auto binance_form = [](const std::string& t) {
    const auto dot = t.find('.');
    return dot != std::string::npos && dot >= 1 && dot <= 8 && t.size() - dot - 1 >= 1 &&
           t.size() - dot - 1 <= 8 && (dot == 1 || t[0] != '0') &&
           t.find_first_not_of("0123456789.") == std::string::npos &&
           t.find('.', dot + 1) == std::string::npos;
  };
  constexpr LevelNames kArrays{.price = "p", .size = "q", .form = LevelForm::array};
  int read = 0;
  for (int i = 0; i < 50'000; ++i) {
    const std::string price = token();
    const std::string size = token();
    const auto s = scan("[[\"" + price + "\",\"" + size + "\"]]", kArrays);
    Decimal want_price;
    Decimal want_size;
    int price_decimals = -1;
    int size_decimals = -1;
    const std::string padded_price = price + std::string(kHostilePadding);
    const std::string padded_size = size + std::string(kHostilePadding);
    const bool price_plain = plain_decimal_token(
        std::string_view(padded_price).substr(0, price.size()), want_price, price_decimals);
    const bool size_plain = plain_decimal_token(
        std::string_view(padded_size).substr(0, size.size()), want_size, size_decimals);
    if (binance_form(price) && binance_form(size) && want_price.is_positive()) {
      EXPECT_TRUE(s.ok) << price << " " << size;
    }
    if (!s.ok) continue;
    ++read;
    ASSERT_TRUE(price_plain && size_plain) << price << " " << size;
    ASSERT_EQ(s.levels.size(), 1u);
    EXPECT_EQ(s.levels[0], std::make_pair(want_price, want_size)) << price << " " << size;
    EXPECT_EQ(s.decimals[0], std::make_pair(price_decimals, size_decimals)) << price << " " << size;
    EXPECT_EQ(s.texts[0], std::make_pair(price, size));
  }
  EXPECT_GT(read, 15'000);
}

TEST(RawLevels, a_count_member_matched_as_a_literal_reads_what_the_general_rest_reads) {
  const std::vector<std::string> texts = {
      R"([{"px":"64000.5","sz":"0.12345","n":3},{"px":"63999","sz":"10.10280","n":12}])",
      R"([{"px":"1.5","sz":"2","n":}])",
      R"([{"px":"1.5","sz":"2","n":007}])",
      R"([{"px":"1.5","sz":"2","n":3,"x":"y"}])",
      R"([{"px":"1.5","sz":"2","n":"3"}])",
      R"([{"px":"1.5","sz":"2","n":3 }])",
      R"([{"px":"1.5","sz":"2","n":-1}])",
      R"([{"px":"1.5","sz":"2","m":3}])",
      R"([{"px":"1.5","sz":"2","n":3]])",
      R"([{"px":"1.5","sz":"2","n":3,"px":"2"}])",
      R"([{"px":"1.5","sz":"2"},{"px":"1.4","sz":"2","n":1}])",
  };
  int counted = 0;
  for (const std::string& text : texts) {
    // Every cut too: a count member cut anywhere gives up as the general rest does.
    for (std::size_t n = 0; n <= text.size(); ++n) {
      const std::string_view cut(text.data(), n);
      const Scanned general = scan(cut, kHyperliquid);
      const Scanned literal = scan_counted(cut, kHyperliquid);
      ASSERT_EQ(literal.ok, general.ok) << cut;
      EXPECT_EQ(literal.levels, general.levels) << cut;
      EXPECT_EQ(literal.decimals, general.decimals) << cut;
      EXPECT_EQ(literal.texts, general.texts) << cut;
      counted += literal.ok ? 1 : 0;
    }
  }
  EXPECT_EQ(counted, 9);  // every whole text but `"n":}` and `"n":3]`
}

// raw_member.hpp: a Member's compact texts are literal_of's, and first_member / next_member read
// the member compact or spaced and refuse another name.
TEST(RawMember, reads_a_member_compact_or_spaced_and_refuses_another_name) {
  static constexpr Member kSide{"side"};
  const auto same = [](const Literal& a, const Literal& b) {
    return a.size == b.size && a.word[0] == b.word[0] && a.word[1] == b.word[1] &&
           a.mask[0] == b.mask[0] && a.mask[1] == b.mask[1];
  };
  EXPECT_TRUE(same(kSide.first, literal_of("{\"", "side", "\":")));
  EXPECT_TRUE(same(kSide.next, literal_of(",\"", "side", "\":")));
  // Where the cursor stands after the member, or -1 when it is refused.
  const auto read = [](std::string_view text, bool first) -> long {
    std::string buf(text);
    buf += kHostilePadding;
    Cursor c(std::string_view(buf.data(), text.size()));
    if (!(first ? first_member(c, kSide) : next_member(c, kSide))) return -1;
    return c.p - buf.data();
  };
  EXPECT_EQ(read(R"({"side":"bid"})", true), 8);
  EXPECT_EQ(read(R"( { "side" : "bid"})", true), 11);
  EXPECT_EQ(read(R"({"size":"bid"})", true), -1);
  EXPECT_EQ(read(R"(,"side":1)", false), 8);
  EXPECT_EQ(read(" ,\"side\"\t:1", false), 10);
  EXPECT_EQ(read(R"(,"sides":1)", false), -1);
  EXPECT_EQ(read(R"({"side":1)", false), -1);
  EXPECT_EQ(read(R"(,"si)", false), -1);
}

}  // namespace
}  // namespace nzeza::venues::codec::raw
