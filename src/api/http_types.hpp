#pragma once
// The plain request and response the API's HTTP server hands to its handler: no Beast type
// crosses this line, so the routes compile without Beast (DESIGN.md §6).

#include <string>
#include <utility>
#include <vector>

namespace nzeza::api {

struct ApiRequest {
  std::string method;         // "GET", "POST"...
  std::string target;         // path and query, as sent: "/api/v1/trades?since=0"
  std::string authorization;  // the Authorization header's value ("" when absent)
  std::string content_type;
  std::string if_none_match;  // the If-None-Match header ("" when absent): the dashboard's files
  std::string body;
  std::string remote_address;  // the peer's IP address
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Retry-After...
};

}  // namespace nzeza::api
