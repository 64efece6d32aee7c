#include "venues/paper/latency_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include "core/decimal.hpp"

namespace nzeza::venues::paper {
namespace {

std::string ns_text(Duration d) {
  return std::to_string(d.count()) + " ns";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "1.5ms" -> 1'500'000 ns; nullopt when it is not a decimal and a unit, or not whole ns.
std::optional<Duration> parse_duration(std::string_view text) {
  text = trim(text);
  struct Unit {
    std::string_view suffix;
    std::int64_t ns;
  };
  // Longest suffixes first: "ms" before "s".
  static constexpr Unit kUnits[] = {
      {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}};
  for (const Unit& u : kUnits) {
    if (!text.ends_with(u.suffix)) continue;
    auto amount = Decimal::parse(trim(text.substr(0, text.size() - u.suffix.size())));
    if (!amount) return std::nullopt;
    auto ns = amount->checked_mul(Decimal::from_integer(u.ns));
    if (!ns || !ns->is_integer()) return std::nullopt;
    return Duration(ns->to_int());
  }
  return std::nullopt;
}

std::string duration_text(Duration d) {
  const std::int64_t ns = d.count();
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
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

Duration LatencyModel::upper_bound() const noexcept {
  switch (kind) {
    case Kind::constant:
      return std::max(a, Duration::zero());
    case Kind::uniform:
      return std::max({a, b, Duration::zero()});
    case Kind::normal:
      return std::max(a + 6 * std::max(b, Duration::zero()), Duration::zero());
  }
  return Duration::zero();
}

Result<LatencyModel> LatencyModel::parse(std::string_view text) {
  const std::string_view body = trim(text);
  auto bad = [&] {
    return fail(ErrorCode::invalid_argument,
                "latency '" + std::string(text) +
                    "': expected a duration (\"20ms\"; units ns, us, ms, s), "
                    "\"uniform(MIN, MAX)\" or \"normal(MEAN, STDDEV)\"");
  };
  LatencyModel m;
  const auto open = body.find('(');
  if (open == std::string_view::npos) {
    auto d = parse_duration(body);
    if (!d) return bad();
    m = constant(*d);
  } else {
    const std::string_view name = trim(body.substr(0, open));
    if (!body.ends_with(')')) return bad();
    const std::string_view args = body.substr(open + 1, body.size() - open - 2);
    const auto comma = args.find(',');
    if (comma == std::string_view::npos) return bad();
    auto a = parse_duration(args.substr(0, comma));
    auto b = parse_duration(args.substr(comma + 1));
    if (!a || !b) return bad();
    if (name == "uniform") {
      m = uniform(*a, *b);
    } else if (name == "normal") {
      m = normal(*a, *b);
    } else {
      return bad();
    }
  }
  if (auto ok = m.validate(); !ok) {
    return fail(ErrorCode::invalid_argument,
                "latency '" + std::string(text) + "': " + ok.error().message);
  }
  return m;
}

std::string LatencyModel::to_string() const {
  switch (kind) {
    case Kind::constant:
      return duration_text(a);
    case Kind::uniform:
      return "uniform(" + duration_text(a) + ", " + duration_text(b) + ")";
    case Kind::normal:
      return "normal(" + duration_text(a) + ", " + duration_text(b) + ")";
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
      const Duration cap = m.upper_bound();
      if (ns >= static_cast<double>(cap.count())) return cap;
      return Duration(std::llround(ns));
    }
  }
  return Duration::zero();
}

}  // namespace nzeza::venues::paper
