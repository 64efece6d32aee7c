#include "venues/hyperliquid/signer.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <boost/json.hpp>
#include <cstring>

#include "venues/hyperliquid/eip712.hpp"

namespace nzeza::venues::hyperliquid {

namespace {

Address address_of(const secp256k1_context* ctx, const secp256k1_pubkey& pub) {
  std::array<unsigned char, 65> raw{};
  std::size_t len = raw.size();
  secp256k1_ec_pubkey_serialize(ctx, raw.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  const Hash32 h =
      keccak256(std::string_view(reinterpret_cast<const char*>(raw.data()) + 1, len - 1));
  Address a{};
  std::memcpy(a.data(), h.data() + 12, a.size());
  return a;
}

}  // namespace

boost::json::object Signature::to_json() const {
  boost::json::object o;
  o["r"] = to_0x(r);
  o["s"] = to_0x(s);
  o["v"] = v;
  return o;
}

Result<Signer> Signer::from_private_key(std::string_view private_key_hex) {
  auto key = fixed_from_hex<32>(private_key_hex);
  if (!key) {
    return Error(ErrorCode::invalid_argument,
                 "hyperliquid private_key: expected 64 hex digits (with or without 0x)");
  }
  Signer s;
  s.key_ = *key;
  OPENSSL_cleanse(key->data(), key->size());
  s.ctx_ = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (s.ctx_ == nullptr) return Error(ErrorCode::internal, "hyperliquid: secp256k1 context");
  // Blinding against side channels; does not change the (RFC 6979) signatures.
  std::array<unsigned char, 32> seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
    if (secp256k1_context_randomize(s.ctx_, seed.data()) != 1) {
      OPENSSL_cleanse(seed.data(), seed.size());
      return Error(ErrorCode::internal, "hyperliquid: secp256k1 context randomisation");
    }
  }
  OPENSSL_cleanse(seed.data(), seed.size());
  if (secp256k1_ec_seckey_verify(s.ctx_, s.key_.data()) != 1) {
    return Error(ErrorCode::invalid_argument,
                 "hyperliquid private_key: not a valid secp256k1 secret key (zero or >= n)");
  }
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(s.ctx_, &pub, s.key_.data()) != 1) {
    return Error(ErrorCode::invalid_argument, "hyperliquid private_key: no public key");
  }
  s.address_ = address_of(s.ctx_, pub);
  s.nonces_ = std::make_unique<NonceSource>();
  return s;
}

Signer::Signer(Signer&& o) noexcept
    : ctx_(std::exchange(o.ctx_, nullptr)),
      key_(o.key_),
      address_(o.address_),
      nonces_(std::move(o.nonces_)) {
  OPENSSL_cleanse(o.key_.data(), o.key_.size());
}

Signer& Signer::operator=(Signer&& o) noexcept {
  if (this != &o) {
    wipe();
    ctx_ = std::exchange(o.ctx_, nullptr);
    key_ = o.key_;
    OPENSSL_cleanse(o.key_.data(), o.key_.size());
    address_ = o.address_;
    nonces_ = std::move(o.nonces_);
  }
  return *this;
}

Signer::~Signer() {
  wipe();
}

void Signer::wipe() noexcept {
  OPENSSL_cleanse(key_.data(), key_.size());
  if (ctx_ != nullptr) secp256k1_context_destroy(ctx_);
  ctx_ = nullptr;
}

Result<Signature> Signer::sign_digest(const Hash32& digest) const {
  if (ctx_ == nullptr) return Error(ErrorCode::invalid_state, "hyperliquid signer: moved from");
  secp256k1_ecdsa_recoverable_signature sig;
  // nullptr nonce function = secp256k1_nonce_function_rfc6979 (deterministic).
  if (secp256k1_ecdsa_sign_recoverable(ctx_, &sig, digest.data(), key_.data(), nullptr, nullptr) !=
      1) {
    return Error(ErrorCode::internal, "hyperliquid signer: secp256k1 signing failed");
  }
  std::array<unsigned char, 64> compact{};
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx_, compact.data(), &recid, &sig);
  Signature out;
  std::memcpy(out.r.data(), compact.data(), 32);
  std::memcpy(out.s.data(), compact.data() + 32, 32);
  out.v = 27 + recid;
  return out;
}

Result<Signature> Signer::sign_l1_action(const boost::json::value& action,
                                         const ActionEnvelope& envelope, bool mainnet) const {
  auto h = action_hash(action, envelope);
  if (!h) return h.error();
  return sign_digest(l1_digest(mainnet, *h));
}

Result<Address> recover_address(const Hash32& digest, const Signature& signature) {
  if (signature.v != 27 && signature.v != 28) {
    return Error(ErrorCode::invalid_argument, "hyperliquid signature: v must be 27 or 28");
  }
  const secp256k1_context* ctx = secp256k1_context_static;
  std::array<unsigned char, 64> compact{};
  std::memcpy(compact.data(), signature.r.data(), 32);
  std::memcpy(compact.data() + 32, signature.s.data(), 32);
  secp256k1_ecdsa_recoverable_signature sig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact.data(),
                                                          signature.v - 27) != 1) {
    return Error(ErrorCode::invalid_argument, "hyperliquid signature: r or s out of range");
  }
  secp256k1_pubkey pub;
  if (secp256k1_ecdsa_recover(ctx, &pub, &sig, digest.data()) != 1) {
    return Error(ErrorCode::auth_failed, "hyperliquid signature: recovers no public key");
  }
  return address_of(ctx, pub);
}

}  // namespace nzeza::venues::hyperliquid
