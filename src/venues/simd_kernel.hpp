#pragma once
// Which simdjson kernel the feed codecs parse with, chosen once at start from what the CPU can
// run. simdjson 3.0.1 splits a parse in two: stage 1 (finding every structural character, the
// wide-vector part: 2-3x between kernels) is compiled into libsimdjson for every kernel and
// picked at run time through `simdjson::get_active_implementation()`; stage 2 (the on-demand
// walk our codecs drive) is header-inline and compiled for the build's baseline. This file
// owns the run-time choice: by default simdjson's own (the widest kernel the CPU runs: icelake
// with AVX-512 VBMI2, haswell with AVX2, westmere with SSE4.2, else fallback); NZEZA_SIMD_KERNEL
// forces one, for benches, tests and to rule a kernel out in production. Why stage 2 stays on
// the baseline build: docs/performance/simd_kernel.md.
//
// Contract: a parser takes the kernel active when it first allocates (a codec's constructor or
// its first frame), and keeps it for life; switching later changes only parsers made after.
// Errors: a kernel this build does not know, or that the CPU cannot run, is refused with
// ErrorCode::invalid_argument naming it and the kernels the CPU can run; nothing changes then.
// Threading: the active kernel is one process-wide atomic pointer (simdjson's); choose it before
// codecs are built on other threads.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace nzeza::venues {

// The environment variable read by use_simd_kernel_from_env().
inline constexpr const char* kSimdKernelEnv = "NZEZA_SIMD_KERNEL";

// The kernel parsers created now will use ("icelake", "haswell", "westmere", "fallback").
[[nodiscard]] std::string active_simd_kernel();

// The kernels this CPU can run, widest first; "fallback" is always last.
[[nodiscard]] std::vector<std::string> available_simd_kernels();

// The widest kernel this CPU can run (the first of available_simd_kernels()).
[[nodiscard]] std::string best_simd_kernel();

// Makes `name` the kernel of every parser created from now on. "best" (or "") means
// best_simd_kernel(). Refused, with nothing changed, when the build does not know the kernel
// or the CPU cannot run it.
Status use_simd_kernel(std::string_view name);

// use_simd_kernel(value of NZEZA_SIMD_KERNEL); unset means "best". Its error names the variable.
Status use_simd_kernel_from_env();

// Makes a kernel active for a scope and restores the previous one after (tests, benches).
// ok() is false, and nothing changed, when the kernel was refused: error() says why.
class ScopedSimdKernel {
 public:
  explicit ScopedSimdKernel(std::string_view name);
  ~ScopedSimdKernel();
  ScopedSimdKernel(const ScopedSimdKernel&) = delete;
  ScopedSimdKernel& operator=(const ScopedSimdKernel&) = delete;

  [[nodiscard]] bool ok() const noexcept { return status_.ok(); }
  [[nodiscard]] const Status& status() const noexcept { return status_; }

 private:
  std::string previous_;
  Status status_;
};

}  // namespace nzeza::venues
