#include "venues/simd_kernel.hpp"

#include <simdjson.h>

#include <cstdlib>
#include <string>

namespace nzeza::venues {

namespace {

const simdjson::implementation* runnable(std::string_view name) {
  for (const simdjson::implementation* impl : simdjson::get_available_implementations()) {
    if (impl->name() == name && impl->supported_by_runtime_system()) return impl;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

std::string active_simd_kernel() {
  return simdjson::get_active_implementation()->name();
}

std::vector<std::string> available_simd_kernels() {
  // simdjson lists its kernels widest first (icelake, haswell, westmere, ..., fallback).
  std::vector<std::string> out;
  for (const simdjson::implementation* impl : simdjson::get_available_implementations()) {
    if (impl->supported_by_runtime_system()) out.push_back(impl->name());
  }
  return out;
}

std::string best_simd_kernel() {
  const std::vector<std::string> all = available_simd_kernels();
  return all.empty() ? std::string("fallback") : all.front();
}

Status use_simd_kernel(std::string_view name) {
  const std::string chosen =
      name.empty() || name == "best" ? best_simd_kernel() : std::string(name);
  const simdjson::implementation* impl = runnable(chosen);
  if (impl == nullptr) {
    const bool known = simdjson::get_available_implementations()[chosen] != nullptr;
    return fail(ErrorCode::invalid_argument,
                "simdjson kernel '" + chosen + "' " +
                    (known ? "is not supported by this CPU" : "is not built into this simdjson") +
                    "; this CPU runs: " + joined(available_simd_kernels()) + " (or best)");
  }
  simdjson::get_active_implementation() = impl;
  return {};
}

Status use_simd_kernel_from_env() {
  const char* value = std::getenv(kSimdKernelEnv);
  if (value == nullptr) return use_simd_kernel("best");
  Status s = use_simd_kernel(value);
  if (!s.ok()) return fail(s.error().code, std::string(kSimdKernelEnv) + ": " + s.error().message);
  return s;
}

ScopedSimdKernel::ScopedSimdKernel(std::string_view name)
    : previous_(active_simd_kernel()), status_(use_simd_kernel(name)) {}

ScopedSimdKernel::~ScopedSimdKernel() {
  if (status_.ok()) (void)use_simd_kernel(previous_);
}

}  // namespace nzeza::venues
