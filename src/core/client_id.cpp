#include "core/client_id.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace nzeza {
namespace {

constexpr char kBase36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

std::string base36(std::uint64_t v) {
  char buf[16];
  int n = 0;
  do {
    buf[n++] = kBase36[v % 36];
    v /= 36;
  } while (v != 0);
  std::string out;
  while (n > 0) out += buf[--n];
  return out;
}

std::optional<std::uint64_t> parse_base36(std::string_view s) {
  if (s.empty() || s.size() > 13) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = 0;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (__builtin_mul_overflow(v, 36U, &v) ||
        __builtin_add_overflow(v, static_cast<unsigned>(d), &v)) {
      return std::nullopt;
    }
  }
  return v;
}

std::optional<std::uint64_t> parse_dec(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_hex64(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, 16);
}

}  // namespace

Result<ClientIdCodec> ClientIdCodec::create(std::string_view tag) {
  if (tag.empty() || tag.size() > 4) {
    return Error{ErrorCode::invalid_argument,
                 "client id tag \"" + std::string(tag.substr(0, 16)) + "\" must be 1-4 characters"};
  }
  for (char c : tag) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return Error{
          ErrorCode::invalid_argument,
          "client id tag \"" + std::string(tag) + "\" may hold only lowercase letters and digits"};
    }
  }
  // High 64 bits of a Hyperliquid cloid: "nz" + tag in ASCII, zero padded.
  std::uint64_t bits = 0;
  std::string prefix = "nz" + std::string(tag);
  for (std::size_t i = 0; i < 8; ++i) {
    bits = (bits << 8) | (i < prefix.size() ? static_cast<unsigned char>(prefix[i]) : 0U);
  }
  return ClientIdCodec(std::string(tag), bits);
}

Result<ClientOrderId> ClientIdCodec::encode(Venue venue, std::uint64_t sequence) const {
  ClientOrderId id{venue, sequence, {}};
  switch (venue) {
    case Venue::binance:
    case Venue::coinbase:
    case Venue::paper:
    case Venue::generic:
      id.text = "nz-" + tag_ + "-" + std::to_string(sequence);
      break;
    case Venue::kraken:
      id.text = "n" + tag_ + base36(sequence);
      break;  // <= 1 + 4 + 13 = 18
    case Venue::hyperliquid:
      id.text = "0x" + hex64(tag_bits_) + hex64(sequence);
      break;
    case Venue::dydx:
      id.text = std::to_string(static_cast<std::uint32_t>(sequence));
      break;
  }
  return id;
}

std::optional<std::uint64_t> ClientIdCodec::decode(Venue venue, std::string_view text) const {
  switch (venue) {
    case Venue::binance:
    case Venue::coinbase:
    case Venue::paper:
    case Venue::generic: {
      const std::string prefix = "nz-" + tag_ + "-";
      if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
      const auto rest = text.substr(prefix.size());
      if (!rest.empty() && rest[0] == '0' && rest.size() > 1) return std::nullopt;
      return parse_dec(rest);
    }
    case Venue::kraken: {
      const std::string prefix = "n" + tag_;
      if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
      return parse_base36(text.substr(prefix.size()));
    }
    case Venue::hyperliquid: {
      if (text.size() != 34 || (text.substr(0, 2) != "0x" && text.substr(0, 2) != "0X"))
        return std::nullopt;
      auto hi = parse_hex64(text.substr(2, 16));
      if (!hi || *hi != tag_bits_) return std::nullopt;
      return parse_hex64(text.substr(18, 16));
    }
    case Venue::dydx: {
      auto v = parse_dec(text);
      if (!v || *v > UINT32_MAX) return std::nullopt;
      return v;
    }
  }
  return std::nullopt;
}

bool is_valid_binance_client_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 36) return false;
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' ||
                    c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_kraken_client_id(std::string_view id) noexcept {
  if (id.empty()) return false;
  if (id.size() == 36) {  // UUID 8-4-4-4-12
    for (std::size_t i = 0; i < id.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
  }
  if (id.size() > 18) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool is_valid_hyperliquid_cloid(std::string_view id) noexcept {
  if (id.size() != 34 || id[0] != '0' || (id[1] != 'x' && id[1] != 'X')) return false;
  for (std::size_t i = 2; i < id.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

Result<std::uint32_t> DydxClientIdAllocator::next(
    const std::function<bool(std::uint32_t)>& is_live) {
  // Bounded search: far more candidates than orders a subaccount can hold live at once.
  constexpr int kMaxProbes = 1 << 20;
  for (int i = 0; i < kMaxProbes; ++i) {
    const auto candidate = static_cast<std::uint32_t>(counter_.next());
    if (!is_live || !is_live(candidate)) return candidate;
  }
  return Error{ErrorCode::invalid_state,
               "dYdX client id allocation: every probed id may still be live"};
}

std::uint64_t NonceSource::next(std::uint64_t now_ms) noexcept {
  std::uint64_t last = last_.load(std::memory_order_acquire);
  for (;;) {
    const std::uint64_t candidate = now_ms > last ? now_ms : last + 1;
    if (last_.compare_exchange_weak(last, candidate, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return candidate;
    }
  }
}

}  // namespace nzeza
