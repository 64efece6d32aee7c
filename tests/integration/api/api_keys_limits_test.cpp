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

TEST(ApiKeyStore, the_request_path_refuses_a_key_revoked_on_disk_within_1_s_not_on_every_request) {
  testsupport::TempDir dir("nzeza-keys");
  KeyStore cli(key_file_path(dir.path()));
  auto a = cli.add(Scope::read, "viewer", kNow);
  ASSERT_TRUE(a.ok());
  KeyStore server(key_file_path(dir.path()));
  auto first = server.authenticate_current(a->key, kNow);
  EXPECT_TRUE(first.reload.ok());
  ASSERT_TRUE(first.key.has_value());
  EXPECT_EQ(first.key->name, "viewer");

  ASSERT_EQ(*cli.revoke("viewer"), 1u);
  // Within the second the file is not looked at: the loaded keys answer (no stat, no parse).
  const auto within = server.authenticate_current(a->key, kNow + std::chrono::milliseconds(999));
  EXPECT_TRUE(within.key.has_value());
  // A second after the last look, the revocation is read and the key refused.
  const auto after = server.authenticate_current(a->key, kNow + KeyStore::kRecheck);
  EXPECT_TRUE(after.reload.ok());
  EXPECT_FALSE(after.key.has_value());
  EXPECT_FALSE(server.authenticate_current(a->key, kNow + std::chrono::seconds(5)).key);
}

TEST(ApiKeyStore, a_key_added_on_disk_is_accepted_by_the_request_path_on_its_first_request) {
  testsupport::TempDir dir("nzeza-keys");
  KeyStore cli(key_file_path(dir.path()));
  auto a = cli.add(Scope::read, "first", kNow);
  ASSERT_TRUE(a.ok());
  KeyStore server(key_file_path(dir.path()));
  ASSERT_TRUE(server.authenticate_current(a->key, kNow).key.has_value());

  // Added after the server's last look, presented in the same second: an unknown token makes the
  // server look again at once.
  auto b = cli.add(Scope::trade, "second", kNow);
  ASSERT_TRUE(b.ok());
  const auto got = server.authenticate_current(b->key, kNow);
  ASSERT_TRUE(got.key.has_value());
  EXPECT_EQ(got.key->scope, Scope::trade);
  EXPECT_FALSE(server.authenticate_current(b->key + "0", kNow).key.has_value());
  EXPECT_FALSE(server.authenticate_current("", kNow).key.has_value());
}

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
