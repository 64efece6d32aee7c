// GET /api/v1/prices is rendered once per market change (src/api/response_cache.hpp): a cached
// answer never hides a price that moved.
#include <gtest/gtest.h>

#include <string>

#include "integration/api/api_harness.hpp"

namespace nzeza::api::test {
namespace {

std::string reference_of(const std::optional<RawResponse>& r) {
  EXPECT_TRUE(r.has_value());
  if (!r) return {};
  EXPECT_EQ(r->status, 200u) << r->body;
  const auto prices = parse_json(r->body).at("prices").as_array();
  EXPECT_EQ(prices.size(), 1u) << r->body;
  if (prices.empty() || !prices[0].at("reference").is_string()) return {};
  return std::string(prices[0].at("reference").as_string());
}

TEST(ApiPrices, a_new_quote_shows_at_once_even_right_after_a_cached_answer) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string read = h.add_key(Scope::read);
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  const std::string first = reference_of(h.get("/api/v1/prices", read));
  EXPECT_EQ(first.substr(0, 5), "50000") << first;
  // Asked again at the same clock time and market version: the same answer.
  EXPECT_EQ(reference_of(h.get("/api/v1/prices", read)), first);

  // The clock has not moved, so only the market version can tell the cache the price moved.
  h.quote("BTC-USD", "51000", "51001");
  ASSERT_TRUE(h.wait_for([&] {
    for (const auto& s : h.status().symbols)
      if (s.symbol == "BTC-USD" && s.reference && s.reference->to_string().starts_with("51000"))
        return true;
    return false;
  }));
  const std::string moved = reference_of(h.get("/api/v1/prices", read));
  EXPECT_EQ(moved.substr(0, 5), "51000") << moved;
}

}  // namespace
}  // namespace nzeza::api::test
