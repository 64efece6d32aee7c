#pragma once
// The decode benches run each benchmark once per simdjson kernel, in the same run, so ours and
// the simdjson baseline are compared on every kernel side by side: "BM_x/kernel:icelake",
// "BM_x/kernel:fallback". NZEZA_SIMD_KERNEL=<name> benches that kernel alone (a kernel the CPU
// cannot run is refused with the reason, and the program exits with status 2). The kernel is active
// while the benchmark function runs, so every parser it builds takes it
// (venues/simd_kernel.hpp). Registration happens at static initialisation, like BENCHMARK().

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "venues/simd_kernel.hpp"

namespace nzeza::bench {

using BenchFn = void (*)(benchmark::State&);

// The kernels to bench: NZEZA_SIMD_KERNEL alone when set, else every kernel the CPU runs.
inline std::vector<std::string> kernels_to_bench() {
  const char* forced = std::getenv(venues::kSimdKernelEnv);
  if (forced == nullptr || *forced == '\0') return venues::available_simd_kernels();
  venues::ScopedSimdKernel probe(forced);
  if (!probe.ok()) {
    std::fprintf(stderr, "%s: %s\n", venues::kSimdKernelEnv,
                 probe.status().error().message.c_str());
    std::exit(2);
  }
  return {venues::active_simd_kernel()};
}

// Registers each (name, fn) as "<name>/kernel:<k>" for each kernel to bench, in the order given
// (kernels inner, so a benchmark's kernels run next to each other). Returns true.
inline bool register_per_kernel(std::initializer_list<std::pair<const char*, BenchFn>> benches) {
  const std::vector<std::string> kernels = kernels_to_bench();
  std::string listed;
  for (const std::string& k : kernels) listed += (listed.empty() ? "" : ",") + k;
  benchmark::AddCustomContext("simd_kernels", listed);
  benchmark::AddCustomContext("simd_kernel_default", venues::best_simd_kernel());
  for (const auto& [name, fn] : benches) {
    for (const std::string& kernel : kernels) {
      benchmark::RegisterBenchmark((std::string(name) + "/kernel:" + kernel).c_str(),
                                   [fn, kernel](benchmark::State& state) {
                                     venues::ScopedSimdKernel scoped(kernel);
                                     if (!scoped.ok()) {
                                       state.SkipWithError("kernel refused");
                                       return;
                                     }
                                     fn(state);
                                   });
    }
  }
  return true;
}

}  // namespace nzeza::bench
