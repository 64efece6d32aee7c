// Decimal parse and format against the standard library's double conversions (the baseline a
// float-based engine pays), measured in the same run.
#include <benchmark/benchmark.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "core/decimal.hpp"

namespace {

constexpr std::array<std::string_view, 8> kInputs = {"45000.50",    "0.00000151",  "1.51e-6",
                                                     "25.35190000", "3012.123456", "-3",
                                                     "97123.4567",  "0.10000000"};

void BM_decimal_parse(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = nzeza::Decimal::parse(kInputs[i++ % kInputs.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_decimal_parse);

void BM_baseline_strtod(benchmark::State& state) {
  // from_chars for double is missing in libstdc++ 12's <charconv> for some targets; strtod
  // needs a NUL-terminated copy, which is what a float parser of venue strings pays too.
  std::size_t i = 0;
  char buf[32];
  for (auto _ : state) {
    const auto s = kInputs[i++ % kInputs.size()];
    std::copy(s.begin(), s.end(), buf);
    buf[s.size()] = '\0';
    double d = std::strtod(buf, nullptr);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_baseline_strtod);

void BM_baseline_from_chars_double(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto s = kInputs[i++ % kInputs.size()];
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_baseline_from_chars_double);

void BM_decimal_to_chars(benchmark::State& state) {
  std::array<nzeza::Decimal, kInputs.size()> values{};
  for (std::size_t k = 0; k < kInputs.size(); ++k) values[k] = *nzeza::Decimal::parse(kInputs[k]);
  char buf[nzeza::Decimal::kMaxChars];
  std::size_t i = 0;
  for (auto _ : state) {
    char* end = values[i++ % values.size()].to_chars(buf);
    benchmark::DoNotOptimize(end);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_decimal_to_chars);

void BM_baseline_to_chars_double(benchmark::State& state) {
  std::array<double, kInputs.size()> values{};
  for (std::size_t k = 0; k < kInputs.size(); ++k)
    values[k] = nzeza::Decimal::parse(kInputs[k])->to_double();
  char buf[64];
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = std::to_chars(buf, buf + sizeof buf, values[i++ % values.size()]);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_baseline_to_chars_double);

void BM_decimal_to_string(benchmark::State& state) {
  const auto v = *nzeza::Decimal::parse("45000.5");
  for (auto _ : state) {
    auto s = v.to_string();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_decimal_to_string);

void BM_decimal_mul_round_to_tick(benchmark::State& state) {
  const auto px = *nzeza::Decimal::parse("45000.57");
  const auto qty = *nzeza::Decimal::parse("0.12345");
  const auto tick = *nzeza::Decimal::parse("0.01");
  for (auto _ : state) {
    auto n = px.checked_mul(qty, nzeza::RoundingMode::down);
    auto r = n->round_to_step(tick, nzeza::RoundingMode::down);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_decimal_mul_round_to_tick);

}  // namespace

BENCHMARK_MAIN();
