// Coinbase signing cost: a CDP JWT per request (ES256 randomised ECDSA P-256 and deterministic
// Ed25519), key loading, the raw OpenSSL signature alone (what the JWT assembly adds on top), and
// the REST bodies built/read around a place.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "venues/coinbase/base64url.hpp"
#include "venues/coinbase/jwt_signer.hpp"
#include "venues/coinbase/rest_codec.hpp"

namespace {

using nzeza::venues::coinbase::JwtSigner;

constexpr const char* kKeyName = "organizations/bench-org/apiKeys/bench-key";
constexpr const char* kUri = "POST api.coinbase.com/api/v3/brokerage/orders";

struct Keys {
  std::string es256_pem;
  std::string ed25519_b64;
  EVP_PKEY* es256 = nullptr;
  EVP_PKEY* ed25519 = nullptr;
  Keys() {
    es256 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    ed25519 = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(bio, es256, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    es256_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    unsigned char seed[32];
    std::size_t len = 32;
    EVP_PKEY_get_raw_private_key(ed25519, seed, &len);
    unsigned char b64[64];
    const int m = EVP_EncodeBlock(b64, seed, 32);
    ed25519_b64.assign(reinterpret_cast<char*>(b64), static_cast<std::size_t>(m));
  }
};
const Keys& keys() {
  static const Keys k;
  return k;
}

void BM_jwt_es256(benchmark::State& state) {
  auto signer = JwtSigner::create(kKeyName, keys().es256_pem).value();
  std::int64_t nbf = 1'750'000'000;
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign(kUri, ++nbf));
}
BENCHMARK(BM_jwt_es256);

void BM_jwt_ed25519(benchmark::State& state) {
  auto signer = JwtSigner::create(kKeyName, keys().ed25519_b64).value();
  std::int64_t nbf = 1'750'000'000;
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign(kUri, ++nbf));
}
BENCHMARK(BM_jwt_ed25519);

void BM_jwt_ed25519_fixed_nonce(benchmark::State& state) {
  auto signer = JwtSigner::create(kKeyName, keys().ed25519_b64).value();
  const std::string nonce(64, '0');
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign_with_nonce(kUri, 1'750'000'000, nonce));
}
BENCHMARK(BM_jwt_ed25519_fixed_nonce);

// The bare OpenSSL signatures over a JWT-sized input: the floor under the JWT.
void raw_sign(benchmark::State& state, EVP_PKEY* key, const EVP_MD* md) {
  const std::string input(260, 'e');
  unsigned char sig[80];
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = sizeof sig;
    EVP_DigestSignInit(ctx, nullptr, md, nullptr, key);
    EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
}
void BM_openssl_ecdsa_p256_raw(benchmark::State& state) {
  raw_sign(state, keys().es256, EVP_sha256());
}
BENCHMARK(BM_openssl_ecdsa_p256_raw);
void BM_openssl_ed25519_raw(benchmark::State& state) {
  raw_sign(state, keys().ed25519, nullptr);
}
BENCHMARK(BM_openssl_ed25519_raw);

void BM_key_load_es256_pem(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(JwtSigner::create(kKeyName, keys().es256_pem));
}
BENCHMARK(BM_key_load_es256_pem);

void BM_key_load_ed25519_base64(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(JwtSigner::create(kKeyName, keys().ed25519_b64));
}
BENCHMARK(BM_key_load_ed25519_base64);

void BM_base64url_encode_256(benchmark::State& state) {
  const std::string input(256, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(nzeza::venues::coinbase::base64url_encode(input));
}
BENCHMARK(BM_base64url_encode_256);

void BM_place_body(benchmark::State& state) {
  nzeza::domain::OrderSpec s;
  s.client_order_id = nzeza::ClientOrderId{nzeza::Venue::coinbase, 1, "nz-b-123456"};
  s.venue = nzeza::Venue::coinbase;
  s.side = nzeza::Side::buy;
  s.type = nzeza::domain::OrderType::limit;
  s.quantity = nzeza::Decimal::parse("0.015").value();
  s.price = nzeza::Decimal::parse("49123.45").value();
  for (auto _ : state)
    benchmark::DoNotOptimize(nzeza::venues::coinbase::order_request_body(s, "BTC-USD"));
}
BENCHMARK(BM_place_body);

void BM_parse_create_order_answer(benchmark::State& state) {
  const std::string body =
      R"({"success":true,"success_response":{"order_id":"11111111-2222-4333-8444-555555555555",)"
      R"("product_id":"BTC-USD","side":"BUY","client_order_id":"nz-b-123456"},)"
      R"("order_configuration":{"limit_limit_gtc":{"base_size":"0.015","limit_price":"49123.45",)"
      R"("post_only":false}}})";
  for (auto _ : state) benchmark::DoNotOptimize(nzeza::venues::coinbase::parse_create_order(body));
}
BENCHMARK(BM_parse_create_order_answer);

}  // namespace
BENCHMARK_MAIN();
