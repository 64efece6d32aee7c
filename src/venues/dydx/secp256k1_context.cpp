#include "venues/dydx/secp256k1_context.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>

#include <array>
#include <cstdint>

namespace nzeza::venues::dydx {

const secp256k1_context* secp256k1_ctx() {
  static const secp256k1_context* const ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<std::uint8_t, 32> seed{};
    // Blinding only: without it (no entropy, or a failed call) signing is still correct.
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
      const int randomized = secp256k1_context_randomize(c, seed.data());
      static_cast<void>(randomized);
    }
    OPENSSL_cleanse(seed.data(), seed.size());
    return c;
  }();
  return ctx;
}

}  // namespace nzeza::venues::dydx
