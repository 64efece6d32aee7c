#include "venues/paper/latency_model.hpp"

#include <cmath>
#include <numbers>

namespace nzeza::venues::paper {
namespace {

std::string ns_text(Duration d) {
  return std::to_string(d.count()) + " ns";
}

}  // namespace

Status LatencyModel::validate() const {
  if (a < Duration::zero()) {
    return fail(ErrorCode::invalid_argument, std::string(kind == Kind::normal    ? "latency mean"
                                                         : kind == Kind::uniform ? "latency min"
                                                                                 : "latency") +
                                                 " must be >= 0, got " + ns_text(a));
  }
  if (kind == Kind::uniform && b < a) {
    return fail(ErrorCode::invalid_argument,
                "latency max " + ns_text(b) + " is below the min " + ns_text(a));
  }
  if (kind == Kind::normal && b < Duration::zero()) {
    return fail(ErrorCode::invalid_argument,
                "latency standard deviation must be >= 0, got " + ns_text(b));
  }
  return {};
}

std::uint64_t LatencySampler::next() noexcept {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

double LatencySampler::unit() noexcept {
  // 53 random bits; +1 keeps it off zero so log() below stays finite.
  return static_cast<double>((next() >> 11U) + 1U) * 0x1.0p-53;
}

Duration LatencySampler::draw(const LatencyModel& m) noexcept {
  switch (m.kind) {
    case LatencyModel::Kind::constant:
      return std::max(m.a, Duration::zero());
    case LatencyModel::Kind::uniform: {
      if (m.b <= m.a) return std::max(m.a, Duration::zero());
      const auto span = static_cast<std::uint64_t>((m.b - m.a).count()) + 1U;
      __extension__ typedef unsigned __int128 uint128;
      const auto offset = static_cast<std::uint64_t>((static_cast<uint128>(next()) * span) >> 64U);
      return std::max(m.a + Duration(static_cast<std::int64_t>(offset)), Duration::zero());
    }
    case LatencyModel::Kind::normal: {
      const double u1 = unit();
      const double u2 = unit();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      const double ns = static_cast<double>(m.a.count()) + z * static_cast<double>(m.b.count());
      if (!(ns > 0.0)) return Duration::zero();
      return Duration(std::llround(ns));
    }
  }
  return Duration::zero();
}

}  // namespace nzeza::venues::paper
