// Credentials: environment first, then an owner-only file; loose files refused; secrets masked.
#include "venues/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace nzeza::venues {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nzeza-creds-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    ::unsetenv("NZEZA_TESTVENUE_API_KEY");
    ::unsetenv("NZEZA_TESTVENUE_API_SECRET");
    ::unsetenv("NZEZA_TESTVENUE_CREDENTIALS_FILE");
  }
  void TearDown() override {
    ::unsetenv("NZEZA_TESTVENUE_API_KEY");
    ::unsetenv("NZEZA_TESTVENUE_API_SECRET");
    ::unsetenv("NZEZA_TESTVENUE_CREDENTIALS_FILE");
    fs::remove_all(dir_);
  }
  fs::path write(const std::string& name, const std::string& text, unsigned mode) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
  fs::path dir_;
};

TEST_F(CredentialsTest, env_name_is_upper_case_with_prefix) {
  EXPECT_EQ(Credentials::env_name("binance", "api_key"), "NZEZA_BINANCE_API_KEY");
}

TEST_F(CredentialsTest, reads_required_fields_from_environment) {
  ::setenv("NZEZA_TESTVENUE_API_KEY", "key-from-env", 1);
  ::setenv("NZEZA_TESTVENUE_API_SECRET", "secret-from-env", 1);
  auto creds = Credentials::load("testvenue", {"api_key", "api_secret"});
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->get("api_key").value(), "key-from-env");
  EXPECT_EQ(creds->get("api_secret").value(), "secret-from-env");
}

TEST_F(CredentialsTest, missing_field_names_variable_and_file) {
  ::setenv("NZEZA_TESTVENUE_API_KEY", "k", 1);
  auto creds = Credentials::load("testvenue", {"api_key", "api_secret"});
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code, ErrorCode::not_found);
  EXPECT_NE(creds.error().message.find("NZEZA_TESTVENUE_API_SECRET"), std::string::npos);
  EXPECT_NE(creds.error().message.find("NZEZA_TESTVENUE_CREDENTIALS_FILE"), std::string::npos);
}

TEST_F(CredentialsTest, reads_owner_only_file_with_comments_quotes_and_pem_newlines) {
  const auto path =
      write("c.conf", "# my keys\n\napi_key = abcdefghij\napi_secret = \"line1\\nline2\"\n", 0600);
  CredentialOptions opt;
  opt.file = path;
  auto creds = Credentials::load("testvenue", {"api_key", "api_secret"}, {}, opt);
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->get("api_key").value(), "abcdefghij");
  EXPECT_EQ(creds->get("api_secret").value(), "line1\nline2");
}

TEST_F(CredentialsTest, file_named_by_environment_variable_is_used) {
  const auto path = write("c.conf", "api_key = from-file\n", 0400);
  ::setenv("NZEZA_TESTVENUE_CREDENTIALS_FILE", path.c_str(), 1);
  auto creds = Credentials::load("testvenue", {"api_key"});
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->get("api_key").value(), "from-file");
}

TEST_F(CredentialsTest, environment_wins_over_file) {
  const auto path = write("c.conf", "api_key = from-file\n", 0600);
  ::setenv("NZEZA_TESTVENUE_API_KEY", "from-env", 1);
  CredentialOptions opt;
  opt.file = path;
  auto creds = Credentials::load("testvenue", {"api_key"}, {}, opt);
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->get("api_key").value(), "from-env");
}

TEST_F(CredentialsTest, group_readable_file_is_refused_with_mode_and_fix) {
  const auto path = write("loose.conf", "api_key = k\n", 0640);
  CredentialOptions opt;
  opt.file = path;
  auto creds = Credentials::load("testvenue", {"api_key"}, {}, opt);
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(creds.error().message.find("0640"), std::string::npos) << creds.error().message;
  EXPECT_NE(creds.error().message.find("chmod 600"), std::string::npos);
}

TEST_F(CredentialsTest, world_readable_file_is_refused_even_when_env_has_the_field) {
  const auto path = write("loose.conf", "api_key = k\n", 0644);
  ::setenv("NZEZA_TESTVENUE_API_KEY", "from-env", 1);
  CredentialOptions opt;
  opt.file = path;
  EXPECT_FALSE(Credentials::load("testvenue", {"api_key"}, {}, opt).ok());
}

TEST_F(CredentialsTest, missing_file_and_directory_are_errors) {
  CredentialOptions opt;
  opt.file = dir_ / "absent.conf";
  auto a = Credentials::load("testvenue", {"api_key"}, {}, opt);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("does not exist"), std::string::npos);
  opt.file = dir_;
  auto b = Credentials::load("testvenue", {"api_key"}, {}, opt);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("not a regular file"), std::string::npos);
}

TEST_F(CredentialsTest, malformed_line_reports_line_number_without_content) {
  const auto path = write("bad.conf", "api_key = k\nthis-has-no-equals-sign-SECRET\n", 0600);
  CredentialOptions opt;
  opt.file = path;
  auto creds = Credentials::load("testvenue", {"api_key"}, {}, opt);
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.error().message.find("line 2"), std::string::npos);
  EXPECT_EQ(creds.error().message.find("SECRET"), std::string::npos);
}

TEST_F(CredentialsTest, optional_fields_may_be_absent) {
  ::setenv("NZEZA_TESTVENUE_API_KEY", "k", 1);
  auto creds = Credentials::load("testvenue", {"api_key"}, {"api_secret"});
  ASSERT_TRUE(creds.ok());
  EXPECT_FALSE(creds->has("api_secret"));
  EXPECT_FALSE(creds->get("api_secret").ok());
}

TEST_F(CredentialsTest, environment_can_be_ignored) {
  ::setenv("NZEZA_TESTVENUE_API_KEY", "from-env", 1);
  CredentialOptions opt;
  opt.use_environment = false;
  EXPECT_FALSE(Credentials::load("testvenue", {"api_key"}, {}, opt).ok());
}

TEST_F(CredentialsTest, env_prefix_replaces_the_venue_variable_names) {
  EXPECT_EQ(Credentials::env_name("binance", "api_key", "ACME_MAIN"), "ACME_MAIN_API_KEY");
  ::setenv("ACME_MAIN_API_KEY", "key-under-prefix", 1);
  ::setenv("ACME_MAIN_API_SECRET", "secret-under-prefix", 1);
  ::setenv("NZEZA_TESTVENUE_API_KEY", "key-under-default-name", 1);
  CredentialOptions opt;
  opt.env_prefix = "ACME_MAIN";
  auto creds = Credentials::load("testvenue", {"api_key", "api_secret"}, {}, opt);
  ::unsetenv("ACME_MAIN_API_KEY");
  ::unsetenv("ACME_MAIN_API_SECRET");
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->get("api_key").value(), "key-under-prefix");
  EXPECT_EQ(creds->get("api_secret").value(), "secret-under-prefix");
}

TEST_F(CredentialsTest, env_prefix_ignores_the_default_names_and_says_which_it_read) {
  ::setenv("NZEZA_TESTVENUE_API_KEY", "key-under-default-name", 1);
  CredentialOptions opt;
  opt.env_prefix = "ACME_MAIN";
  auto creds = Credentials::load("testvenue", {"api_key"}, {"api_secret"}, opt);
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.error().message.find("ACME_MAIN_API_KEY"), std::string::npos)
      << creds.error().message;
  EXPECT_NE(creds.error().message.find("ACME_MAIN_CREDENTIALS_FILE"), std::string::npos)
      << creds.error().message;
  EXPECT_EQ(creds.error().message.find("key-under-default-name"), std::string::npos);
}

TEST_F(CredentialsTest, env_prefix_names_the_credentials_file_variable) {
  const auto path = write("prefixed.key", "api_key = from-file\n", 0600);
  ::setenv("ACME_MAIN_CREDENTIALS_FILE", path.c_str(), 1);
  CredentialOptions opt;
  opt.env_prefix = "ACME_MAIN";
  auto creds = Credentials::load("testvenue", {"api_key"}, {"api_secret"}, opt);
  ::unsetenv("ACME_MAIN_CREDENTIALS_FILE");
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->get("api_key").value(), "from-file");
  auto absent = creds->get("api_secret");
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.error().message.find("ACME_MAIN_API_SECRET"), std::string::npos)
      << absent.error().message;
}

TEST(Secret, masked_shows_at_most_four_characters) {
  EXPECT_EQ(Secret("abcdefghijklmnop").masked(), "abcd…");
  EXPECT_EQ(Secret("short").masked(), "…");
  EXPECT_EQ(Secret("12345678").masked(), "…");
}

TEST(Secret, move_leaves_source_empty) {
  Secret a("value-123456789");
  Secret b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(b.reveal(), "value-123456789");
  Secret c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.reveal(), "value-123456789");
}

TEST(Secret, wipe_string_zeroes_and_clears) {
  std::string s = "sensitive";
  wipe_string(s);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace nzeza::venues
