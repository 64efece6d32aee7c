#include "api/dashboard_assets.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace nzeza::api {
namespace {

ApiRequest get(std::string target, std::string if_none_match = {}) {
  ApiRequest r;
  r.method = "GET";
  r.target = std::move(target);
  r.if_none_match = std::move(if_none_match);
  r.remote_address = "127.0.0.1";
  return r;
}

// Every text between `open` and the next `close` (std::regex trips g++ 12's
// -Wmaybe-uninitialized in the sanitizer builds).
std::set<std::string> between(const std::string& text, std::string_view open, char close) {
  std::set<std::string> out;
  for (auto at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    const auto from = at + open.size();
    const auto to = text.find(close, from);
    if (to != std::string::npos) out.insert(text.substr(from, to - from));
  }
  return out;
}

bool is_etag(const std::string& t) {
  if (t.size() != 18 || t.front() != '"' || t.back() != '"') return false;
  return t.substr(1, 16).find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string header(const ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

TEST(DashboardAssets, the_page_is_served_at_the_root_as_html_with_a_strict_policy_and_an_etag) {
  const auto r = dashboard_response(get("/"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("<title>nzeza"), std::string::npos) << r->body;
  const std::string csp = header(*r, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(header(*r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(*r, "Cache-Control"), "no-cache");
  EXPECT_TRUE(is_etag(header(*r, "ETag"))) << header(*r, "ETag");
  // A query string does not change the file.
  EXPECT_EQ(dashboard_response(get("/?from=bookmark"))->body, r->body);
}

TEST(DashboardAssets, every_file_the_page_and_its_modules_name_is_served_with_its_content_type) {
  // The page's src/href and every module's relative import: a file missing from the embedded
  // table would be a 404 in the browser.
  const std::string page = dashboard_response(get("/"))->body;
  std::set<std::string> names = between(page, "=\"/assets/", '"');
  ASSERT_TRUE(names.count("app.js")) << page;
  ASSERT_TRUE(names.count("dashboard.css")) << page;
  std::set<std::string> seen;
  while (seen.size() < names.size()) {
    for (const auto& n : std::set<std::string>(names)) {
      if (!seen.insert(n).second) continue;
      const auto r = dashboard_response(get("/assets/" + n));
      ASSERT_TRUE(r.has_value()) << n;
      ASSERT_EQ(r->status, 200u) << n << ": " << r->body;
      EXPECT_FALSE(r->body.empty()) << n;
      const bool js = n.ends_with(".js") || n.ends_with(".mjs");
      const std::string expected = js                    ? "text/javascript; charset=utf-8"
                                   : n.ends_with(".css") ? "text/css; charset=utf-8"
                                   : n.ends_with(".svg") ? "image/svg+xml"
                                                         : "?";
      EXPECT_EQ(r->content_type, expected) << n;
      if (!js) continue;
      for (const auto& imported : between(r->body, "from './", '\'')) names.insert(imported);
    }
  }
  EXPECT_TRUE(names.count("lightweight-charts.mjs")) << "the charting library is imported";
  EXPECT_TRUE(names.count("favicon.svg")) << "the page names its icon (no /favicon.ico 404)";
}

TEST(DashboardAssets, a_matching_if_none_match_gets_a_304_without_a_body_and_a_stale_one_the_file) {
  const auto first = dashboard_response(get("/assets/app.js"));
  ASSERT_TRUE(first.has_value());
  const std::string etag = header(*first, "ETag");
  ASSERT_FALSE(etag.empty());
  for (const std::string& sent :
       {etag, "W/" + etag, "\"0000000000000000\", " + etag, std::string("*")}) {
    const auto again = dashboard_response(get("/assets/app.js", sent));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, 304u) << sent;
    EXPECT_TRUE(again->body.empty()) << sent;
    EXPECT_EQ(header(*again, "ETag"), etag) << sent;
  }
  const auto stale = dashboard_response(get("/assets/app.js", "\"0000000000000000\""));
  EXPECT_EQ(stale->status, 200u);
  EXPECT_EQ(stale->body, first->body);
  // Each file has its own tag.
  EXPECT_NE(header(*dashboard_response(get("/assets/api.js")), "ETag"), etag);
}

TEST(DashboardAssets, unknown_files_are_404_and_other_methods_405_in_the_api_error_format) {
  for (const std::string target :
       {"/assets/missing.js", "/assets/", "/assets/../api_keys", "/assets/app.js/"}) {
    const auto r = dashboard_response(get(target));
    ASSERT_TRUE(r.has_value()) << target;
    EXPECT_EQ(r->status, 404u) << target;
    EXPECT_EQ(r->content_type, "application/json") << target;
    EXPECT_NE(r->body.find(R"({"error":{"code":"not_found","message":"no dashboard file )"),
              std::string::npos)
        << r->body;
  }
  const auto quoted = dashboard_response(get("/assets/\"x\\"));
  EXPECT_NE(quoted->body.find(R"(file /assets/\"x\\"}})"), std::string::npos) << quoted->body;
  ApiRequest post = get("/");
  post.method = "POST";
  const auto r = dashboard_response(post);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 405u);
  EXPECT_EQ(header(*r, "Allow"), "GET");
}

TEST(DashboardAssets, the_api_routes_are_not_the_dashboards) {
  for (const std::string target :
       {"/api/v1/prices", "/metrics", "/api/v1/stream", "/index.html", "/assetsx", ""}) {
    EXPECT_FALSE(is_dashboard_path(target)) << target;
    EXPECT_FALSE(dashboard_response(get(target)).has_value()) << target;
  }
  EXPECT_TRUE(is_dashboard_path("/"));
  EXPECT_TRUE(is_dashboard_path("/assets/app.js?v=1"));
}

}  // namespace
}  // namespace nzeza::api
