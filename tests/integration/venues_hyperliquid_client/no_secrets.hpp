#pragma once
// expect_no_secrets: no text of an error (message, venue_text, to_string()) carries the private
// key, a signature (r or s) of any /exchange request the simulator received, or a signed body.
// Hyperliquid has no API key or token: the key and the signed action are the secrets.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "sim/hyperliquid/hyperliquid_sim.hpp"

namespace nzeza::venues::hyperliquid::testing {

// Hex text without "0x", lower case.
inline std::string bare_hex(std::string_view s) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The secrets of this run: the key, and r, s and the signed body of every /exchange request.
inline std::vector<std::string> secrets_of(sim::hyperliquid::HyperliquidSim& sim,
                                           std::string_view private_key) {
  std::vector<std::string> out{bare_hex(private_key)};
  for (const auto& req : sim.server().requests()) {
    if (req.target != "/exchange") continue;
    out.push_back(req.body);
    std::error_code ec;
    const auto body = boost::json::parse(req.body, ec);
    if (ec || !body.is_object()) continue;
    const auto* sig = body.get_object().if_contains("signature");
    if (sig == nullptr || !sig->is_object()) continue;
    for (const char* k : {"r", "s"}) {
      const auto* v = sig->get_object().if_contains(k);
      if (v != nullptr && v->is_string())
        out.push_back(bare_hex(std::string_view(v->get_string())));
    }
  }
  return out;
}

inline void expect_no_secrets(const Error& e, const std::vector<std::string>& secrets) {
  for (const std::string& text : {e.message, e.venue_text, e.to_string()}) {
    std::string lower = text;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& s : secrets) {
      EXPECT_TRUE(text.find(s) == std::string::npos && lower.find(s) == std::string::npos)
          << "secret in error text: " << text;
    }
    EXPECT_EQ(lower.find("\"signature\""), std::string::npos) << text;
  }
}

}  // namespace nzeza::venues::hyperliquid::testing
