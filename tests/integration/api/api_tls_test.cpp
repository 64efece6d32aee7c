// The API over TLS when [api] cert_file and key_file are set: a real HTTPS client (net's
// HttpClient, verifying the chain and the host) against the server with a test PKI's certificate.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/api/api_harness.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "support/test_pki.hpp"

namespace nzeza::api::test {
namespace {

TEST(ApiTls, a_configured_certificate_serves_https_and_keys_work_over_it) {
  const auto& pki = testsupport::TestPki::shared();
  testsupport::TempDir certs("nzeza-api-tls");
  const std::string cert = certs.str() + "/server.pem";
  const std::string key = certs.str() + "/server.key";
  std::ofstream(cert) << pki.server_cert_pem();
  std::ofstream(key) << pki.server_key_pem();
  app::Config c = scripted_config();
  c.api.cert_file = cert;
  c.api.key_file = key;
  ApiHarness h({}, c);
  ASSERT_TRUE(h.api);
  EXPECT_TRUE(h.api->server().tls());
  EXPECT_EQ(h.api->url().substr(0, 8), "https://");
  const std::string read = h.add_key(Scope::read);

  net::NetContext net;
  net.start();
  SystemClock clock;
  net::HttpClientConfig hc;
  hc.tls.use_system_cas = false;
  hc.tls.extra_ca_file = pki.ca_file();
  net::HttpClient client(net, clock, hc);
  const std::string base = "https://127.0.0.1:" + std::to_string(h.port());
  auto config = client.request_blocking(
      {"GET", base + "/api/v1/config", {{"Authorization", "Bearer " + read}}, "", {}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->status, 200u) << config->body;
  const auto v = parse_json(config->body);
  EXPECT_TRUE(v.at("api").at("tls").as_bool());
  EXPECT_EQ(v.at("api").at("key_file").as_string(), "<redacted>");

  auto anonymous = client.request_blocking({"GET", base + "/api/v1/positions", {}, "", {}});
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message;
  EXPECT_EQ(anonymous->status, 401u);

  // Plain HTTP to the TLS port is not served.
  RawConnection plain(h.port());
  ASSERT_TRUE(plain.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto r = plain.read_response(std::chrono::milliseconds(2000));
  EXPECT_FALSE(r && r->status == 200u);
}

TEST(ApiTls, half_configured_tls_or_an_unreadable_certificate_refuses_the_start_naming_the_key) {
  ApiServerOptions half;
  half.cert_file = "/nonexistent/cert.pem";
  auto a = ApiServer::start([](const ApiRequest&) { return ApiResponse{}; }, half);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("api.key_file"), std::string::npos) << a.error().message;

  ApiServerOptions missing = half;
  missing.key_file = "/nonexistent/key.pem";
  auto b = ApiServer::start([](const ApiRequest&) { return ApiResponse{}; }, missing);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("api.cert_file"), std::string::npos) << b.error().message;
}

}  // namespace
}  // namespace nzeza::api::test
