#pragma once
// The simulator's own check of a broadcast dYdX transaction, independent of
// nzeza_venue_dydx_sign: TxRaw/TxBody/AuthInfo decoded with the protoc-generated classes,
// SignDoc rebuilt, SHA-256 and RIPEMD-160 through OpenSSL EVP, the signature checked by
// secp256k1_ecdsa_recover (the recovered key must equal the declared one) and
// secp256k1_ecdsa_verify, high-S refused, and the owner's bech32 address decoded by its own code
// and compared with RIPEMD160(SHA256(pubkey)).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nzeza::sim::dydx {

struct DecodedTx {
  std::string type_url;  // of the single message
  std::string message;   // its bytes
  std::string memo;
  std::vector<std::uint8_t> public_key;  // 33 bytes
  std::uint64_t sequence = 0;
  std::string body_bytes;
  std::string auth_info_bytes;
  std::vector<std::uint8_t> signature;  // 64 bytes
  bool has_tx_extension = false;
};

// Decodes; nullopt and `why` on anything malformed.
std::optional<DecodedTx> decode_tx(const std::string& tx_raw, std::string& why);

// True when `tx.signature` is a valid low-S signature by `tx.public_key` over the SignDoc
// {body, auth_info, chain_id, account_number}; `why` says what failed.
bool verify_signature(const DecodedTx& tx, const std::string& chain_id,
                      std::uint64_t account_number, std::string& why);

// bech32 "dydx1..." -> 20-byte hash; nullopt when malformed or the checksum fails.
std::optional<std::vector<std::uint8_t>> decode_address(const std::string& address);

// RIPEMD160(SHA256(pubkey)).
std::vector<std::uint8_t> address_hash(const std::vector<std::uint8_t>& public_key);

std::optional<std::string> base64_decode(const std::string& text);
std::string sha256_upper_hex(const std::string& bytes);

}  // namespace nzeza::sim::dydx
