// Kraken signer: base64, form bodies, API-Sign against an independent one-shot OpenSSL
// computation, and the per-key nonce rules (strictly increasing across threads, clock steps).

#include "venues/kraken/sign.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

namespace nzeza::venues::kraken {
namespace {

// Our own test key (64 bytes, base64) — not Kraken's published one.
constexpr std::string_view kSecret =
    "c2VjcmV0LWtleS1mb3ItdGhlLW56ZXphLWtyYWtlbi11bml0LXRlc3RzLTY0LWJ5dGVzLWxvbmctISEhISEhIQ==";

std::string reference_sign(std::string_view secret_b64, std::string_view path,
                           std::string_view nonce, std::string_view body) {
  const std::string key = base64_decode(secret_b64).value();
  std::string np(nonce);
  np += body;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(np.data()), np.size(), digest);
  std::string msg(path);
  msg.append(reinterpret_cast<const char*>(digest), sizeof digest);
  unsigned char mac[64];
  unsigned len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

TEST(KrakenBase64, round_trips_every_length_and_padding) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    if (n > 0) {
      auto decoded = base64_decode(base64_encode(bytes));
      ASSERT_TRUE(decoded.ok()) << n;
      EXPECT_EQ(*decoded, bytes);
    }
    bytes += static_cast<char>((n * 37 + 11) & 0xff);
  }
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
}

TEST(KrakenBase64, refuses_bad_characters_length_and_misplaced_padding) {
  EXPECT_EQ(base64_decode("").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("Zm9").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("Zm 9").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("Z=9v").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("Zg==Zm9v").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(base64_decode("Z===").error().code, ErrorCode::invalid_argument);
}

TEST(KrakenForm, escapes_reserved_characters_and_keeps_order) {
  EXPECT_EQ(form_escape("XBT/USD"), "XBT%2FUSD");
  EXPECT_EQ(form_escape("a b+c&d=e"), "a+b%2Bc%26d%3De");
  EXPECT_EQ(form_escape("2026-11-24T22:00:05Z"), "2026-11-24T22%3A00%3A05Z");
  EXPECT_EQ(form_escape("Az09-._~"), "Az09-._~");
  EXPECT_EQ(form_encode({{"pair", "XXBTZUSD"}, {"type", "buy"}, {"volume", "0.5"}}),
            "pair=XXBTZUSD&type=buy&volume=0.5");
  EXPECT_EQ(form_encode({}), "");
}

TEST(KrakenApiSign, matches_an_independent_one_shot_hmac) {
  const std::string key = base64_decode(kSecret).value();
  const std::string body = "nonce=1700000000123&ordertype=market&pair=XXBTZUSD&type=sell&volume=2";
  EXPECT_EQ(api_sign(key, "/0/private/AddOrder", "1700000000123", body),
            reference_sign(kSecret, "/0/private/AddOrder", "1700000000123", body));
  // Any change of path, nonce or body changes the signature.
  const auto base = api_sign(key, "/0/private/AddOrder", "1700000000123", body);
  EXPECT_NE(base, api_sign(key, "/0/private/CancelOrder", "1700000000123", body));
  EXPECT_NE(base, api_sign(key, "/0/private/AddOrder", "1700000000124", body));
  EXPECT_NE(base, api_sign(key, "/0/private/AddOrder", "1700000000123", body + "1"));
}

TEST(KrakenKeySigner, body_starts_with_the_nonce_and_signature_verifies) {
  auto signer = KrakenKeySigner::create("key-1", kSecret).value();
  const auto req = signer->sign("/0/private/Balance", {{"asset", "ZUSD"}},
                                Timestamp::from_ms(1'700'000'000'000));
  EXPECT_EQ(req.nonce, 1'700'000'000'000u);
  EXPECT_EQ(req.body, "nonce=1700000000000&asset=ZUSD");
  EXPECT_EQ(req.api_sign, reference_sign(kSecret, "/0/private/Balance", "1700000000000", req.body));
  const auto bare = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(1'700'000'000'000));
  EXPECT_EQ(bare.body, "nonce=1700000000001");
}

TEST(KrakenKeySigner, refuses_an_empty_key_and_a_secret_that_is_not_base64) {
  EXPECT_EQ(KrakenKeySigner::create("", kSecret).error().code, ErrorCode::invalid_argument);
  auto bad = KrakenKeySigner::create("k", "not base64!");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  // The message never echoes the secret.
  EXPECT_EQ(bad.error().message.find("not base64!"), std::string::npos);
}

TEST(KrakenKeySigner, nonce_follows_the_clock_and_survives_a_step_back) {
  auto signer = KrakenKeySigner::create("key-2", kSecret).value();
  const auto a = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(5'000)).nonce;
  const auto b = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(5'000)).nonce;
  const auto c = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(9'000)).nonce;
  const auto d = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(1'000)).nonce;  // back
  EXPECT_EQ(a, 5'000u);
  EXPECT_EQ(b, 5'001u);
  EXPECT_EQ(c, 9'000u);
  EXPECT_EQ(d, 9'001u);
  signer->advance_nonce_to(20'000);
  EXPECT_EQ(signer->sign("/0/private/Balance", {}, Timestamp::from_ms(9'500)).nonce, 20'001u);
  signer->advance_nonce_to(10);  // never lowers
  EXPECT_EQ(signer->last_nonce(), 20'001u);
}

TEST(KrakenKeySigner, shared_gives_one_nonce_sequence_per_key_and_refuses_another_secret) {
  auto a = KrakenKeySigner::shared("shared-key", kSecret).value();
  auto b = KrakenKeySigner::shared("shared-key", kSecret).value();
  EXPECT_EQ(a.get(), b.get());
  auto other = KrakenKeySigner::shared("other-key", kSecret).value();
  EXPECT_NE(a.get(), other.get());
  auto clash = KrakenKeySigner::shared("shared-key", "c2Vjb25kLXNlY3JldA==");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::invalid_argument);
}

TEST(KrakenKeySigner, concurrent_signing_never_repeats_or_reorders_nonces) {
  auto signer = KrakenKeySigner::create("key-3", kSecret).value();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::vector<std::uint64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every thread pretends the clock is stuck (or stepping back): the source must still
        // hand out distinct, increasing values.
        const auto r = signer->sign("/0/private/Balance", {}, Timestamp::from_ms(1'000 - i));
        seen[static_cast<std::size_t>(t)].push_back(r.nonce);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (const auto& v : seen) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());  // strictly increasing
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.rbegin(), signer->last_nonce());
}

}  // namespace
}  // namespace nzeza::venues::kraken
