#pragma once
// Binance spot request signing (exchanges.md §1.3): HMAC-SHA256 over the exact bytes sent.
//
//   REST     payload = query string, concatenated (no separator) with the request body; the
//            query string is built here with Binance's percent-encoding (QueryBuilder), and the
//            signature is hex(HMAC-SHA256(secretKey, payload)), appended as `&signature=`.
//   WS-API   payload = every parameter except `signature` (apiKey included), sorted by name,
//            joined as k=v&... with values NOT percent-encoded (UTF-8 bytes as they are).
//   Timing   every SIGNED request carries `timestamp` (ms, server time: our clock plus the
//            offset measured by GET /api/v3/time) and `recvWindow` (ms, <= 60000). The server
//            refuses it with -1021 when timestamp >= serverTime + 1 s or
//            serverTime - timestamp > recvWindow: after timestamp + recvWindow it can never
//            execute (RequestValidity in venue_types.hpp).
//
// HmacSha256Signer holds the key inside an OpenSSL EVP_MAC context initialised once; each
// signature duplicates that context (no key schedule per call). The key text given to the
// constructor is not kept by this type; OpenSSL's copy is cleansed when the signer is destroyed.
// Threading: sign() is const and thread-safe (it only reads the prepared context).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "venues/percent_encoding.hpp"

namespace nzeza::venues::binance {

// Binance's REST encoding of one query value or key is venues::percent_encode
// (percent_encoding.hpp): "１２３４５６" becomes "%EF%BC%91..." — the documented non-ASCII vector.
using venues::append_percent_encoded;
using venues::percent_encode;

// Builds a query string in the order parameters are added: "k1=v1&k2=v2". Keys and values are
// percent-encoded; the result is exactly the bytes put on the wire and signed.
class QueryBuilder {
 public:
  QueryBuilder& add(std::string_view key, std::string_view value);
  QueryBuilder& add(std::string_view key, std::int64_t value);
  [[nodiscard]] const std::string& str() const noexcept { return query_; }
  [[nodiscard]] bool empty() const noexcept { return query_.empty(); }
  [[nodiscard]] std::string release() noexcept { return std::move(query_); }

 private:
  std::string query_;
};

// The WS-API signing payload: params sorted by key (std::string order, i.e. byte order),
// "k=v" joined with '&', values verbatim. `signature` must not be among them.
[[nodiscard]] std::string wsapi_payload(std::vector<std::pair<std::string, std::string>> params);

// Lower-case hex of `bytes`.
[[nodiscard]] std::string to_hex(std::string_view bytes);

class HmacSha256Signer {
 public:
  // invalid_argument for an empty secret; internal when OpenSSL refuses the context.
  static Result<HmacSha256Signer> create(std::string_view secret);
  HmacSha256Signer(HmacSha256Signer&&) noexcept;
  HmacSha256Signer& operator=(HmacSha256Signer&&) noexcept;
  HmacSha256Signer(const HmacSha256Signer&) = delete;
  HmacSha256Signer& operator=(const HmacSha256Signer&) = delete;
  ~HmacSha256Signer();

  // hex(HMAC-SHA256(secret, payload)), 64 lower-case characters. internal when OpenSSL fails.
  [[nodiscard]] Result<std::string> sign(std::string_view payload) const;
  // Same, writing the 64 characters into `out` (no allocation); false on OpenSSL failure.
  bool sign_into(std::string_view payload, char (&out)[64]) const noexcept;

 private:
  struct Impl;
  explicit HmacSha256Signer(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// The parameters every SIGNED REST request ends with, in Binance's documented order:
// "<query>&recvWindow=<ms>&timestamp=<ms>" (no leading '&' when `query` is empty). recv_window_ms
// in 1..60000 (invalid_argument otherwise).
[[nodiscard]] Result<std::string> with_timing(std::string query, std::int64_t timestamp_ms,
                                              std::int64_t recv_window_ms);

// A complete signed query string: with_timing(query) + "&signature=" + hex HMAC of
// (that query string + body). `body` is the x-www-form-urlencoded body sent with it ("" for a
// query-only request).
[[nodiscard]] Result<std::string> signed_query(const HmacSha256Signer& signer, std::string query,
                                               std::string_view body, std::int64_t timestamp_ms,
                                               std::int64_t recv_window_ms);

}  // namespace nzeza::venues::binance
