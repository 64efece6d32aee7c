#pragma once
// Heap allocation counter for the "no allocation on the hot path" tests. The counting global
// operator new / delete live in alloc_counter.cpp: list that file in the SOURCES of each
// allocation test executable (exactly one TU per executable may replace them), then compare
// allocation_count() before and after the code under test.
// Threading: the count is atomic (relaxed); it counts every thread's allocations.

#include <cstdint>

namespace nzeza::test {

// Calls of the global operator new / new[] since the program started.
[[nodiscard]] std::uint64_t allocation_count() noexcept;

}  // namespace nzeza::test
