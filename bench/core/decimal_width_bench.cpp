// What widening Decimal would cost (docs/domain.md, "Decimal range"): the three kernels Decimal
// spends its time in — multiply-and-round, plain-digit parse, digit formatting — written once
// for today's representation (int64 count of 10^-8) and once for the proposed one (int128 count
// of 10^-16), same code shape, same inputs, same run. The real Decimal calls are measured beside
// them so the kernels can be read against the whole operation.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "core/decimal.hpp"

namespace {

__extension__ typedef __int128 I128;           // NOLINT(modernize-use-using)
__extension__ typedef unsigned __int128 U128;  // NOLINT(modernize-use-using)

constexpr std::uint64_t kOne8 = 100'000'000ULL;
constexpr std::uint64_t kOne16 = 10'000'000'000'000'000ULL;

constexpr std::array<std::string_view, 8> kInputs = {
    "45000.50", "1.51", "25.35190000", "0.00000151", "3400", "68923.67", "0.0001", "12.5"};

// Today: int64 * int64 fits 128 bits; one 128 / 64 division, half to even.
I128 mul_round_8(std::int64_t a, std::int64_t b) {
  const I128 p = static_cast<I128>(a) * b;
  I128 q = p / kOne8;
  const I128 r = p % kOne8;
  if (2 * r > static_cast<I128>(kOne8) || (2 * r == static_cast<I128>(kOne8) && (q & 1) != 0)) ++q;
  return q;
}

// Proposed: int128 * int128 needs 256 bits (four 64x64 products), then a division of four
// 64-bit limbs by 10^16, half to even. Non-negative operands (the sign is handled outside).
U128 mul_round_16(U128 a, U128 b) {
  const auto a0 = static_cast<std::uint64_t>(a);
  const auto a1 = static_cast<std::uint64_t>(a >> 64);
  const auto b0 = static_cast<std::uint64_t>(b);
  const auto b1 = static_cast<std::uint64_t>(b >> 64);
  const U128 p00 = static_cast<U128>(a0) * b0;
  const U128 p01 = static_cast<U128>(a0) * b1;
  const U128 p10 = static_cast<U128>(a1) * b0;
  const U128 p11 = static_cast<U128>(a1) * b1;
  const U128 mid = (p00 >> 64) + static_cast<std::uint64_t>(p01) + static_cast<std::uint64_t>(p10);
  const U128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  const std::array<std::uint64_t, 4> limb = {
      static_cast<std::uint64_t>(p00), static_cast<std::uint64_t>(mid),
      static_cast<std::uint64_t>(hi), static_cast<std::uint64_t>(hi >> 64)};
  std::array<std::uint64_t, 4> q{};
  U128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const U128 cur = (rem << 64) | limb[static_cast<std::size_t>(i)];
    q[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(cur / kOne16);
    rem = cur % kOne16;
  }
  U128 res = (static_cast<U128>(q[1]) << 64) | q[0];
  if (2 * rem > kOne16 || (2 * rem == kOne16 && (res & 1) != 0)) ++res;
  return res;
}

template <typename T, int kScale>
T parse_plain(std::string_view s) {
  T v = 0;
  int frac = -1;
  for (char c : s) {
    if (c == '.') {
      frac = 0;
      continue;
    }
    v = v * 10 + (c - '0');
    if (frac >= 0) ++frac;
  }
  for (int i = frac < 0 ? 0 : frac; i < kScale; ++i) v *= 10;
  return v;
}

char* digits64(std::uint64_t v, char* end) {
  do {
    *--end = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return end;
}

// int128 text split once at 10^16 so the digit loops run on 64-bit halves.
char* digits128(U128 v, char* end) {
  auto lo = static_cast<std::uint64_t>(v % kOne16);
  const U128 hi = v / kOne16;
  for (int i = 0; i < 16; ++i) {
    *--end = static_cast<char>('0' + lo % 10);
    lo /= 10;
  }
  return hi != 0 ? digits64(static_cast<std::uint64_t>(hi), end) : end;
}

void BM_mul_round_int64_scale8(benchmark::State& state) {
  std::int64_t a = 4'500'050'000'000;  // 45000.5
  std::int64_t b = 12'345'678;         // 0.12345678
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(mul_round_8(a, b));
  }
}
BENCHMARK(BM_mul_round_int64_scale8);

void BM_mul_round_int128_scale16(benchmark::State& state) {
  U128 a = static_cast<U128>(4'500'050'000'000) * kOne8;
  U128 b = static_cast<U128>(12'345'678) * kOne8;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(mul_round_16(a, b));
  }
}
BENCHMARK(BM_mul_round_int128_scale16);

void BM_parse_plain_int64_scale8(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse_plain<std::int64_t, 8>(kInputs[i++ & 7]));
}
BENCHMARK(BM_parse_plain_int64_scale8);

void BM_parse_plain_int128_scale16(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse_plain<I128, 16>(kInputs[i++ & 7]));
}
BENCHMARK(BM_parse_plain_int128_scale16);

void BM_format_int64_scale8(benchmark::State& state) {
  std::array<char, 48> buf{};
  std::uint64_t v = 4'500'050'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    benchmark::DoNotOptimize(digits64(v, buf.data() + buf.size()));
  }
}
BENCHMARK(BM_format_int64_scale8);

void BM_format_int128_scale16(benchmark::State& state) {
  std::array<char, 48> buf{};
  U128 v = static_cast<U128>(4'500'050'000'000) * kOne8;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    benchmark::DoNotOptimize(digits128(v, buf.data() + buf.size()));
  }
}
BENCHMARK(BM_format_int128_scale16);

// Decimal's whole operations as built (int64·10^-8 before the widening, int128·10^-16 after):
// same names in both binaries, so an old and a new build can be run side by side.
void BM_decimal_today_checked_mul(benchmark::State& state) {
  nzeza::Decimal a = nzeza::Decimal::from_raw8(4'500'050'000'000);
  nzeza::Decimal b = nzeza::Decimal::from_raw8(12'345'678);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(a.checked_mul(b));
  }
}
BENCHMARK(BM_decimal_today_checked_mul);

void BM_decimal_today_parse(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(nzeza::Decimal::parse(kInputs[i++ & 7]));
}
BENCHMARK(BM_decimal_today_parse);

void BM_decimal_today_to_chars(benchmark::State& state) {
  std::array<char, nzeza::Decimal::kMaxChars> buf{};
  nzeza::Decimal v = nzeza::Decimal::from_raw8(4'500'050'000'000);
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    benchmark::DoNotOptimize(v.to_chars(buf.data()));
  }
}
BENCHMARK(BM_decimal_today_to_chars);

}  // namespace

BENCHMARK_MAIN();
