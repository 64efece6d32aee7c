#include "sim/hyperliquid/verifier.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <boost/json.hpp>
#include <cstring>

namespace nzeza::sim::hyperliquid {

namespace {

// Keccak-f[1600], the reference round constants and rotation offsets.
constexpr std::uint64_t kRc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
constexpr int kRot[5][5] = {{0, 36, 3, 41, 18},
                            {1, 44, 10, 45, 2},
                            {62, 6, 43, 15, 61},
                            {28, 55, 25, 21, 56},
                            {27, 20, 39, 8, 14}};

std::uint64_t rotl(std::uint64_t x, int n) {
  return n == 0 ? x : (x << n) | (x >> (64 - n));
}

void keccak_f(std::uint64_t a[5][5]) {
  for (int round = 0; round < 24; ++round) {
    std::uint64_t c[5];
    std::uint64_t d[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int x = 0; x < 5; ++x)
      for (int y = 0; y < 5; ++y) a[x][y] ^= d[x];
    std::uint64_t b[5][5];
    for (int x = 0; x < 5; ++x)
      for (int y = 0; y < 5; ++y) b[y][(2 * x + 3 * y) % 5] = rotl(a[x][y], kRot[x][y]);
    for (int x = 0; x < 5; ++x)
      for (int y = 0; y < 5; ++y) a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]);
    a[0][0] ^= kRc[round];
  }
}

void absorb_block(std::uint64_t a[5][5], const std::uint8_t* block) {
  for (int i = 0; i < 17; ++i) {  // rate 136 bytes = 17 lanes
    std::uint64_t lane = 0;
    for (int k = 7; k >= 0; --k) lane = (lane << 8) | block[8 * i + k];
    a[i % 5][i / 5] ^= lane;
  }
  keccak_f(a);
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Left-padded fixed-size bytes from 0x-hex; false on bad text.
template <std::size_t N>
bool parse_hex(std::string_view h, std::array<std::uint8_t, N>& out) {
  if (h.size() >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) h.remove_prefix(2);
  if (h.empty() || h.size() > 2 * N) return false;
  std::string p(2 * N - h.size(), '0');
  p.append(h);
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hexval(p[2 * i]);
    const int lo = hexval(p[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

void be(std::string& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

bool pack(const boost::json::value& v, std::string& out) {
  if (v.is_null()) {
    out.push_back('\xc0');
  } else if (v.is_bool()) {
    out.push_back(v.get_bool() ? '\xc3' : '\xc2');
  } else if (v.is_uint64() || (v.is_int64() && v.get_int64() >= 0)) {
    const std::uint64_t u =
        v.is_uint64() ? v.get_uint64() : static_cast<std::uint64_t>(v.get_int64());
    if (u < 128) {
      out.push_back(static_cast<char>(u));
    } else if (u < 0x100) {
      out.push_back('\xcc');
      be(out, u, 1);
    } else if (u < 0x10000) {
      out.push_back('\xcd');
      be(out, u, 2);
    } else if (u < 0x100000000ULL) {
      out.push_back('\xce');
      be(out, u, 4);
    } else {
      out.push_back('\xcf');
      be(out, u, 8);
    }
  } else if (v.is_int64()) {
    const std::int64_t i = v.get_int64();
    const auto u = static_cast<std::uint64_t>(i);
    if (i >= -32) {
      out.push_back(static_cast<char>(u));
    } else if (i >= -128) {
      out.push_back('\xd0');
      be(out, u, 1);
    } else if (i >= -32768) {
      out.push_back('\xd1');
      be(out, u, 2);
    } else if (i >= -2147483648LL) {
      out.push_back('\xd2');
      be(out, u, 4);
    } else {
      out.push_back('\xd3');
      be(out, u, 8);
    }
  } else if (v.is_string()) {
    const auto& s = v.get_string();
    if (s.size() < 32) {
      out.push_back(static_cast<char>(0xa0 + s.size()));
    } else if (s.size() < 0x100) {
      out.push_back('\xd9');
      be(out, s.size(), 1);
    } else if (s.size() < 0x10000) {
      out.push_back('\xda');
      be(out, s.size(), 2);
    } else {
      out.push_back('\xdb');
      be(out, s.size(), 4);
    }
    out.append(s.data(), s.size());
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.size() < 16) {
      out.push_back(static_cast<char>(0x90 + a.size()));
    } else if (a.size() < 0x10000) {
      out.push_back('\xdc');
      be(out, a.size(), 2);
    } else {
      out.push_back('\xdd');
      be(out, a.size(), 4);
    }
    for (const auto& e : a)
      if (!pack(e, out)) return false;
  } else if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.size() < 16) {
      out.push_back(static_cast<char>(0x80 + o.size()));
    } else if (o.size() < 0x10000) {
      out.push_back('\xde');
      be(out, o.size(), 2);
    } else {
      out.push_back('\xdf');
      be(out, o.size(), 4);
    }
    for (const auto& kv : o) {
      if (!pack(boost::json::value(kv.key()), out)) return false;
      if (!pack(kv.value(), out)) return false;
    }
  } else {
    return false;  // double
  }
  return true;
}

std::string word(const Bytes32& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

Bytes32 sim_keccak256(std::string_view data) {
  std::uint64_t a[5][5] = {};
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t n = data.size();
  while (n >= 136) {
    absorb_block(a, p);
    p += 136;
    n -= 136;
  }
  std::uint8_t last[136] = {};
  std::memcpy(last, p, n);
  last[n] ^= 0x01;
  last[135] ^= 0x80;
  absorb_block(a, last);
  Bytes32 out{};
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t lane = a[i % 5][i / 5];
    for (int k = 0; k < 8; ++k) out[8 * i + k] = static_cast<std::uint8_t>(lane >> (8 * k));
  }
  return out;
}

std::string sim_hex(const std::uint8_t* data, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(d[data[i] >> 4]);
    s.push_back(d[data[i] & 15]);
  }
  return s;
}

std::optional<std::string> sim_msgpack(const boost::json::value& v) {
  std::string out;
  if (!pack(v, out)) return std::nullopt;
  return out;
}

Recovered recover_l1_signer(const RecoverInput& in) {
  Recovered res;
  if (in.action == nullptr) {
    res.error = "missing action";
    return res;
  }
  auto mp = sim_msgpack(*in.action);
  if (!mp) {
    res.error = "action contains a float";
    return res;
  }
  std::string pre = *mp;
  be(pre, in.nonce, 8);
  if (in.vault_address) {
    std::array<std::uint8_t, 20> vault{};
    if (in.vault_address->size() != 42 || !parse_hex(*in.vault_address, vault)) {
      res.error = "bad vaultAddress";
      return res;
    }
    pre.push_back('\x01');
    pre.append(reinterpret_cast<const char*>(vault.data()), vault.size());
  } else {
    pre.push_back('\x00');
  }
  if (in.expires_after) {
    pre.push_back('\x00');
    be(pre, *in.expires_after, 8);
  }
  const Bytes32 conn = sim_keccak256(pre);
  res.connection_id = "0x" + sim_hex(conn.data(), conn.size());

  // EIP-712: domain {Exchange, 1, 1337, 0x0}, Agent{source, connectionId}.
  std::string dom = word(sim_keccak256(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  dom += word(sim_keccak256("Exchange"));
  dom += word(sim_keccak256("1"));
  Bytes32 chain{};
  chain[30] = 1337 >> 8;
  chain[31] = 1337 & 0xff;
  dom += word(chain);
  dom += word(Bytes32{});
  const Bytes32 domain_sep = sim_keccak256(dom);
  std::string agent = word(sim_keccak256("Agent(string source,bytes32 connectionId)"));
  agent += word(sim_keccak256(in.mainnet ? "a" : "b"));
  agent += word(conn);
  const Bytes32 struct_hash = sim_keccak256(agent);
  std::string msg("\x19\x01", 2);
  msg += word(domain_sep);
  msg += word(struct_hash);
  const Bytes32 digest = sim_keccak256(msg);

  if (in.v != 27 && in.v != 28) {
    res.error = "v must be 27 or 28";
    return res;
  }
  std::array<std::uint8_t, 64> compact{};
  Bytes32 r{};
  Bytes32 s{};
  if (!parse_hex(in.r, r) || !parse_hex(in.s, s)) {
    res.error = "bad r or s";
    return res;
  }
  std::memcpy(compact.data(), r.data(), 32);
  std::memcpy(compact.data() + 32, s.data(), 32);
  const secp256k1_context* ctx = secp256k1_context_static;
  secp256k1_ecdsa_recoverable_signature sig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact.data(), in.v - 27) !=
      1) {
    res.error = "r or s out of range";
    return res;
  }
  secp256k1_pubkey pub;
  if (secp256k1_ecdsa_recover(ctx, &pub, &sig, digest.data()) != 1) {
    res.error = "signature recovers no key";
    return res;
  }
  std::array<unsigned char, 65> raw{};
  std::size_t len = raw.size();
  secp256k1_ec_pubkey_serialize(ctx, raw.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  const Bytes32 h =
      sim_keccak256(std::string_view(reinterpret_cast<const char*>(raw.data()) + 1, 64));
  res.address = "0x" + sim_hex(h.data() + 12, 20);
  return res;
}

}  // namespace nzeza::sim::hyperliquid
