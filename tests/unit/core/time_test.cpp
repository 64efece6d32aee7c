#include "core/time.hpp"

#include <gtest/gtest.h>

namespace nzeza {
namespace {

TEST(Timestamp, parses_rfc3339_with_fraction_and_offsets) {
  EXPECT_EQ(Timestamp::parse_iso8601("1970-01-01T00:00:00Z")->ns(), 0);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-01-02T03:04:05Z")->seconds(), 1704164645);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-01-02T03:04:05.123456789Z")->ns(), 1704164645123456789);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-01-02T03:04:05.5Z")->ms(), 1704164645500);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-01-02T05:04:05+02:00")->seconds(), 1704164645);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-01-02T03:04:05.1234567891234Z")->ns(),
            1704164645123456789);
  EXPECT_EQ(Timestamp::parse_iso8601("2024-02-29T00:00:00Z")->seconds(), 1709164800);
}

TEST(Timestamp, refuses_malformed_times_with_a_reason) {
  for (std::string_view bad :
       {"", "2024-01-02", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-02T25:00:00Z",
        "2024-01-02T03:04:05", "2024-01-02T03:04:05Zjunk", "2024-01-02T03:04:05.Z"}) {
    auto r = Timestamp::parse_iso8601(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
  }
}

TEST(Timestamp, prints_iso8601_round_trip) {
  const auto t = Timestamp::from_ns(1704164645123456789);
  EXPECT_EQ(t.to_iso8601(), "2024-01-02T03:04:05.123456789Z");
  EXPECT_EQ(Timestamp::from_seconds(1704164645).to_iso8601(), "2024-01-02T03:04:05Z");
  EXPECT_EQ(Timestamp::from_ms(1704164645500).to_iso8601(), "2024-01-02T03:04:05.5Z");
  EXPECT_EQ(*Timestamp::parse_iso8601(t.to_iso8601()), t);
  EXPECT_EQ(Timestamp::from_ns(-1).to_iso8601(), "1969-12-31T23:59:59.999999999Z");
}

TEST(Timestamp, floors_to_clock_aligned_intervals) {
  const auto t = *Timestamp::parse_iso8601("2024-01-02T03:04:05.7Z");
  EXPECT_EQ(t.floor_to(1s).to_iso8601(), "2024-01-02T03:04:05Z");
  EXPECT_EQ(t.floor_to(1min).to_iso8601(), "2024-01-02T03:04:00Z");
  EXPECT_EQ(t.floor_to(std::chrono::hours(24)).to_iso8601(), "2024-01-02T00:00:00Z");
  EXPECT_EQ(Timestamp::from_ns(-1).floor_to(1s).ns(), -1'000'000'000);
}

TEST(Timestamp, arithmetic_with_durations) {
  const auto t = Timestamp::from_seconds(10);
  EXPECT_EQ((t + 500ms).ms(), 10'500);
  EXPECT_EQ(t - Timestamp::from_seconds(4), 6s);
  EXPECT_LT(t, t + 1ns);
}

}  // namespace
}  // namespace nzeza
