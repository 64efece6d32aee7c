// Kraken v2 book checksum: the CRC32 itself (checked against zlib), the wire-text rule from
// Kraken's guide, and the book-level checksum built from exact Decimals and wire precision.
#include "venues/kraken/checksum.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace nzeza::venues::kraken {
namespace {

// Loads `levels` levels a side as one snapshot, level i of each side at price_of(side, i) with
// size size_of() (called bids first, then asks, level by level): the start of the random tests.
template <class PriceOf, class SizeOf>
void load_snapshot(market::OrderBook& book, int levels, PriceOf price_of, SizeOf size_of) {
  for (int i = 0; i < levels; ++i) {
    for (const Side side : {Side::buy, Side::sell}) {
      BookChange c;
      c.side = side;
      c.price = price_of(side, i);
      c.size = size_of();
      c.snapshot = true;
      c.reset = book.empty();
      c.last = true;
      ASSERT_TRUE(book.apply(c).ok()) << "level " << i;
    }
  }
}

std::uint32_t zlib_crc(std::string_view s) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

std::string digits_of(std::string_view token) {
  char buf[64];
  char* end = checksum_digits(token, buf);
  return std::string(buf, end);
}

std::string digits_of(Decimal value, int decimals) {
  char buf[kMaxChecksumDigits];
  char* end = checksum_digits(value, decimals, buf);
  return std::string(buf, end);
}

TEST(KrakenCrc32, matches_the_standard_check_value_and_zlib) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  const std::string text = "5000150000000049999125000000";
  EXPECT_EQ(crc32(text), zlib_crc(text));
  Crc32 incremental;
  incremental.update(std::string_view(text).substr(0, 7));
  incremental.update(std::string_view(text).substr(7, 11));
  incremental.update(std::string_view(text).substr(18));
  EXPECT_EQ(incremental.value(), zlib_crc(text));
}

TEST(KrakenChecksumText, removes_the_point_and_leading_zeros_of_the_wire_text) {
  // The two examples of Kraken's v2 checksum guide.
  EXPECT_EQ(digits_of("45285.2"), "452852");
  EXPECT_EQ(digits_of("0.00100000"), "100000");
  EXPECT_EQ(digits_of("0.05005"), "5005");
  EXPECT_EQ(digits_of("10"), "10");
}

// The word-copy writer of the raw path gives the byte loop's text for every plain token form
// (integer parts of 1..10 digits, "0", fractions of 0..8 digits with leading and trailing
// zeros), read from a padded buffer as the codec's frames are.
TEST(KrakenChecksumText, plain_token_writer_matches_the_byte_loop_on_every_plain_form) {
  const std::string ints[] = {"0", "1", "9", "10", "45285", "1234567", "12345678", "1234567890"};
  const std::string fracs[] = {"",          ".0",        ".5",        ".05",       ".00100000",
                               ".12345678", ".00000001", ".10000000", ".00000000", ".0010"};
  int checked = 0;
  for (const std::string& i : ints) {
    for (const std::string& f : fracs) {
      const std::string token = i + f;
      if (token.find_first_not_of("0.") == std::string::npos) continue;  // zero: never hashed
      const int decimals = f.empty() ? 0 : static_cast<int>(f.size()) - 1;
      std::string padded = token + std::string(64, 'x');
      char out[64] = {};
      char* end =
          plain_checksum_digits(std::string_view(padded.data(), token.size()), decimals, out);
      EXPECT_EQ(std::string(out, end), digits_of(token)) << token;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 77);
}

TEST(KrakenChecksumText, writes_a_decimal_with_the_wire_precision_not_its_shortest_form) {
  EXPECT_EQ(digits_of(Decimal::parse("0.1").value(), 8), "10000000");
  EXPECT_EQ(digits_of(Decimal::parse("0.1").value(), 1), "1");
  EXPECT_EQ(digits_of(Decimal::parse("45285.2").value(), 1), "452852");
  EXPECT_EQ(digits_of(Decimal::parse("45285.2").value(), 2), "4528520");
  EXPECT_EQ(digits_of(Decimal::parse("0.00100000").value(), 8), "100000");
  EXPECT_EQ(digits_of(Decimal::parse("7").value(), 0), "7");
  EXPECT_EQ(digits_of(Decimal::parse("1.5").value(), 10), "15000000000");
  EXPECT_EQ(digits_of(Decimal::zero(), 8), "");
  // Nine-decimal pairs (PEPE/USD) and values past 64 bits of 10^-16.
  EXPECT_EQ(digits_of(Decimal::parse("0.000012345").value(), 9), "12345");
  EXPECT_EQ(digits_of(Decimal::parse("45285.123456789").value(), 9), "45285123456789");
  EXPECT_EQ(digits_of(Decimal::parse("123456789012.5").value(), 16),
            "1234567890125000000000000000");
  EXPECT_EQ(digits_of(Decimal::max(), kMaxWireDecimals).size(), kMaxChecksumDigits);
}

TEST(KrakenChecksumText, counts_the_fractional_digits_of_plain_numbers_only) {
  EXPECT_EQ(wire_decimals("45285.20"), 2);
  EXPECT_EQ(wire_decimals("0.00100000"), 8);
  EXPECT_EQ(wire_decimals("7"), 0);
  EXPECT_EQ(wire_decimals("7."), 0);
  EXPECT_EQ(wire_decimals("1.5e-3"), -1);
  EXPECT_EQ(wire_decimals("-1.5"), -1);
  EXPECT_EQ(wire_decimals(""), -1);
  EXPECT_EQ(wire_decimals("."), -1);
}

TEST(KrakenBookChecksum, hashes_top_ten_asks_ascending_then_bids_descending) {
  market::OrderBook book(25);
  auto level = [&](Side side, const char* price, const char* size, bool reset, bool last) {
    BookChange c;
    c.side = side;
    c.price = Decimal::parse(price).value();
    c.size = Decimal::parse(size).value();
    c.snapshot = true;
    c.reset = reset;
    c.last = last;
    ASSERT_TRUE(book.apply(c).ok());
  };
  level(Side::buy, "2000.5", "1.25", true, false);
  level(Side::buy, "2000.4", "0.5", false, false);
  level(Side::sell, "2000.7", "3", false, false);
  level(Side::sell, "2000.6", "0.00000100", false, true);
  // Prices with 1 decimal, sizes with 8 on the wire.
  const std::string expected = std::string("20006") + "100" + "20007" + "300000000" + "20005" +
                               "125000000" + "20004" + "50000000";
  EXPECT_EQ(book_checksum(book, 1, 8), zlib_crc(expected));
}

TEST(KrakenBookChecksum, ignores_levels_beyond_the_tenth) {
  market::OrderBook deep(25);
  market::OrderBook shallow(25);
  for (int i = 0; i < 15; ++i) {
    BookChange c;
    c.side = Side::buy;
    c.price = Decimal::from_integer(1000 - i);
    c.size = Decimal::one();
    c.snapshot = true;
    c.reset = i == 0;
    c.last = i == 14;
    ASSERT_TRUE(deep.apply(c).ok());
    if (i < 10) {
      c.last = i == 9;
      ASSERT_TRUE(shallow.apply(c).ok());
    }
  }
  EXPECT_EQ(book_checksum(deep, 1, 8), book_checksum(shallow, 1, 8));
}

// Every length from 0 to 700 (the carry-less multiply path takes 64 bytes and more, in 16-byte
// steps, the tables the rest) and every split of a text into two updates give zlib's CRC.
TEST(KrakenCrc32, equals_zlib_on_every_length_and_every_split_of_the_text) {
  std::mt19937_64 rng(7);
  std::string text(700, '\0');
  for (char& ch : text) ch = static_cast<char>(rng());
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::string_view s(text.data(), n);
    ASSERT_EQ(crc32(s), zlib_crc(s)) << n;
  }
  const std::string_view whole(text.data(), 300);
  for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
    Crc32 crc;
    crc.update(whole.substr(0, cut));
    crc.update(whole.substr(cut));
    ASSERT_EQ(crc.value(), zlib_crc(whole)) << cut;
  }
}

// A book changed as Kraken changes it (a level or three per update, near the top: new levels,
// deletions, qty changes, the precision of prices or sizes now and then changed, some texts
// longer than the cache keeps): after every update the cached checksum is book_checksum's.
TEST(KrakenChecksumCache, gives_book_checksum_after_every_update) {
  std::mt19937_64 rng(11);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  ASSERT_NO_FATAL_FAILURE(load_snapshot(
      book, 50,
      [](Side side, int i) {
        return Decimal::from_raw8((side == Side::buy ? 100000 - i : 100001 + i) * 10'000'000LL);
      },
      [&] { return Decimal::from_raw8(1 + static_cast<std::int64_t>(below(500'000'000))); }));
  int price_decimals = 1;
  int qty_decimals = 8;
  int long_texts = 0;
  for (int step = 0; step < 5000; ++step) {
    const auto changes = 1 + below(3);
    for (std::uint64_t k = 0; k < changes; ++k) {
      BookChange c;
      c.side = below(2) == 0 ? Side::buy : Side::sell;
      const std::int64_t offset = static_cast<std::int64_t>(below(30));
      // Bids at or below 100000.0, asks at or above 100000.1 (never crossed).
      const std::int64_t tenths = c.side == Side::buy ? 1'000'000 - offset : 1'000'001 + offset;
      c.price = Decimal::from_raw8(tenths * 10'000'000);
      const auto kind = below(10);
      if (kind < 3) {
        c.size = Decimal();  // delete
      } else if (kind == 3) {
        c.size = Decimal::from_integer(static_cast<std::int64_t>(below(1'000'000'000)) + 1);
      } else {
        c.size = Decimal::from_raw8(1 + static_cast<std::int64_t>(below(500'000'000)));
      }
      ASSERT_TRUE(book.apply(c).ok());
    }
    if (below(100) == 0) price_decimals = price_decimals == 1 ? 2 : 1;
    if (below(100) == 0) qty_decimals = qty_decimals == 8 ? 16 : 8;  // 16: long texts
    if (qty_decimals == 16) ++long_texts;
    const std::uint32_t expected = book_checksum(book, price_decimals, qty_decimals);
    ASSERT_EQ(cache.checksum(book, price_decimals, qty_decimals), expected) << step;
    if (below(4) == 0) {  // asked again with nothing changed: the kept value
      ASSERT_EQ(cache.checksum(book, price_decimals, qty_decimals), expected) << step;
    }
  }
  EXPECT_GT(long_texts, 100);
}

// Updates that change one top level's qty on a side and nothing else there (the common
// case: the cache replaces that entry where it is and, when its text keeps its length, moves
// the kept value by that level's term alone), now and then on both sides at once, now and
// then with a text of another length or a level below the top: the cached checksum is
// book_checksum's every time.
TEST(KrakenChecksumCache, gives_book_checksum_after_qty_changes_in_place) {
  std::mt19937_64 rng(41);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  ASSERT_NO_FATAL_FAILURE(load_snapshot(
      book, 15,
      [](Side side, int i) {
        return Decimal::from_raw8((side == Side::buy ? 1000 - i : 1001 + i) * 100'000'000LL);
      },
      [&] {
        return Decimal::from_raw8(100'000'000 + static_cast<std::int64_t>(below(800'000'000)));
      }));
  ASSERT_EQ(cache.checksum(book, 1, 8), book_checksum(book, 1, 8));
  int other_lengths = 0;
  for (int step = 0; step < 4000; ++step) {
    const std::uint64_t changes = below(4) == 0 ? 2 : 1;
    for (std::uint64_t k = 0; k < changes; ++k) {
      BookChange c;
      c.side = (changes == 2 ? k == 0 : below(2) == 0) ? Side::buy : Side::sell;
      const auto offset = static_cast<std::int64_t>(below(12));  // 10, 11: below the top
      c.price =
          Decimal::from_raw8((c.side == Side::buy ? 1000 - offset : 1001 + offset) * 100'000'000LL);
      const bool other_length = below(10) == 0;
      other_lengths += other_length ? 1 : 0;
      // 1.00000000 to 8.99999999 (nine digits of text), else 10 to 99 (ten).
      c.size =
          other_length
              ? Decimal::from_integer(10 + static_cast<std::int64_t>(below(90)))
              : Decimal::from_raw8(100'000'000 + static_cast<std::int64_t>(below(800'000'000)));
      ASSERT_TRUE(book.apply(c).ok());
    }
    ASSERT_EQ(cache.checksum(book, 1, 8), book_checksum(book, 1, 8)) << step;
  }
  EXPECT_GT(other_lengths, 100);
}

// Sides thinned below ten levels, emptied, and refilled (a level count that changes every
// update, one side with nothing at all): the cached checksum is still book_checksum's.
TEST(KrakenChecksumCache, gives_book_checksum_while_sides_empty_and_refill) {
  std::mt19937_64 rng(23);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  for (const Side side : {Side::buy, Side::sell}) {  // the snapshot: one level a side
    BookChange c;
    c.side = side;
    c.price = Decimal::from_raw8((side == Side::buy ? 5000LL : 5001LL) * 1'000'000);
    c.size = Decimal::from_integer(1);
    c.snapshot = true;
    c.reset = book.empty();
    c.last = true;
    ASSERT_TRUE(book.apply(c).ok());
  }
  int empty_sides = 0;
  for (int step = 0; step < 4000; ++step) {
    BookChange c;
    c.side = below(2) == 0 ? Side::buy : Side::sell;
    const std::int64_t offset = static_cast<std::int64_t>(below(12));
    c.price = Decimal::from_raw8((c.side == Side::buy ? 5000 - offset : 5001 + offset) * 1'000'000);
    // Deletions win while the phase thins the book, insertions while it refills.
    const bool thinning = (step / 300) % 2 == 0;
    c.size = below(20) < (thinning ? 19u : 4u)
                 ? Decimal()
                 : Decimal::from_raw8(1 + static_cast<std::int64_t>(below(90'000'000)));
    ASSERT_TRUE(book.apply(c).ok());
    if (book.bids().empty() || book.asks().empty()) ++empty_sides;
    ASSERT_EQ(cache.checksum(book, 2, 8), book_checksum(book, 2, 8)) << step;
  }
  EXPECT_GT(empty_sides, 100);
}

// Updates of one side at a time, named to the cache (changed_sides): inserts that push the
// tenth level out, deletions that pull the eleventh in, qty changes of any text length, at
// every depth: the cached checksum is book_checksum's every time, and naming both sides gives
// the same value.
TEST(KrakenChecksumCache, gives_book_checksum_when_told_the_side_an_update_changed) {
  std::mt19937_64 rng(53);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  ChecksumCache both;
  ASSERT_NO_FATAL_FAILURE(load_snapshot(
      book, 20,
      [](Side side, int i) {
        return Decimal::from_raw8((side == Side::buy ? 2000 - 2 * i : 2001 + 2 * i) * 10'000'000LL);
      },
      [&] { return Decimal::from_raw8(1 + static_cast<std::int64_t>(below(900'000'000))); }));
  ASSERT_EQ(cache.checksum(book, 1, 8), book_checksum(book, 1, 8));
  for (int step = 0; step < 4000; ++step) {
    BookChange c;
    c.side = below(2) == 0 ? Side::buy : Side::sell;
    const auto offset = static_cast<std::int64_t>(below(26));  // odd offsets: new levels
    c.price =
        Decimal::from_raw8((c.side == Side::buy ? 2000 - offset : 2001 + offset) * 10'000'000LL);
    const auto kind = below(8);
    c.size = kind < 3    ? Decimal()
             : kind == 3 ? Decimal::from_integer(1 + static_cast<std::int64_t>(below(99'999)))
                         : Decimal::from_raw8(1 + static_cast<std::int64_t>(below(900'000'000)));
    ASSERT_TRUE(book.apply(c).ok());
    const unsigned side = c.side == Side::sell ? ChecksumCache::kAsks : ChecksumCache::kBids;
    const std::uint32_t expected = book_checksum(book, 1, 8);
    ASSERT_EQ(cache.checksum(book, 1, 8, {}, side), expected) << step;
    ASSERT_EQ(both.checksum(book, 1, 8), expected) << step;
  }
}

// Changes that are put back (a qty changed then restored, a new best level then deleted, the
// tenth pushed out then pulled back in, one or two sides a frame), the kind the cache's spares
// serve from the entries that left the top, now and then with other decimals in between (a
// spare's text is then another one: it must not be reused): the cached checksum is
// book_checksum's every time.
TEST(KrakenChecksumCache, gives_book_checksum_when_changes_are_put_back) {
  std::mt19937_64 rng(61);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  const auto price_of = [](Side side, std::int64_t offset) {
    return Decimal::from_raw8((side == Side::buy ? 3000 - offset : 3001 + offset) * 10'000'000LL);
  };
  ASSERT_NO_FATAL_FAILURE(load_snapshot(
      book, 20, [&](Side side, int i) { return price_of(side, 2 * i + 2); },
      [&] { return Decimal::from_raw8(1 + static_cast<std::int64_t>(below(900'000'000))); }));
  int price_decimals = 1;
  int qty_decimals = 8;
  const auto check = [&](int step) {
    ASSERT_EQ(cache.checksum(book, price_decimals, qty_decimals),
              book_checksum(book, price_decimals, qty_decimals))
        << step;
  };
  const auto set = [&](Side side, Decimal price, Decimal size) {
    BookChange c;
    c.side = side;
    c.price = price;
    c.size = size;
    ASSERT_TRUE(book.apply(c).ok());
  };
  const auto size_at = [&](Side side, Decimal price) {
    for (const auto& level : side == Side::buy ? book.bids() : book.asks()) {
      if (level.price == price) return level.size;
    }
    return Decimal();
  };
  int put_back = 0;
  for (int step = 0; step < 3000; ++step) {
    const Side side = below(2) == 0 ? Side::buy : Side::sell;
    // A level at any depth (odd offsets are absent levels: a new one, 1 the new best).
    const Decimal price = price_of(side, static_cast<std::int64_t>(below(26)));
    const Decimal before = size_at(side, price);
    const Decimal changed =
        below(3) == 0 && !before.is_zero()
            ? Decimal()
            : Decimal::from_raw8(
                  1 + static_cast<std::int64_t>(below(below(2) == 0 ? 99 : 900'000'000)));
    set(side, price, changed);
    if (below(2) == 0) {  // a second side's change in the same frame
      const Side other = side == Side::buy ? Side::sell : Side::buy;
      set(other, price_of(other, 2), Decimal::from_raw8(1 + static_cast<std::int64_t>(below(9))));
    }
    check(step);
    if (below(20) == 0) price_decimals = price_decimals == 1 ? 2 : 1;
    if (below(20) == 0) qty_decimals = qty_decimals == 8 ? 9 : 8;
    set(side, price, before);  // put back
    ++put_back;
    check(step);
  }
  EXPECT_EQ(put_back, 3000);
}

// Updates handed with their wire tokens (WireLevel): tokens with the cache's decimals are read,
// tokens with other decimals ("1.5" or nine decimals for a qty of 8), not plain ("01.5") or of
// another price are not; the checksum is
// book_checksum's every time.
TEST(KrakenChecksumCache, reads_new_level_text_from_plain_wire_tokens_only) {
  std::mt19937_64 rng(31);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ChecksumCache cache;
  for (const Side side : {Side::buy, Side::sell}) {
    BookChange c;
    c.side = side;
    c.price = Decimal::from_raw8(side == Side::buy ? 100'000'000 : 200'000'000);
    c.size = Decimal::from_integer(1);
    c.snapshot = true;
    c.reset = book.empty();
    c.last = true;
    ASSERT_TRUE(book.apply(c).ok());
  }
  // Token texts live in padded buffers (plain_checksum_digits reads 24 bytes).
  std::vector<std::string> texts;
  texts.reserve(64);
  const auto token = [&texts](std::string text) {
    texts.push_back(text + std::string(32, '\0'));
    return std::string_view(texts.back().data(), text.size());
  };
  int read_forms = 0;
  for (int step = 0; step < 3000; ++step) {
    texts.clear();
    WireLevel wire[3];
    std::size_t n = 0;
    for (std::uint64_t k = 1 + below(3); k > 0; --k) {
      WireLevel& w = wire[n++];
      w.side = below(2) == 0 ? Side::buy : Side::sell;
      const auto units = static_cast<std::int64_t>(1 + below(40));  // in 10^-8
      const std::int64_t price8 = w.side == Side::buy ? 100'000'000 - units : 200'000'000 + units;
      const std::int64_t qty8 =
          below(4) == 0 ? 0 : static_cast<std::int64_t>(1 + below(5'000'000'000));
      w.price = Decimal::from_raw8(price8);
      w.qty = Decimal::from_raw8(qty8);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%lld.%08lld", static_cast<long long>(price8 / 100'000'000),
                    static_cast<long long>(price8 % 100'000'000));
      std::string price_text = buf;
      std::snprintf(buf, sizeof buf, "%lld.%08lld", static_cast<long long>(qty8 / 100'000'000),
                    static_cast<long long>(qty8 % 100'000'000));
      std::string qty_text = buf;
      w.price_decimals = 8;
      w.qty_decimals = 8;
      switch (below(6)) {
        case 0:  // decimals other than the cache's
          qty_text = qty_text.substr(0, qty_text.size() - 7);
          w.qty_decimals = 1;
          break;
        case 1:  // a leading zero before a digit: not plain
          price_text = "0" + price_text;
          break;
        case 2:  // nine decimals: more than plain_checksum_digits takes
          qty_text += "0";
          w.qty_decimals = 9;
          break;
        case 3:  // the tokens of another price: never matched to this level
          w.price = Decimal::from_raw8(price8 + (w.side == Side::buy ? -1 : 1) * 1'000'000'000);
          break;
        default:
          ++read_forms;
          break;
      }
      w.price_token = token(price_text).data();
      w.price_size = WireLevel::token_size(price_text);
      w.qty_token = token(qty_text).data();
      w.qty_size = WireLevel::token_size(qty_text);
      BookChange c;
      c.side = w.side;
      c.price = Decimal::from_raw8(price8);
      c.size = Decimal::from_raw8(qty8);
      ASSERT_TRUE(book.apply(c).ok());
    }
    ASSERT_EQ(cache.checksum(book, 8, 8, std::span<const WireLevel>(wire, n)),
              book_checksum(book, 8, 8))
        << step;
  }
  EXPECT_GT(read_forms, 1000);
}

// crc32_combine gives the CRC of a concatenation from its parts' CRCs, for random texts cut
// at random places (lengths from 0 to past a few kilobytes), as zlib computes it directly.
TEST(KrakenCrc32, combine_of_the_parts_equals_the_crc_of_the_whole) {
  std::mt19937_64 rng(5);
  std::string text(6000, '\0');
  for (char& ch : text) ch = static_cast<char>(rng());
  for (int round = 0; round < 2000; ++round) {
    const std::size_t size = rng() % (round < 1000 ? 200 : text.size() + 1);
    const std::size_t cut = rng() % (size + 1);
    const std::string_view whole(text.data() + rng() % (text.size() - size + 1), size);
    ASSERT_EQ(crc32_combine(crc32(whole.substr(0, cut)), crc32(whole.substr(cut)), size - cut),
              zlib_crc(whole))
        << size << " " << cut;
  }
  EXPECT_EQ(crc32_combine(crc32("12345"), crc32("6789"), 4), 0xCBF43926u);
}

// The carry-less-multiply product mod P is the bit-by-bit one (on a CPU without PCLMULQDQ
// both are the bit-by-bit one), and x^0 (0x80000000 reflected) is its unit.
TEST(KrakenCrc32, multiply_by_carry_less_multiply_equals_the_bit_by_bit_product) {
  std::mt19937_64 rng(9);
  for (int i = 0; i < 20000; ++i) {
    const auto a = static_cast<std::uint32_t>(rng());
    const auto b = static_cast<std::uint32_t>(rng());
    ASSERT_EQ(detail::crc_multiply(a, b, true), detail::crc_multiply(a, b, false)) << a << " " << b;
    ASSERT_EQ(detail::crc_multiply(a, 0x80000000u, true), a);
    ASSERT_EQ(detail::crc_multiply(a, b, false), detail::crc_multiply(b, a, false));
  }
}

// A level's text CRC from state 0, by carry-less multiplies and by the tables, is the one zlib's
// CRC gives once its initial value's term is taken out: crc32(t) = ~(0xFFFFFFFF x^(8|t|) ^
// crc0(t)), for random texts of every length a level's text may have.
TEST(KrakenCrc32, level_text_crc_by_clmul_and_by_tables_equals_zlib) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 4000; ++round) {
    const std::size_t size = static_cast<std::size_t>(round) % (2 * kMaxChecksumDigits + 1);
    std::string text(size, '\0');
    for (char& ch : text) ch = static_cast<char>(round % 2 == 0 ? '0' + rng() % 10 : rng());
    const std::uint32_t expected = ~zlib_crc(text) ^ crc32_combine(0xFFFFFFFFu, 0, size);
    ASSERT_EQ(detail::text_crc0(text, true), expected) << size;
    ASSERT_EQ(detail::text_crc0(text, false), expected) << size;
  }
}

// Frames that edit one side twice, as Kraken's do (a deletion and the level it sends to keep
// the depth, a new price and a qty change, two qty changes, a deletion and a new best price),
// applied by try_update as the codec does: the side's version moves by two, so the cache
// finds the change by comparing its kept levels with the side's top (not the book's one
// edit). Half the frames pass their levels' wire tokens (the codec's case), half none: the
// cached checksum is book_checksum's after every frame.
TEST(KrakenChecksumCache, gives_book_checksum_when_a_frame_edits_a_side_twice) {
  std::mt19937_64 rng(97);
  const auto below = [&rng](std::uint64_t n) { return rng() % n; };
  market::OrderBook book(25);
  ASSERT_NO_FATAL_FAILURE(load_snapshot(
      book, 25,
      [](Side side, int i) {
        return Decimal::from_raw8((side == Side::buy ? 20000 - 4 * i : 20004 + 4 * i) *
                                  10'000'000LL);
      },
      [&] { return Decimal::from_raw8(1 + static_cast<std::int64_t>(below(900'000'000))); }));
  ChecksumCache cache;
  ASSERT_EQ(cache.checksum(book, 1, 8), book_checksum(book, 1, 8));
  // Wire text of each level (price with 1 decimal, qty with 8), padded as a frame is.
  std::vector<std::string> texts;
  texts.reserve(8);
  const auto token = [&texts](std::int64_t raw, int decimals) {
    char buf[64];
    const std::int64_t scale = decimals == 1 ? 10 : 100'000'000;
    std::snprintf(buf, sizeof buf, "%lld.%0*lld", static_cast<long long>(raw / scale), decimals,
                  static_cast<long long>(raw % scale));
    texts.emplace_back(buf);
    texts.back().append(32, '0');  // plain_checksum_digits reads past the token
    return texts.size() - 1;
  };
  int twice = 0;
  for (int step = 0; step < 3000; ++step) {
    const Side side = below(2) == 0 ? Side::buy : Side::sell;
    const int sign = side == Side::buy ? 1 : -1;  // better: a higher bid, a lower ask
    const auto levels = book.levels(side);
    const auto tenths = [](Decimal d) { return d.raw8().value() / 10'000'000; };
    const std::size_t at = below(2) == 0 ? 0 : below(levels.size() < 12 ? levels.size() : 12);
    struct Change {
      std::int64_t tenths;
      std::int64_t qty;  // raw8; 0: delete
    };
    std::vector<Change> changes;
    const auto qty = [&] { return 1 + static_cast<std::int64_t>(below(900'000'000)); };
    const std::int64_t worst = tenths(levels.back().price);
    switch (below(4)) {
      case 0:  // a deletion and a new worst level
        changes = {{tenths(levels[at].price), 0},
                   {worst - sign * (1 + static_cast<std::int64_t>(below(3))), qty()}};
        break;
      case 1:  // a new price just better than level `at`, then another level's qty
        changes = {{tenths(levels[at].price) + sign, qty()},
                   {tenths(levels[(at + 1 + below(8)) % levels.size()].price), qty()}};
        break;
      case 2:  // two qty changes
        changes = {{tenths(levels[at].price), qty()},
                   {tenths(levels[(at + 1 + below(9)) % levels.size()].price), qty()}};
        break;
      default:  // a deletion and a new best price
        changes = {{tenths(levels[at].price), 0}, {tenths(levels[0].price) + sign, qty()}};
        break;
    }
    if (changes[0].tenths == changes[1].tenths) continue;
    // Never crossed: a bid under the best ask, an ask over the best bid.
    const auto other = book.levels(side == Side::buy ? Side::sell : Side::buy);
    bool crosses = false;
    for (const Change& c : changes) {
      crosses = crosses || (side == Side::buy ? c.tenths >= tenths(other[0].price)
                                              : c.tenths <= tenths(other[0].price));
    }
    if (crosses) continue;
    const std::uint64_t version = book.side_version(side);
    texts.clear();
    std::vector<WireLevel> wire;
    for (const Change& c : changes) {
      const Decimal price = Decimal::from_raw8(c.tenths * 10'000'000);
      const Decimal size = Decimal::from_raw8(c.qty);
      ASSERT_TRUE(book.try_update(side, price, size));
      const std::size_t p = token(c.tenths, 1);
      const std::size_t q = token(c.qty, 8);
      WireLevel l;
      l.side = side;
      l.price = price;
      l.qty = size;
      l.price_decimals = 1;
      l.qty_decimals = 8;
      l.price_token = texts[p].data();
      l.price_size = WireLevel::token_size(texts[p].substr(0, texts[p].size() - 32));
      l.qty_token = texts[q].data();
      l.qty_size = WireLevel::token_size(texts[q].substr(0, texts[q].size() - 32));
      wire.push_back(l);
    }
    twice += book.side_version(side) == version + 2 ? 1 : 0;
    const unsigned sides = side == Side::sell ? ChecksumCache::kAsks : ChecksumCache::kBids;
    const std::span<const WireLevel> given =
        below(2) == 0 ? std::span<const WireLevel>(wire) : std::span<const WireLevel>();
    ASSERT_EQ(cache.checksum(book, 1, 8, given, sides), book_checksum(book, 1, 8)) << step;
  }
  EXPECT_GT(twice, 2000);
}
}  // namespace
}  // namespace nzeza::venues::kraken
