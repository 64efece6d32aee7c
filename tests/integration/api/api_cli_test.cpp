// The real `nzeza` binary: `nzeza keys add/list/revoke` on a data directory, and `nzeza run`
// serving the operator API with those keys — with no key in anything the run prints.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "integration/api/prometheus_check.hpp"
#include "integration/api/raw_http.hpp"
#include "integration/api/stream_client.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace nzeza::api::test {
namespace {

using testsupport::run_program;

// The key (first line of `keys add`), checked for its form.
std::string added_key(const testsupport::RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string first = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(first.size() == 68 && first.rfind("nzk_", 0) == 0 &&
              first.find_first_not_of("0123456789abcdef", 4) == std::string::npos)
      << r.out;
  return first;
}

// A port free now on loopback (the kernel's choice), for a config that needs a fixed one.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ApiKeysCli, keys_add_prints_the_key_once_and_stores_only_its_hash_owner_only) {
  testsupport::TempDir dir("nzeza-keys-cli");
  const auto r = run_program(
      {NZEZA_BINARY, "keys", "add", "--scope", "trade", "--name", "desk", "--data-dir", dir.str()});
  const std::string key = added_key(r);
  const std::string file = dir.str() + "/api_keys";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(file);
  const std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(stored.find(key.substr(4)), std::string::npos) << "the key itself is never stored";
  EXPECT_NE(stored.find("\ttrade\tdesk\t"), std::string::npos) << stored;

  const auto list = run_program({NZEZA_BINARY, "keys", "list", "--data-dir", dir.str()});
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("trade  desk"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("active"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(key.substr(4, 16)), std::string::npos) << "list never shows a key";
}

TEST(ApiKeysCli, keys_revoke_marks_the_key_revoked_and_bad_usage_exits_non_zero) {
  testsupport::TempDir dir("nzeza-keys-cli");
  (void)added_key(run_program({NZEZA_BINARY, "keys", "add", "--scope", "read", "--name", "viewer",
                               "--data-dir", dir.str()}));
  const auto revoke =
      run_program({NZEZA_BINARY, "keys", "revoke", "viewer", "--data-dir", dir.str()});
  EXPECT_EQ(revoke.status, 0) << revoke.err;
  EXPECT_NE(revoke.out.find("revoked 1 key"), std::string::npos) << revoke.out;
  const auto list = run_program({NZEZA_BINARY, "keys", "list", "--data-dir", dir.str()});
  EXPECT_NE(list.out.find("revoked"), std::string::npos) << list.out;

  const auto again =
      run_program({NZEZA_BINARY, "keys", "revoke", "viewer", "--data-dir", dir.str()});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("no active key"), std::string::npos) << again.err;
  const auto bad_scope =
      run_program({NZEZA_BINARY, "keys", "add", "--scope", "root", "--data-dir", dir.str()});
  EXPECT_EQ(bad_scope.status, 2);
  EXPECT_NE(bad_scope.err.find("read, trade or admin"), std::string::npos) << bad_scope.err;

  // A key file others may read is refused, naming its mode.
  ::chmod((dir.str() + "/api_keys").c_str(), 0644);
  const auto loose = run_program({NZEZA_BINARY, "keys", "list", "--data-dir", dir.str()});
  EXPECT_EQ(loose.status, 1);
  EXPECT_NE(loose.err.find("0644"), std::string::npos) << loose.err;
}

TEST(ApiRunCli, nzeza_run_serves_the_api_with_cli_keys_and_prints_no_key) {
  testsupport::TempDir dir("nzeza-api-run");
  const std::string read = added_key(
      run_program({NZEZA_BINARY, "keys", "add", "--scope", "read", "--data-dir", dir.str()}));
  const std::string admin = added_key(run_program(
      {NZEZA_BINARY, "keys", "add", "--scope", "admin", "--name", "ops", "--data-dir", dir.str()}));
  const std::uint16_t port = free_port();
  const std::string config = dir.str() + "/api.toml";
  std::ofstream(config) << "data_dir = \"" << dir.str() << "\"\n[api]\nport = " << port << "\n";

  testsupport::Subprocess run(
      {NZEZA_BINARY, "run", "--config", config, "--duration", "60", "--json"});
  std::string printed;
  bool serving = false;
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  while (auto line = run.read_line(std::chrono::seconds(20))) {
    printed += *line + "\n";
    if (line->find("operator API on " + url) != std::string::npos) {
      serving = true;
      break;
    }
  }
  ASSERT_TRUE(serving) << printed << run.all_stderr();

  EXPECT_EQ(http_request(port, "GET", "/api/v1/health")->status, 200u);
  EXPECT_EQ(http_request(port, "GET", "/api/v1/positions")->status, 401u);
  const auto positions = http_request(port, "GET", "/api/v1/positions", read);
  ASSERT_TRUE(positions);
  EXPECT_EQ(positions->status, 200u) << positions->body;
  EXPECT_EQ(http_request(port, "POST", "/api/v1/kill-switch", read, R"({"engage":true})")->status,
            403u);
  const auto engaged =
      http_request(port, "POST", "/api/v1/kill-switch", admin, R"({"engage":true})");
  ASSERT_TRUE(engaged);
  EXPECT_EQ(engaged->status, 200u) << engaged->body;
  std::string bodies = positions->body + engaged->body;

  run.terminate();
  const auto status = run.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << run.all_stderr();
  printed += run.rest_of_stdout() + run.all_stderr();
  EXPECT_NE(printed.find("kill switch engaged"), std::string::npos) << printed;
  for (const auto& key : {read, admin}) {
    EXPECT_EQ(printed.find(key.substr(4, 24)), std::string::npos) << "a key was printed";
    EXPECT_EQ(bodies.find(key.substr(4, 24)), std::string::npos) << "a key was answered";
  }
}

// `nzeza run --json` on `dir` with the API on `port`, read until it says the API serves.
struct ServingRun {
  std::unique_ptr<testsupport::Subprocess> run;
  std::string printed;  // what it printed up to then
  bool serving = false;
};
ServingRun start_run_serving_api(const testsupport::TempDir& dir, std::uint16_t port) {
  const std::string config = dir.str() + "/api.toml";
  std::ofstream(config) << "data_dir = \"" << dir.str() << "\"\n[api]\nport = " << port << "\n";
  ServingRun out;
  out.run = std::make_unique<testsupport::Subprocess>(std::vector<std::string>{
      NZEZA_BINARY, "run", "--config", config, "--duration", "60", "--json"});
  while (auto line = out.run->read_line(std::chrono::seconds(20))) {
    out.printed += *line + "\n";
    if (line->find("operator API on ") != std::string::npos) {
      out.serving = true;
      break;
    }
  }
  return out;
}

TEST(ApiRunCli, nzeza_run_serves_metrics_that_pass_promtool_with_the_loopback_feed_counted) {
  testsupport::TempDir dir("nzeza-api-metrics");
  const std::string read =
      added_key(run_program({NZEZA_BINARY, "keys", "add", "--scope", "read", "--name", "prometheus",
                             "--data-dir", dir.str()}));
  const std::uint16_t port = free_port();
  auto started = start_run_serving_api(dir, port);
  ASSERT_TRUE(started.serving) << started.printed << started.run->all_stderr();
  testsupport::Subprocess& run = *started.run;

  // The simulated market reaches the shards over a loopback WebSocket, read by a real feed
  // session: its frames and decoded events are counted under the feed's name.
  const std::string feed = "{feed=\"coinbase (simulated, loopback)\"}";
  std::string text;
  const bool counted = testsupport::wait_until(
      [&] {
        const auto r = http_request(port, "GET", "/metrics", read);
        if (!r || r->status != 200) return false;
        text = r->body;
        // Counted and connected: the state flips after the first events (warm-up) arrive.
        const auto v = sample(text, "nzeza_feed_events_total" + feed);
        return v && *v != "0" && sample(text, "nzeza_feed_up" + feed) == "1";
      },
      std::chrono::seconds(20));
  EXPECT_TRUE(counted) << text;
  const auto checked = promtool_check(text);
  EXPECT_EQ(checked.status, 0) << checked.out << checked.err << "\n--- scrape ---\n" << text;
  EXPECT_EQ(sample(text, "nzeza_feed_up" + feed), "1") << text;
  EXPECT_EQ(sample(text, "nzeza_feed_decode_errors_total" + feed), "0") << text;
  EXPECT_TRUE(sample(text, "nzeza_info{mode=\"paper (simulated market)\"}")) << text;
  // The same connected feed makes the server ready.
  const auto ready = http_request(port, "GET", "/api/v1/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200u) << ready->body;

  run.terminate();
  const auto status = run.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << run.all_stderr();
}

TEST(ApiRunCli, nzeza_run_streams_moving_prices_to_an_authenticated_websocket_client) {
  testsupport::TempDir dir("nzeza-api-stream");
  const std::string read = added_key(
      run_program({NZEZA_BINARY, "keys", "add", "--scope", "read", "--data-dir", dir.str()}));
  const std::uint16_t port = free_port();
  auto started = start_run_serving_api(dir, port);
  ASSERT_TRUE(started.serving) << started.printed << started.run->all_stderr();
  testsupport::Subprocess& run = *started.run;

  std::string why;
  auto c = StreamTestClient::open(port, {}, &why);
  ASSERT_TRUE(c) << why;
  ASSERT_TRUE(c->send(R"({"op":"auth","token":")" + read + R"("})"));
  const auto authed = c->read(std::chrono::seconds(10));
  ASSERT_TRUE(authed);
  EXPECT_NE(authed->find(R"("scope":"read")"), std::string::npos) << *authed;
  ASSERT_TRUE(c->send(R"({"op":"subscribe","topics":["prices","metrics"]})"));
  // Two different references of one symbol: the simulated market moves and the stream follows.
  std::map<std::string, std::set<std::string>> references;
  bool moved = false;
  bool metrics = false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((!moved || !metrics) && std::chrono::steady_clock::now() < give_up) {
    auto text = c->read(std::chrono::seconds(5));
    if (!text) break;
    boost::system::error_code ec;
    const auto v = boost::json::parse(*text, ec);
    ASSERT_FALSE(ec) << *text;
    if (v.at("type") != "event") continue;
    if (v.at("topic") == "metrics") metrics = true;
    if (v.at("topic") != "prices" || !v.at("data").at("reference").is_string()) continue;
    auto& seen = references[std::string(v.at("data").at("symbol").as_string())];
    seen.insert(std::string(v.at("data").at("reference").as_string()));
    moved = moved || seen.size() >= 2;
  }
  EXPECT_TRUE(moved) << "no symbol's reference moved on the stream";
  EXPECT_TRUE(metrics) << "no metrics summary on the stream";

  run.terminate();
  const auto status = run.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << run.all_stderr();
  const std::string printed = started.printed + run.rest_of_stdout() + run.all_stderr();
  EXPECT_EQ(printed.find(read.substr(4, 24)), std::string::npos) << "a key was printed";
}

}  // namespace
}  // namespace nzeza::api::test
