#pragma once
// The operator dashboard's static files (web/dashboard/, embedded in the binary by the build,
// cmake/NzezaWeb.cmake): `GET /` is the page, `GET /assets/<name>` its scripts, style, icon and
// the charting library (lightweight-charts from the build's npm ci, so the page loads nothing
// from outside the origin).
//
// The files hold no data: they are served without a key and before the API's rate limit (an
// answer costs what a 429 would). Every data call of the page carries the operator's key.
// Answers carry their content type, a strong ETag (a hash of the bytes; `If-None-Match` gets a
// 304), `Cache-Control: no-cache` (revalidate: the names carry no version), and a strict
// Content-Security-Policy: scripts, styles, images and fonts from the origin only, no inline
// script or style, connections to the origin (the API and its WebSocket stream), no framing.
// Thread: pure functions over constant data; call them from any thread.

#include <optional>
#include <string_view>

#include "api/http_types.hpp"

namespace nzeza::api {

inline constexpr std::string_view kDashboardPath = "/";
inline constexpr std::string_view kDashboardAssetsPrefix = "/assets/";
inline constexpr std::string_view kDashboardCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// True for "/" and "/assets/..." (query string ignored): the paths the dashboard owns.
[[nodiscard]] bool is_dashboard_path(std::string_view target) noexcept;

// The answer for a request on a dashboard path, nullopt for any other path (the API's routes).
// GET only (405 with Allow otherwise); an unknown asset is 404 in the API's error format.
[[nodiscard]] std::optional<ApiResponse> dashboard_response(const ApiRequest& request);

}  // namespace nzeza::api
