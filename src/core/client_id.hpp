#pragma once
// Client order ids and request nonces.
//
// Every order nzeza sends carries a client order id drawn from one monotonic counter (its
// value is persisted by the store so a restart never reuses one). The same sequence number is
// encoded in each venue's accepted form, and decoded back so reconciliation can tell our
// orders from external ones:
//   Binance      newClientOrderId  "nz-<tag>-<seq>"         <= 36 chars of [.A-Za-z0-9:/_-]
//   Kraken       cl_ord_id         "nz<tag><seq>"           <= 18 chars (alphanumeric)
//   Coinbase     client_order_id   "nz-<tag>-<seq>"         any string; kept short
//   Hyperliquid  cloid             "0x" + 32 hex digits     128 bits: tag (64) | seq (64)
//   dYdX         client_id         uint32                   low 32 bits of seq, never reused
//                                                           while an order with it may be live
//   paper/generic                  "nz-<tag>-<seq>"
// `tag` is a short instance tag (config), so two nzeza instances on one account never collide.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/venue.hpp"

namespace nzeza {

// Thread-safe monotonic counter; next() never returns the same value twice in a process, and
// starting from a persisted high-water mark makes that true across restarts.
class ClientIdCounter {
 public:
  explicit ClientIdCounter(std::uint64_t last_used = 0) noexcept : last_(last_used) {}
  std::uint64_t next() noexcept { return last_.fetch_add(1, std::memory_order_relaxed) + 1; }
  [[nodiscard]] std::uint64_t last() const noexcept {
    return last_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> last_;
};

// A venue-encoded client order id.
struct ClientOrderId {
  Venue venue = Venue::paper;
  std::uint64_t sequence = 0;  // the counter value it came from
  std::string text;            // the wire form (for dYdX: the decimal uint32)
};

class ClientIdCodec {
 public:
  // `tag`: 1-4 characters of [a-z0-9] identifying this nzeza instance.
  static Result<ClientIdCodec> create(std::string_view tag);

  // Encodes `sequence` for `venue`. For dYdX the result is the low 32 bits; use
  // DydxClientIdAllocator to skip ids that may still be live.
  [[nodiscard]] Result<ClientOrderId> encode(Venue venue, std::uint64_t sequence) const;
  // Recognises our own ids: the sequence, or nullopt for an id we did not make (external).
  // dYdX ids cannot carry the tag; decode returns the uint32 as the sequence.
  [[nodiscard]] std::optional<std::uint64_t> decode(Venue venue, std::string_view text) const;

  [[nodiscard]] std::string_view tag() const noexcept { return tag_; }

 private:
  explicit ClientIdCodec(std::string tag, std::uint64_t tag_bits)
      : tag_(std::move(tag)), tag_bits_(tag_bits) {}
  std::string tag_;
  std::uint64_t tag_bits_;  // high half of a Hyperliquid cloid
};

// Validators for ids from anywhere (config, CLI, venue replies).
[[nodiscard]] bool is_valid_binance_client_id(std::string_view id) noexcept;
[[nodiscard]] bool is_valid_kraken_client_id(std::string_view id) noexcept;  // UUID or <= 18 chars
[[nodiscard]] bool is_valid_hyperliquid_cloid(std::string_view id) noexcept;

// dYdX client ids are uint32 and must never be reused while an order with that id may still
// be live (until its good-til-block has passed or it is known terminal). The allocator walks
// the counter and skips ids the `is_live` predicate reports as possibly live.
class DydxClientIdAllocator {
 public:
  explicit DydxClientIdAllocator(ClientIdCounter& counter) noexcept : counter_(counter) {}
  // Fails only if 2^32 consecutive candidates are live (impossible in practice; an error
  // rather than a reuse).
  Result<std::uint32_t> next(const std::function<bool(std::uint32_t)>& is_live);

 private:
  ClientIdCounter& counter_;
};

// Strictly increasing nonces per API key (Kraken: u64 in the body; Hyperliquid: ms timestamp
// unique per signer). next(now_ms) = max(last + 1, now_ms): it follows the clock when it can
// and stays strictly increasing when calls come faster than 1 ms or the clock steps back.
// Thread-safe and lock-free.
class NonceSource {
 public:
  explicit NonceSource(std::uint64_t last_used = 0) noexcept : last_(last_used) {}
  std::uint64_t next(std::uint64_t now_ms) noexcept;
  [[nodiscard]] std::uint64_t last() const noexcept {
    return last_.load(std::memory_order_acquire);
  }

 private:
  std::atomic<std::uint64_t> last_;
};

}  // namespace nzeza
