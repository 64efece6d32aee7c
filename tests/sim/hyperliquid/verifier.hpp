#pragma once
// The simulator's own signature check for Hyperliquid L1 actions — written apart from
// src/venues/hyperliquid (no code shared with the signer under test):
//   * its own Keccak-f[1600] sponge (Keccak-256 padding 0x01 ... 0x80),
//   * its own msgpack packing of the action JSON (Python msgpack defaults),
//   * its own EIP-712 encoding of Agent{source, connectionId} under the Exchange domain,
//   * libsecp256k1's secp256k1_ecdsa_recover for the signer's public key → address.

#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nzeza::sim::hyperliquid {

using Bytes32 = std::array<std::uint8_t, 32>;

Bytes32 sim_keccak256(std::string_view data);
std::string sim_hex(const std::uint8_t* data, std::size_t n);

// msgpack bytes of a JSON value; nullopt for a float (the venue never hashes one).
std::optional<std::string> sim_msgpack(const boost::json::value& v);

struct RecoverInput {
  const boost::json::value* action = nullptr;
  std::uint64_t nonce = 0;
  std::optional<std::string> vault_address;  // "0x" + 40 hex
  std::optional<std::uint64_t> expires_after;
  bool mainnet = true;
  std::string r, s;  // 0x-hex (any length up to 64 digits)
  int v = 0;
};

// The lower-case "0x..." address that signed, or an error text.
struct Recovered {
  std::string address;
  std::string error;
  std::string connection_id;  // 0x-hex action hash, for diagnostics
};
Recovered recover_l1_signer(const RecoverInput& in);

}  // namespace nzeza::sim::hyperliquid
