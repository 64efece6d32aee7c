#pragma once
// Small helpers shared by the live-mode end-to-end suites (tests/e2e/server_live, the restart
// scenarios of tests/e2e/recovery): exact decimals from text, scoped environment variables for
// the venues' credentials, a request's form parameter, and whether a feed simulator holds a
// subscription.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "support/http_server.hpp"

namespace nzeza::app::e2e {

inline Decimal dec(std::string_view text) {
  auto d = Decimal::parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal{};
}

// Environment variables set for a test and removed after it (credentials as `env:PREFIX`).
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (const auto& n : names_) ::unsetenv(n.c_str());
  }
  void set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

// A form parameter of a request, from its query string or its body ("" when absent).
inline std::string param(const testsupport::HttpSeen& r, std::string_view name) {
  const std::string key = std::string(name) + '=';
  for (std::string_view text : {std::string_view(r.target), std::string_view(r.body)}) {
    if (const auto q = text.find('?'); q != std::string_view::npos) text.remove_prefix(q + 1);
    std::size_t at = 0;
    while (at <= text.size()) {
      const std::size_t end = std::min(text.find('&', at), text.size());
      const std::string_view pair = text.substr(at, end - at);
      if (pair.substr(0, key.size()) == key) return std::string(pair.substr(key.size()));
      at = end + 1;
    }
  }
  return {};
}

// Whether the feed's newest connection holds a subscription naming `what`.
inline bool subscribed(const sim::feeds::FeedSim& feed, std::string_view what) {
  if (feed.connections() == 0) return false;
  for (const auto& s : feed.subscriptions(feed.connections() - 1))
    if (s.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace nzeza::app::e2e
