#pragma once
// LatencyModel: how long a request takes to reach the paper venue — a constant, or a draw from
// a uniform or a normal distribution. LatencySampler draws from one with its own seeded
// generator (splitmix64 and Box-Muller), never the standard library's distributions, whose
// output is left to each library: the same seed gives the same delays on every build.
//
// Units: nanoseconds (Duration). A draw is never negative (a normal draw below zero is zero)
// and never above upper_bound() (a normal draw is cut at mean + 6 standard deviations), so a
// request's arrival is bounded, as the resolver's validity window needs.
// Threading: none; the owner serialises draws (the paper venue under its mutex).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::venues::paper {

struct LatencyModel {
  enum class Kind : std::uint8_t { constant, uniform, normal };
  Kind kind = Kind::constant;
  Duration a = Duration::zero();  // constant: the delay; uniform: min; normal: mean
  Duration b = Duration::zero();  // uniform: max; normal: standard deviation

  [[nodiscard]] static LatencyModel constant(Duration delay) noexcept {
    return {Kind::constant, delay, Duration::zero()};
  }
  [[nodiscard]] static LatencyModel uniform(Duration min, Duration max) noexcept {
    return {Kind::uniform, min, max};
  }
  [[nodiscard]] static LatencyModel normal(Duration mean, Duration stddev) noexcept {
    return {Kind::normal, mean, stddev};
  }
  // The longest delay a draw can give.
  [[nodiscard]] Duration upper_bound() const noexcept;
  // Durations >= 0 and min <= max; the error names the field and its value.
  [[nodiscard]] Status validate() const;

  // The text form, for configuration: "20ms" (constant), "uniform(10ms, 50ms)",
  // "normal(20ms, 5ms)"; amounts are decimals with a unit ns, us, ms or s ("1.5ms"), whole
  // nanoseconds. parse() also validates; to_string() gives text that parse() reads back.
  [[nodiscard]] static Result<LatencyModel> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const LatencyModel&, const LatencyModel&) = default;
};

class LatencySampler {
 public:
  explicit LatencySampler(std::uint64_t seed) noexcept : state_(seed) {}
  // One delay from `model` (a constant draws nothing: it does not move the sequence).
  Duration draw(const LatencyModel& model) noexcept;

 private:
  std::uint64_t next() noexcept;  // splitmix64
  double unit() noexcept;         // uniform in (0, 1]
  std::uint64_t state_;
};

}  // namespace nzeza::venues::paper
