#include "api/dashboard_assets.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "dashboard_assets_data.hpp"  // generated: the bytes of web/dashboard/ and the library

namespace nzeza::api {

namespace {

struct Asset {
  std::string_view name;  // under /assets/; "" for the page at /
  std::string_view content_type;
  std::string_view body;
  std::string etag;  // "\"<16 hex digits>\"": FNV-1a 64 of the bytes
};

std::string etag_of(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out(18, '"');
  for (int i = 0; i < 16; ++i) out[static_cast<std::size_t>(16 - i)] = kHex[(h >> (4 * i)) & 0xf];
  return out;
}

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";
constexpr std::string_view kJs = "text/javascript; charset=utf-8";
constexpr std::string_view kSvg = "image/svg+xml";

const std::array<Asset, 9>& assets() {
  // Hashed once, on the first request (a function-local static: thread-safe initialisation).
  static const std::array<Asset, 9> table = [] {
    std::array<Asset, 9> t{{
        {"", kHtml, web::index_html(), {}},
        {"dashboard.css", kCss, web::dashboard_css(), {}},
        {"app.js", kJs, web::app_js(), {}},
        {"api.js", kJs, web::api_js(), {}},
        {"live.js", kJs, web::live_js(), {}},
        {"charts.js", kJs, web::charts_js(), {}},
        {"panels.js", kJs, web::panels_js(), {}},
        {"lightweight-charts.mjs", kJs, web::lightweight_charts_mjs(), {}},
        {"favicon.svg", kSvg, web::favicon_svg(), {}},
    }};
    for (auto& a : t) a.etag = etag_of(a.body);
    return t;
  }();
  return table;
}

std::string_view path_of(std::string_view target) noexcept {
  return target.substr(0, target.find('?'));
}

// If-None-Match: "*" or a comma-separated list of entity tags (weak ones compare weakly, RFC 9110
// §13.1.2).
bool matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

// {"error":{"code","message"}}, as every API error (api_server.hpp's error_response lives in the
// Beast TU; this file stays free of it).
ApiResponse error(unsigned status, std::string_view code, std::string_view message) {
  std::string text;
  for (const char c : message) {
    if (c == '"' || c == '\\') {
      text += '\\';
      text += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr std::string_view kHex = "0123456789abcdef";
      text += "\\u00";
      text += kHex[(c >> 4) & 0xf];
      text += kHex[c & 0xf];
    } else {
      text += c;
    }
  }
  ApiResponse r;
  r.status = status;
  r.body = R"({"error":{"code":")" + std::string(code) + R"(","message":")" + text + R"("}})";
  return r;
}

void secure(ApiResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kDashboardCsp));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

bool is_dashboard_path(std::string_view target) noexcept {
  const std::string_view path = path_of(target);
  return path == kDashboardPath || path.starts_with(kDashboardAssetsPrefix);
}

std::optional<ApiResponse> dashboard_response(const ApiRequest& request) {
  if (!is_dashboard_path(request.target)) return std::nullopt;
  const std::string_view path = path_of(request.target);
  if (request.method != "GET") {
    ApiResponse r =
        error(405, "method_not_allowed",
              request.method + " is not served on " + std::string(path) + " (allowed: GET)");
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  const std::string_view name =
      path == kDashboardPath ? std::string_view{} : path.substr(kDashboardAssetsPrefix.size());
  const Asset* found = nullptr;
  for (const auto& a : assets()) {
    if (a.name == name) found = &a;
  }
  if (found == nullptr || (name.empty() && path != kDashboardPath))
    return error(404, "not_found", "no dashboard file " + std::string(path));
  ApiResponse r;
  r.content_type = std::string(found->content_type);
  r.headers.emplace_back("ETag", found->etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  secure(r);
  if (matches(request.if_none_match, found->etag)) {
    r.status = 304;
    return r;
  }
  r.body = std::string(found->body);
  return r;
}

}  // namespace nzeza::api
