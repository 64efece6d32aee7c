#pragma once
// The EIP-712 hashing Hyperliquid signs (flat structs only: every field a string, bytes32,
// address or unsigned integer — all its actions are flat).
//
//   L1 actions:   domain {name "Exchange", version "1", chainId 1337, verifyingContract 0x0},
//                 primary type Agent(string source,bytes32 connectionId), source "a" mainnet /
//                 "b" testnet, connectionId = the action hash (action_hash.hpp).
//   user-signed:  domain {name "HyperliquidSignTransaction", version "1", chainId =
//                 signatureChainId (0x66eee = 421614 in the SDK), verifyingContract 0x0},
//                 primary type e.g. HyperliquidTransaction:UsdSend(string hyperliquidChain,...).
// digest = keccak256(0x19 0x01 || domainSeparator || structHash).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "venues/hyperliquid/hash.hpp"

namespace nzeza::venues::hyperliquid {

struct Eip712Domain {
  std::string name;
  std::string version;
  std::uint64_t chain_id = 0;
  Address verifying_contract{};
};

// The L1 ("Exchange", chain 1337) domain.
[[nodiscard]] const Eip712Domain& exchange_domain();

// One field value of a flat struct, in the order of the type string.
struct Eip712Value {
  enum class Kind : std::uint8_t { string, bytes32, address, uint };
  Kind kind = Kind::string;
  std::string_view text;  // string
  Hash32 bytes{};         // bytes32; address in the last 20 bytes (left-padded)
  std::uint64_t number = 0;

  static Eip712Value string(std::string_view s) { return {Kind::string, s, {}, 0}; }
  static Eip712Value bytes32(const Hash32& b) { return {Kind::bytes32, {}, b, 0}; }
  static Eip712Value address(const Address& a);
  static Eip712Value uint(std::uint64_t v) { return {Kind::uint, {}, {}, v}; }
};

[[nodiscard]] Hash32 domain_separator(const Eip712Domain& domain);
// keccak256(typeHash || encodeData(values)); type_string like "Agent(string source,bytes32
// connectionId)".
[[nodiscard]] Hash32 struct_hash(std::string_view type_string, std::span<const Eip712Value> values);
[[nodiscard]] Hash32 typed_data_digest(const Hash32& domain_separator, const Hash32& struct_hash);

// Agent{source, connectionId} struct hash and the full L1 digest.
[[nodiscard]] Hash32 agent_struct_hash(bool mainnet, const Hash32& connection_id);
[[nodiscard]] Hash32 l1_digest(bool mainnet, const Hash32& connection_id);

}  // namespace nzeza::venues::hyperliquid
