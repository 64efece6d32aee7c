#include "venues/hyperliquid/eip712.hpp"

#include <array>
#include <cstring>

namespace nzeza::venues::hyperliquid {

namespace {

void append_word(std::string& out, const Hash32& w) {
  out.append(reinterpret_cast<const char*>(w.data()), w.size());
}

Hash32 uint_word(std::uint64_t v) {
  Hash32 w{};
  for (int i = 0; i < 8; ++i) w[31 - i] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xff);
  return w;
}

}  // namespace

const Eip712Domain& exchange_domain() {
  static const Eip712Domain kDomain{"Exchange", "1", 1337, Address{}};
  return kDomain;
}

Eip712Value Eip712Value::address(const Address& a) {
  Hash32 w{};
  std::memcpy(w.data() + 12, a.data(), a.size());
  return {Kind::address, {}, w, 0};
}

Hash32 struct_hash(std::string_view type_string, std::span<const Eip712Value> values) {
  std::string enc;
  enc.reserve(32 * (values.size() + 1));
  append_word(enc, keccak256(type_string));
  for (const auto& v : values) {
    switch (v.kind) {
      case Eip712Value::Kind::string:
        append_word(enc, keccak256(v.text));
        break;
      case Eip712Value::Kind::bytes32:
      case Eip712Value::Kind::address:
        append_word(enc, v.bytes);
        break;
      case Eip712Value::Kind::uint:
        append_word(enc, uint_word(v.number));
        break;
    }
  }
  return keccak256(enc);
}

Hash32 domain_separator(const Eip712Domain& d) {
  const std::array<Eip712Value, 4> values{
      Eip712Value::string(d.name), Eip712Value::string(d.version), Eip712Value::uint(d.chain_id),
      Eip712Value::address(d.verifying_contract)};
  return struct_hash(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)", values);
}

Hash32 typed_data_digest(const Hash32& domain_sep, const Hash32& struct_h) {
  std::array<char, 66> buf{};
  buf[0] = 0x19;
  buf[1] = 0x01;
  std::memcpy(buf.data() + 2, domain_sep.data(), 32);
  std::memcpy(buf.data() + 34, struct_h.data(), 32);
  return keccak256(std::string_view(buf.data(), buf.size()));
}

Hash32 agent_struct_hash(bool mainnet, const Hash32& connection_id) {
  const std::array<Eip712Value, 2> values{Eip712Value::string(mainnet ? "a" : "b"),
                                          Eip712Value::bytes32(connection_id)};
  return struct_hash("Agent(string source,bytes32 connectionId)", values);
}

Hash32 l1_digest(bool mainnet, const Hash32& connection_id) {
  static const Hash32 kDomainSep = domain_separator(exchange_domain());
  return typed_data_digest(kDomainSep, agent_struct_hash(mainnet, connection_id));
}

}  // namespace nzeza::venues::hyperliquid
