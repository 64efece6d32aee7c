// Binance signer: percent-encoding, query order, timing parameters, and HMAC values checked
// against OpenSSL's one-shot HMAC() (a different code path from the signer's EVP_MAC context).
#include "venues/binance/signer.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

namespace nzeza::venues::binance {
namespace {

std::string oneshot_hmac_hex(const std::string& key, const std::string& msg) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return to_hex(std::string(reinterpret_cast<const char*>(md), len));
}

TEST(BinancePercentEncode, keeps_unreserved_characters) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
}

TEST(BinancePercentEncode, encodes_reserved_and_space_with_upper_case_hex) {
  EXPECT_EQ(percent_encode("a b&c=d/e:f+g%"), "a%20b%26c%3Dd%2Fe%3Af%2Bg%25");
}

TEST(BinancePercentEncode, encodes_utf8_bytes_one_by_one) {
  EXPECT_EQ(percent_encode("\xEF\xBC\x91\xEF\xBC\x92"), "%EF%BC%91%EF%BC%92");
}

TEST(BinanceQueryBuilder, keeps_insertion_order_and_encodes_values) {
  QueryBuilder q;
  q.add("symbol", "BTCUSDT").add("newClientOrderId", "nz-ab-12/x").add("orderId", 42);
  EXPECT_EQ(q.str(), "symbol=BTCUSDT&newClientOrderId=nz-ab-12%2Fx&orderId=42");
}

TEST(BinanceQueryBuilder, encodes_json_array_parameter) {
  QueryBuilder q;
  q.add("symbols", R"(["BTCUSDT","ETHUSDT"])");
  EXPECT_EQ(q.str(), "symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D");
}

TEST(BinanceWithTiming, appends_recv_window_then_timestamp) {
  auto q = with_timing("symbol=BTCUSDT", 1700000000123, 5000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, "symbol=BTCUSDT&recvWindow=5000&timestamp=1700000000123");
}

TEST(BinanceWithTiming, empty_query_has_no_leading_ampersand) {
  auto q = with_timing("", 1700000000123, 60000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, "recvWindow=60000&timestamp=1700000000123");
}

TEST(BinanceWithTiming, refuses_recv_window_outside_documented_range) {
  EXPECT_EQ(with_timing("", 1, 0).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(with_timing("", 1, 60001).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(with_timing("", 0, 5000).error().code, ErrorCode::invalid_argument);
}

TEST(BinanceSigner, refuses_an_empty_secret) {
  auto s = HmacSha256Signer::create("");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
}

TEST(BinanceSigner, matches_rfc4231_case_2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  auto s = HmacSha256Signer::create("Jefe");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->sign("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(BinanceSigner, signs_the_empty_payload) {
  auto s = HmacSha256Signer::create("k");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->sign(""), oneshot_hmac_hex("k", ""));
}

TEST(BinanceSigner, signed_query_signs_query_and_body_concatenated) {
  auto s = HmacSha256Signer::create("my-own-secret");
  ASSERT_TRUE(s.ok());
  auto q = signed_query(*s, "symbol=ETHUSDT&side=SELL", "quantity=2", 1700000000000, 3000);
  ASSERT_TRUE(q.ok());
  const std::string unsigned_part =
      "symbol=ETHUSDT&side=SELL&recvWindow=3000&timestamp=1700000000000";
  EXPECT_EQ(*q, unsigned_part + "&signature=" +
                    oneshot_hmac_hex("my-own-secret", unsigned_part + "quantity=2"));
}

TEST(BinanceSigner, moved_signer_still_signs) {
  auto s = HmacSha256Signer::create("abc");
  ASSERT_TRUE(s.ok());
  HmacSha256Signer moved = std::move(*s);
  EXPECT_EQ(*moved.sign("x"), oneshot_hmac_hex("abc", "x"));
}

TEST(BinanceSigner, concurrent_signatures_agree) {
  auto s = HmacSha256Signer::create("shared-secret");
  ASSERT_TRUE(s.ok());
  const std::string expected = oneshot_hmac_hex("shared-secret", "payload");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i)
        if (*s->sign("payload") != expected) ++mismatches;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(BinanceWsApiPayload, sorts_by_key_and_keeps_values_verbatim) {
  EXPECT_EQ(wsapi_payload({{"timestamp", "1"}, {"apiKey", "K"}, {"symbol", "１"}}),
            "apiKey=K&symbol=１&timestamp=1");
}

RC_GTEST_PROP(BinanceSignerProperty, equals_openssl_oneshot_hmac,
              (std::string key, std::string msg)) {
  RC_PRE(!key.empty());
  auto s = HmacSha256Signer::create(key);
  RC_ASSERT(s.ok());
  RC_ASSERT(*s->sign(msg) == oneshot_hmac_hex(key, msg));
}

RC_GTEST_PROP(BinancePercentEncodeProperty, output_is_only_unreserved_or_escapes,
              (std::string text)) {
  const std::string enc = percent_encode(text);
  std::string decoded;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    const char c = enc[i];
    if (c == '%') {
      RC_ASSERT(i + 2 < enc.size() + 0);
      decoded.push_back(static_cast<char>(std::stoi(enc.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      RC_ASSERT(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
                c == '~');
      decoded.push_back(c);
    }
  }
  RC_ASSERT(decoded == text);
}

}  // namespace
}  // namespace nzeza::venues::binance
