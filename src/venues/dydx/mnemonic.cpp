#include "venues/dydx/mnemonic.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "venues/dydx/bip39_english.hpp"

namespace nzeza::venues::dydx {
namespace {

// Splits on ASCII whitespace and lower-cases; the words are secret material the caller wipes.
std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      flush();
    } else {
      cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  flush();
  return words;
}

void wipe_words(std::vector<std::string>& words) {
  for (auto& w : words) OPENSSL_cleanse(w.data(), w.size());
  words.clear();
}

int word_index(std::string_view word) {
  const auto it = std::lower_bound(kBip39English.begin(), kBip39English.end(), word);
  if (it == kBip39English.end() || *it != word) return -1;
  return static_cast<int>(it - kBip39English.begin());
}

// Word list -> entropy bytes, checking the checksum; the words are already split.
Result<std::vector<std::uint8_t>> decode_words(const std::vector<std::string>& words) {
  const std::size_t n = words.size();
  if (n != 12 && n != 15 && n != 18 && n != 21 && n != 24)
    return fail(
        ErrorCode::invalid_argument,
        "bip39: a mnemonic has 12, 15, 18, 21 or 24 words, this one has " + std::to_string(n));
  // 11 bits per word: ENT bits of entropy then ENT/32 checksum bits.
  std::vector<std::uint8_t> bits;
  bits.reserve(n * 11);
  for (std::size_t i = 0; i < n; ++i) {
    const int idx = word_index(words[i]);
    if (idx < 0)
      return fail(ErrorCode::invalid_argument, "bip39: word " + std::to_string(i + 1) + " of " +
                                                   std::to_string(n) +
                                                   " is not in the BIP-39 English word list");
    for (int b = 10; b >= 0; --b) bits.push_back(static_cast<std::uint8_t>((idx >> b) & 1));
  }
  const std::size_t cs_bits = n * 11 / 33;
  const std::size_t ent_bits = n * 11 - cs_bits;
  std::vector<std::uint8_t> entropy(ent_bits / 8, 0);
  for (std::size_t i = 0; i < ent_bits; ++i)
    entropy[i / 8] = static_cast<std::uint8_t>(entropy[i / 8] | bits[i] << (7 - i % 8));
  const Bytes32 digest = sha256(entropy);
  for (std::size_t i = 0; i < cs_bits; ++i) {
    const int expected = (digest[i / 8] >> (7 - i % 8)) & 1;
    if (bits[ent_bits + i] != expected) {
      OPENSSL_cleanse(entropy.data(), entropy.size());
      OPENSSL_cleanse(bits.data(), bits.size());
      return fail(ErrorCode::invalid_argument,
                  "bip39: checksum mismatch (a word is mistyped or the words are out of order)");
    }
  }
  OPENSSL_cleanse(bits.data(), bits.size());
  return entropy;
}

}  // namespace

Result<std::vector<std::uint8_t>> mnemonic_to_entropy(std::string_view mnemonic) {
  auto words = split_words(mnemonic);
  auto out = decode_words(words);
  wipe_words(words);
  return out;
}

Status validate_mnemonic(std::string_view mnemonic) {
  auto entropy = mnemonic_to_entropy(mnemonic);
  if (!entropy.ok()) return entropy.error();
  OPENSSL_cleanse(entropy->data(), entropy->size());
  return {};
}

Result<std::string> normalize_mnemonic(std::string_view mnemonic) {
  auto words = split_words(mnemonic);
  auto entropy = decode_words(words);
  if (!entropy.ok()) {
    wipe_words(words);
    return entropy.error();
  }
  OPENSSL_cleanse(entropy->data(), entropy->size());
  std::string joined;
  std::size_t total = 0;
  for (const auto& w : words) total += w.size() + 1;
  joined.reserve(total);  // no reallocation: no stray copies of the secret left behind
  for (const auto& w : words) {
    if (!joined.empty()) joined.push_back(' ');
    joined += w;
  }
  wipe_words(words);
  return joined;
}

Result<std::string> entropy_to_mnemonic(std::span<const std::uint8_t> entropy) {
  const std::size_t len = entropy.size();
  if (len < 16 || len > 32 || len % 4 != 0)
    return fail(ErrorCode::invalid_argument,
                "bip39: entropy is 16, 20, 24, 28 or 32 bytes, not " + std::to_string(len));
  const Bytes32 digest = sha256(entropy);
  const std::size_t ent_bits = len * 8;
  const std::size_t total_bits = ent_bits + ent_bits / 32;
  auto bit = [&](std::size_t i) -> int {
    if (i < ent_bits) return (entropy[i / 8] >> (7 - i % 8)) & 1;
    const std::size_t j = i - ent_bits;
    return (digest[j / 8] >> (7 - j % 8)) & 1;
  };
  std::string out;
  out.reserve(total_bits / 11 * 9);
  for (std::size_t w = 0; w < total_bits / 11; ++w) {
    int idx = 0;
    for (std::size_t b = 0; b < 11; ++b) idx = idx << 1 | bit(w * 11 + b);
    if (!out.empty()) out.push_back(' ');
    out += kBip39English[static_cast<std::size_t>(idx)];
  }
  return out;
}

Result<Bytes64> mnemonic_to_seed(std::string_view mnemonic, std::string_view passphrase) {
  for (const char c : passphrase)
    if (static_cast<unsigned char>(c) >= 0x80)
      return fail(ErrorCode::invalid_argument,
                  "bip39: non-ASCII passphrase refused (NFKD normalisation is not implemented)");
  auto normalized = normalize_mnemonic(mnemonic);
  if (!normalized.ok()) return normalized.error();
  std::string salt;
  salt.reserve(8 + passphrase.size());
  salt = "mnemonic";
  salt += passphrase;
  const Bytes64 seed = pbkdf2_sha512(*normalized, salt, 2048);
  OPENSSL_cleanse(normalized->data(), normalized->size());
  OPENSSL_cleanse(salt.data(), salt.size());
  return seed;
}

}  // namespace nzeza::venues::dydx
