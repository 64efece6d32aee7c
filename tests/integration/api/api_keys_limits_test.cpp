// KeyStore and RequestLimiter on their own: the key file's rules and the token bucket's
// arithmetic, on a temp directory and a ManualClock.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "api/key_store.hpp"
#include "api/request_limiter.hpp"
#include "support/temp_dir.hpp"

namespace nzeza::api {
namespace {

const Timestamp kNow = Timestamp::from_seconds(1'767'225'600);

TEST(ApiKeyStore, an_added_key_authenticates_with_its_scope_and_a_revoked_one_never_does) {
  testsupport::TempDir dir("nzeza-keys");
  KeyStore store(key_file_path(dir.path()));
  auto a = store.add(Scope::admin, "ops", kNow);
  auto b = store.add(Scope::read, "", kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key, b->key);
  EXPECT_NE(a->info.id, b->info.id);

  KeyStore server(key_file_path(dir.path()));
  ASSERT_TRUE(server.reload_if_changed().ok());
  const auto who = server.authenticate(a->key);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->scope, Scope::admin);
  EXPECT_EQ(who->name, "ops");
  EXPECT_FALSE(server.authenticate(a->key + "0").has_value());
  EXPECT_FALSE(server.authenticate("").has_value());

  ASSERT_EQ(*store.revoke(a->info.id), 1u);
  ASSERT_TRUE(server.reload_if_changed().ok());
  EXPECT_FALSE(server.authenticate(a->key).has_value());
  EXPECT_TRUE(server.authenticate(b->key).has_value());
  const auto listed = store.list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_TRUE((*listed)[0].revoked);
  EXPECT_FALSE((*listed)[1].revoked);
}

TEST(ApiKeyStore, a_bad_name_a_loose_file_and_a_corrupt_line_are_refused_with_what_and_where) {
  testsupport::TempDir dir("nzeza-keys");
  KeyStore store(key_file_path(dir.path()));
  EXPECT_EQ(store.add(Scope::read, "a\tb", kNow).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store.add(Scope::read, std::string(65, 'n'), kNow).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(store.revoke("nobody").error().code, ErrorCode::not_found);

  ASSERT_TRUE(store.add(Scope::read, "ok", kNow).ok());
  struct stat st {};
  ASSERT_EQ(::stat(store.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  { std::ofstream(store.path(), std::ios::app) << "zz\tread\tx\tnothex\t0\t0\n"; }
  const auto corrupt = store.list();
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, ErrorCode::parse_error);
  EXPECT_NE(corrupt.error().message.find("line 2"), std::string::npos) << corrupt.error().message;

  // A server keeps the keys it had when the file turns bad.
  KeyStore server(store.path());
  ::chmod(store.path().c_str(), 0640);
  const auto loose = server.reload_if_changed();
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.error().message.find("0640"), std::string::npos) << loose.error().message;
}

TEST(ApiRequestLimiter, a_burst_then_one_per_refill_and_the_wait_says_when) {
  ManualClock clock(kNow);
  RequestLimiter limiter(clock, {2, 4});  // 2 at once, one every 250 ms
  EXPECT_FALSE(limiter.take("a").has_value());
  EXPECT_FALSE(limiter.take("a").has_value());
  const auto wait = limiter.take("a");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, std::chrono::milliseconds(250));
  EXPECT_FALSE(limiter.take("b").has_value()) << "another caller has its own bucket";
  clock.advance(std::chrono::milliseconds(250));
  EXPECT_FALSE(limiter.take("a").has_value());
  EXPECT_TRUE(limiter.take("a").has_value());
}

TEST(ApiRequestLimiter, a_flood_of_callers_never_grows_the_table_past_its_bound_once_refilled) {
  ManualClock clock(kNow);
  RequestLimiter limiter(clock, {5, 5}, 100);
  for (int i = 0; i < 100; ++i) (void)limiter.take("10.0.0." + std::to_string(i));
  EXPECT_EQ(limiter.callers(), 100u);
  clock.advance(std::chrono::seconds(1));  // every bucket full again: forgettable
  for (int i = 100; i < 150; ++i) (void)limiter.take("10.0.1." + std::to_string(i));
  EXPECT_LE(limiter.callers(), 100u);
}

}  // namespace
}  // namespace nzeza::api
