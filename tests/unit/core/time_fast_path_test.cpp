// Timestamp::parse_iso8601's fixed-layout fast path against the general reader: on every text,
// valid or not, the same time or the same error (code and message).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace nzeza {
namespace {

// The outcome of one parse, comparable: the nanoseconds, or the error's code and message.
struct Outcome {
  bool ok = false;
  std::int64_t ns = 0;
  ErrorCode code = ErrorCode::parse_error;
  std::string message;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

Outcome outcome(const Result<Timestamp>& r) {
  if (r.ok()) return Outcome{true, r->ns(), {}, {}};
  return Outcome{false, 0, r.error().code, r.error().message};
}

// Parsed by the public reader (fast path first) and by the general reader alone: the same.
::testing::AssertionResult same_as_general(std::string_view text) {
  const Outcome fast = outcome(Timestamp::parse_iso8601(text));
  const Outcome general = outcome(Timestamp::parse_iso8601_general(text));
  if (fast == general) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << '"' << std::string(text) << "\": fast " << (fast.ok ? "ok " : "error ") << fast.ns
         << ' ' << fast.message << " vs general " << (general.ok ? "ok " : "error ") << general.ns
         << ' ' << general.message;
}

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v % 100);
  return b;
}

std::string four(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04d", v % 10000);
  return b;
}

std::string timestamp(int y, int mo, int d, int h, int mi, int s, std::string_view tail) {
  return four(y) + "-" + two(mo) + "-" + two(d) + "T" + two(h) + ":" + two(mi) + ":" + two(s) +
         std::string(tail);
}

TEST(TimestampFastPath, reads_the_venues_layout_to_the_nanosecond) {
  EXPECT_EQ(Timestamp::parse_iso8601("2025-10-09T08:53:20.250123456Z")->ns(),
            1'760'000'000'250'123'456);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-10-09T08:53:20.25Z")->ns(), 1'760'000'000'250'000'000);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-10-09T08:53:20Z")->ns(), 1'760'000'000'000'000'000);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-10-09T08:53:20.250123Z")->ns(),
            1'760'000'000'250'123'000);
  // The next call of the same date (the cached day number) and of another date.
  EXPECT_EQ(Timestamp::parse_iso8601("2025-10-09T00:00:00.000000001Z")->ns(),
            1'759'968'000'000'000'001);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-02-29T23:59:60.5Z")->ns(), 1'709'251'200'500'000'000);
}

TEST(TimestampFastPath, matches_the_general_reader_on_every_day_from_1677_to_2262) {
  for (int y = 1677; y <= 2262; ++y) {
    for (int mo = 0; mo <= 13; ++mo) {
      for (int d = 0; d <= 32; ++d) {
        const int h = (y + d) % 24;
        ASSERT_TRUE(same_as_general(timestamp(y, mo, d, h, 59, 59, ".123456789Z")));
        ASSERT_TRUE(same_as_general(timestamp(y, mo, d, 0, 0, 0, "Z")));
      }
    }
  }
}

TEST(TimestampFastPath, matches_the_general_reader_on_every_field_at_its_limits) {
  const int years[] = {0,    1,    1600, 1677, 1678, 1900, 1970,
                       2000, 2023, 2024, 2100, 2261, 2262, 9999};
  for (int y : years) {
    for (int mo : {0, 1, 2, 12, 13, 99}) {
      for (int d : {0, 1, 28, 29, 30, 31, 32, 99}) {
        for (int h : {0, 23, 24, 99}) {
          for (int mi : {0, 59, 60, 99}) {
            for (int s : {0, 59, 60, 61, 99}) {
              ASSERT_TRUE(same_as_general(timestamp(y, mo, d, h, mi, s, "Z")));
              ASSERT_TRUE(same_as_general(timestamp(y, mo, d, h, mi, s, ".999999999Z")));
            }
          }
        }
      }
    }
  }
  // 1677-09-21 and 2262-04-11: the first and last days int64 nanoseconds hold, around the edge.
  for (std::string_view text :
       {"1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:44Z", "1677-09-21T00:12:43Z",
        "1677-09-20T23:59:59Z", "2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:15Z",
        "2262-04-11T23:47:16Z", "2262-04-12T00:00:00Z"}) {
    EXPECT_TRUE(same_as_general(text));
  }
}

TEST(TimestampFastPath, matches_the_general_reader_on_fractions_of_zero_to_twelve_digits) {
  std::string fraction;
  for (int digits = 0; digits <= 12; ++digits) {
    for (char last : {'0', '1', '9', '/', ':', 'a', 'Z'}) {
      const std::string f = digits == 0 ? "" : fraction + last;
      for (std::string_view end : {"Z", "z", "+01:30", "-00:00", "", "ZZ"}) {
        EXPECT_TRUE(same_as_general("2024-03-01T12:34:56." + f + std::string(end)));
        EXPECT_TRUE(same_as_general("2024-03-01T12:34:56," + f + std::string(end)));
        EXPECT_TRUE(same_as_general("2024-03-01T12:34:56" + f + std::string(end)));
      }
    }
    fraction += static_cast<char>('0' + (digits * 7 + 3) % 10);
  }
}

TEST(TimestampFastPath, matches_the_general_reader_on_every_byte_at_every_position) {
  const std::string valid[] = {"2024-02-29T23:59:59.123456789Z", "2025-10-09T08:53:20.250123Z",
                               "1999-12-31T00:00:00Z"};
  for (const std::string& base : valid) {
    for (std::size_t at = 0; at < base.size(); ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text = base;
        text[at] = static_cast<char>(byte);
        ASSERT_TRUE(same_as_general(text));
        // The same text right after its valid original (the date's day number cached).
        ASSERT_TRUE(same_as_general(base));
        ASSERT_TRUE(same_as_general(text));
      }
      ASSERT_TRUE(same_as_general(std::string_view(base).substr(0, at)));
    }
  }
}

TEST(TimestampFastPath, matches_the_general_reader_on_a_million_random_texts) {
  std::mt19937_64 rng(20261207);
  const auto pick = [&](int below) {
    return static_cast<int>(rng() % static_cast<unsigned>(below));
  };
  const std::string_view tails[] = {"Z", "z", "+00:00", "-05:30", "+2359", "", "Zx", " Z"};
  std::vector<std::string> recent;  // dates seen before: the fast path's cache hits
  for (int i = 0; i < 1'000'000; ++i) {
    int y = pick(4) == 0 ? pick(10000) : 1670 + pick(600);
    if (pick(8) == 0) y = 4 * pick(2500);  // leap-year candidates, centuries included
    int mo = pick(16) == 0 ? pick(100) : 1 + pick(12);
    int d = pick(16) == 0 ? pick(100) : 1 + pick(31);
    const int h = pick(16) == 0 ? pick(100) : pick(24);
    const int mi = pick(16) == 0 ? pick(100) : pick(60);
    const int s = pick(16) == 0 ? pick(100) : pick(61);
    std::string tail;
    if (pick(4) != 0) {
      tail = ".";
      const int digits = pick(13);
      for (int k = 0; k < digits; ++k) tail += static_cast<char>('0' + pick(10));
    }
    tail += tails[pick(4) == 0 ? pick(8) : 0];
    std::string text;
    if (!recent.empty() && pick(2) == 0) {
      text = recent[static_cast<std::size_t>(pick(static_cast<int>(recent.size())))] + "T" +
             two(h) + ":" + two(mi) + ":" + two(s) + tail;
    } else {
      text = timestamp(y, mo, d, h, mi, s, tail);
      if (recent.size() < 16) recent.push_back(text.substr(0, 10));
    }
    if (pick(8) == 0) {  // one byte changed anywhere
      text[static_cast<std::size_t>(pick(static_cast<int>(text.size())))] =
          static_cast<char>(pick(256));
    }
    if (pick(32) == 0)
      text.resize(static_cast<std::size_t>(pick(static_cast<int>(text.size()) + 1)));
    ASSERT_TRUE(same_as_general(text)) << "case " << i;
  }
}

}  // namespace
}  // namespace nzeza
