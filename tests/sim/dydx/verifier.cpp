#include "sim/dydx/verifier.hpp"

#include <openssl/evp.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstring>

#include "cosmos/crypto/secp256k1/keys.pb.h"
#include "cosmos/tx/v1beta1/tx.pb.h"

namespace nzeza::sim::dydx {
namespace {

std::vector<std::uint8_t> digest(const char* name, const void* data, std::size_t len) {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  EVP_Digest(data, len, out.data(), &n, md, nullptr);
  EVP_MD_free(md);
  out.resize(n);
  return out;
}

}  // namespace

std::optional<DecodedTx> decode_tx(const std::string& tx_raw, std::string& why) {
  cosmos::tx::v1beta1::TxRaw raw;
  if (!raw.ParseFromString(tx_raw)) {
    why = "tx parse error: not a TxRaw";
    return std::nullopt;
  }
  cosmos::tx::v1beta1::TxBody body;
  cosmos::tx::v1beta1::AuthInfo auth;
  if (!body.ParseFromString(raw.body_bytes()) || !auth.ParseFromString(raw.auth_info_bytes())) {
    why = "tx parse error: body or auth_info";
    return std::nullopt;
  }
  if (body.messages_size() != 1 || auth.signer_infos_size() != 1 || raw.signatures_size() != 1) {
    why = "expected exactly one message, one signer and one signature";
    return std::nullopt;
  }
  const auto& signer = auth.signer_infos(0);
  if (signer.public_key().type_url() != "/cosmos.crypto.secp256k1.PubKey" ||
      !signer.mode_info().has_single() ||
      signer.mode_info().single().mode() != cosmos::tx::signing::v1beta1::SIGN_MODE_DIRECT) {
    why = "signer is not a secp256k1 key in SIGN_MODE_DIRECT";
    return std::nullopt;
  }
  cosmos::crypto::secp256k1::PubKey pk;
  if (!pk.ParseFromString(signer.public_key().value()) || pk.key().size() != 33) {
    why = "public key is not 33 bytes";
    return std::nullopt;
  }
  DecodedTx tx;
  tx.type_url = body.messages(0).type_url();
  tx.message = body.messages(0).value();
  tx.memo = body.memo();
  tx.public_key.assign(pk.key().begin(), pk.key().end());
  tx.sequence = signer.sequence();
  tx.body_bytes = raw.body_bytes();
  tx.auth_info_bytes = raw.auth_info_bytes();
  tx.signature.assign(raw.signatures(0).begin(), raw.signatures(0).end());
  for (const auto& ext : body.non_critical_extension_options())
    if (ext.type_url() == "/dydxprotocol.accountplus.TxExtension") tx.has_tx_extension = true;
  return tx;
}

bool verify_signature(const DecodedTx& tx, const std::string& chain_id,
                      std::uint64_t account_number, std::string& why) {
  if (tx.signature.size() != 64) {
    why = "signature is not 64 bytes";
    return false;
  }
  cosmos::tx::v1beta1::SignDoc doc;
  doc.set_body_bytes(tx.body_bytes);
  doc.set_auth_info_bytes(tx.auth_info_bytes);
  doc.set_chain_id(chain_id);
  doc.set_account_number(account_number);
  const std::string bytes = doc.SerializeAsString();
  const auto hash = digest("SHA256", bytes.data(), bytes.size());

  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  bool ok = false;
  secp256k1_ecdsa_signature sig;
  secp256k1_pubkey declared;
  if (secp256k1_ecdsa_signature_parse_compact(ctx, &sig, tx.signature.data()) != 1 ||
      secp256k1_ec_pubkey_parse(ctx, &declared, tx.public_key.data(), 33) != 1) {
    why = "unparsable signature or public key";
  } else {
    secp256k1_ecdsa_signature normalized;
    if (secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig) == 1) {
      why = "high-S signature";
    } else {
      // Recover with each recovery id: one must give back the declared key.
      std::uint8_t declared33[33];
      std::size_t len = 33;
      secp256k1_ec_pubkey_serialize(ctx, declared33, &len, &declared, SECP256K1_EC_COMPRESSED);
      for (int recid = 0; recid < 4 && !ok; ++recid) {
        secp256k1_ecdsa_recoverable_signature rsig;
        secp256k1_pubkey recovered;
        if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, tx.signature.data(),
                                                                recid) != 1)
          continue;
        if (secp256k1_ecdsa_recover(ctx, &recovered, &rsig, hash.data()) != 1) continue;
        std::uint8_t out[33];
        std::size_t n = 33;
        secp256k1_ec_pubkey_serialize(ctx, out, &n, &recovered, SECP256K1_EC_COMPRESSED);
        ok = std::memcmp(out, declared33, 33) == 0;
      }
      if (ok && secp256k1_ecdsa_verify(ctx, &sig, hash.data(), &declared) != 1) ok = false;
      if (!ok) why = "signature does not recover to the declared public key";
    }
  }
  secp256k1_context_destroy(ctx);
  return ok;
}

std::optional<std::vector<std::uint8_t>> decode_address(const std::string& address) {
  static const std::string kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  const auto sep = address.rfind('1');
  if (sep == std::string::npos || sep == 0 || sep + 7 > address.size()) return std::nullopt;
  const std::string hrp = address.substr(0, sep);
  std::vector<std::uint8_t> values;
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(c >> 5));
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(c & 31));
  std::vector<std::uint8_t> data;
  for (std::size_t i = sep + 1; i < address.size(); ++i) {
    const auto p = kCharset.find(address[i]);
    if (p == std::string::npos) return std::nullopt;
    data.push_back(static_cast<std::uint8_t>(p));
  }
  values.insert(values.end(), data.begin(), data.end());
  std::uint32_t chk = 1;
  const std::uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  for (auto v : values) {
    const std::uint32_t b = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((b >> i) & 1) chk ^= gen[i];
  }
  if (chk != 1) return std::nullopt;
  data.resize(data.size() - 6);
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto v : data) {
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::vector<std::uint8_t> address_hash(const std::vector<std::uint8_t>& public_key) {
  const auto sha = digest("SHA256", public_key.data(), public_key.size());
  return digest("RIPEMD160", sha.data(), sha.size());
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() > 1 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string sha256_upper_hex(const std::string& bytes) {
  const auto h = digest("SHA256", bytes.data(), bytes.size());
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (auto b : h) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace nzeza::sim::dydx
