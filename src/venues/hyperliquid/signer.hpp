#pragma once
// Signer: one Hyperliquid signing key (the account's key, or an API "agent" wallet's key).
//
// Signs EIP-712 digests with secp256k1 (libsecp256k1, RFC 6979 deterministic nonces, low-s)
// and returns {r, s, v = 27 + recovery id}. Also owns the key's nonce source: Hyperliquid nonces
// are millisecond timestamps that must be unique per signer, so next_nonce() is strictly
// increasing even when called faster than 1 ms or when the clock steps back.
//
// Threading: signing and next_nonce() are thread-safe (the context is only read). The key bytes
// are wiped when the Signer is destroyed.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/client_id.hpp"
#include "core/result.hpp"
#include "venues/hyperliquid/action_hash.hpp"
#include "venues/hyperliquid/hash.hpp"

struct secp256k1_context_struct;

namespace nzeza::venues::hyperliquid {

struct Signature {
  Hash32 r{};
  Hash32 s{};
  int v = 27;  // 27 or 28
  // {"r":"0x<64 hex>","s":"0x<64 hex>","v":27}: r and s always 32 bytes (the SDK drops leading
  // zeros when printing; the venue accepts both, we always pad).
  [[nodiscard]] boost::json::object to_json() const;
};

class Signer {
 public:
  // `private_key_hex`: 64 hex digits, with or without "0x". Refuses anything else and keys
  // outside the curve order; the error never contains the key.
  static Result<Signer> from_private_key(std::string_view private_key_hex);

  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  // keccak256(uncompressed public key without its 0x04 prefix)[12..32].
  [[nodiscard]] const Address& address() const noexcept { return address_; }
  [[nodiscard]] std::string address_hex() const { return to_0x(address_); }

  [[nodiscard]] Result<Signature> sign_digest(const Hash32& digest) const;
  // The L1 scheme: action hash → phantom agent → EIP-712 digest → signature.
  [[nodiscard]] Result<Signature> sign_l1_action(const boost::json::value& action,
                                                 const ActionEnvelope& envelope,
                                                 bool mainnet) const;

  // Strictly increasing ms nonces for this key: max(last + 1, now_ms).
  std::uint64_t next_nonce(std::uint64_t now_ms) noexcept { return nonces_->next(now_ms); }
  [[nodiscard]] std::uint64_t last_nonce() const noexcept { return nonces_->last(); }

 private:
  Signer() = default;
  void wipe() noexcept;
  secp256k1_context_struct* ctx_ = nullptr;
  std::array<std::uint8_t, 32> key_{};
  Address address_{};
  std::unique_ptr<NonceSource> nonces_;
};

// The address that produced `signature` over `digest` (secp256k1_ecdsa_recover); error when
// the signature is malformed or recovers nothing.
[[nodiscard]] Result<Address> recover_address(const Hash32& digest, const Signature& signature);

}  // namespace nzeza::venues::hyperliquid
