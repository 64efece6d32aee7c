// Kraken private-request signing cost: what one AddOrder costs before it leaves.
//   KrakenKeySigner::sign  nonce + form body + SHA256 + HMAC-SHA512 (keyed context reused) + base64
//   api_sign one-shot      the same without the cached key (new EVP_MAC context per call)
//   openssl_hmac_baseline  OpenSSL's one-shot SHA256() + HMAC() + EVP_EncodeBlock: the floor
//   form_encode            the body alone (8 AddOrder fields)
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <string>

#include "venues/kraken/sign.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::kraken;

constexpr const char* kSecret =
    "bnplemEga3Jha2VuIGludGVncmF0aW9uIHNlY3JldCAtIDY0IGJ5dGVzIG9mIGtleSBtYXRlcmlhbCEhISEhIQ==";

FormParams add_order_params() {
  return {{"ordertype", "limit"},
          {"type", "buy"},
          {"volume", "0.01500000"},
          {"pair", "XXBTZUSD"},
          {"price", "41000.5"},
          {"timeinforce", "GTC"},
          {"cl_ord_id", "nt1000000000abc"},
          {"deadline", "2026-11-24T22:00:05Z"}};
}

void BM_KeySignerSign(benchmark::State& state) {
  auto signer = KrakenKeySigner::create("bench-key", kSecret).value();
  const FormParams params = add_order_params();
  std::int64_t ms = 1'700'000'000'000;
  for (auto _ : state) {
    auto r = signer->sign("/0/private/AddOrder", params, Timestamp::from_ms(++ms));
    benchmark::DoNotOptimize(r.api_sign.data());
  }
}
BENCHMARK(BM_KeySignerSign);

void BM_ApiSignOneShot(benchmark::State& state) {
  const std::string key = base64_decode(kSecret).value();
  const std::string body = "nonce=1700000000001&" + form_encode(add_order_params());
  for (auto _ : state) {
    auto s = api_sign(key, "/0/private/AddOrder", "1700000000001", body);
    benchmark::DoNotOptimize(s.data());
  }
}
BENCHMARK(BM_ApiSignOneShot);

void BM_OpenSslHmacBaseline(benchmark::State& state) {
  const std::string key = base64_decode(kSecret).value();
  const std::string body = "nonce=1700000000001&" + form_encode(add_order_params());
  const std::string path = "/0/private/AddOrder";
  for (auto _ : state) {
    const std::string np = "1700000000001" + body;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(np.data()), np.size(), digest);
    std::string msg = path;
    msg.append(reinterpret_cast<const char*>(digest), sizeof digest);
    unsigned char mac[64];
    unsigned len = 0;
    HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
    unsigned char out[100];
    EVP_EncodeBlock(out, mac, static_cast<int>(len));
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_OpenSslHmacBaseline);

void BM_FormEncode(benchmark::State& state) {
  const FormParams params = add_order_params();
  for (auto _ : state) {
    auto s = form_encode(params);
    benchmark::DoNotOptimize(s.data());
  }
}
BENCHMARK(BM_FormEncode);

}  // namespace
BENCHMARK_MAIN();
