// Timestamp::parse_iso8601 on the venues' layout: the fast path on one date (the cached day
// number, as a feed's frames have it), on a new date each call, and the general reader alone.
#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

#include "core/time.hpp"

namespace {

constexpr std::array<std::string_view, 4> kSameDate = {
    "2025-10-09T08:53:20.250123456Z", "2025-10-09T08:53:20.251004Z", "2025-10-09T08:53:21Z",
    "2025-10-09T08:53:21.5Z"};
constexpr std::array<std::string_view, 4> kNewDates = {
    "2025-10-09T08:53:20.250123456Z", "2024-02-29T23:59:59.999Z", "2025-10-10T00:00:00Z",
    "1999-12-31T12:00:00.123456Z"};

template <class Parse>
void run(benchmark::State& state, const std::array<std::string_view, 4>& inputs, Parse parse) {
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = parse(inputs[i++ % inputs.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_parse_iso8601_same_date(benchmark::State& state) {
  run(state, kSameDate, [](std::string_view t) { return nzeza::Timestamp::parse_iso8601(t); });
}
BENCHMARK(BM_parse_iso8601_same_date);

void BM_parse_iso8601_new_dates(benchmark::State& state) {
  run(state, kNewDates, [](std::string_view t) { return nzeza::Timestamp::parse_iso8601(t); });
}
BENCHMARK(BM_parse_iso8601_new_dates);

void BM_parse_iso8601_general(benchmark::State& state) {
  run(state, kSameDate,
      [](std::string_view t) { return nzeza::Timestamp::parse_iso8601_general(t); });
}
BENCHMARK(BM_parse_iso8601_general);

}  // namespace
