#pragma once
// Kraken spot REST authentication (exchanges.md §2.3):
//
//   API-Sign = base64( HMAC-SHA512( key = base64decode(secret),
//                                   msg = uri_path || SHA256( nonce || postdata ) ) )
//
// where `postdata` is the exact form-url-encoded POST body (it contains `nonce=<nonce>` itself)
// and `uri_path` is "/0/private/<Method>". Nonces are u64, strictly increasing PER API KEY: a
// nonce equal to or below the last one the venue saw is refused with "EAPI:Invalid nonce".
//
// KrakenKeySigner owns one key: the decoded secret (wiped on destruction), a NonceSource, and a
// mutex that serialises nonce-taking and signing, so the signature order is the nonce order.
// KrakenKeySigner::shared() hands every client of the same API key in this process the same
// signer, hence one nonce sequence per key. Sending in nonce order is the caller's part (the
// client sends one private request per key at a time; see client.hpp).
//
// Threading: KrakenKeySigner::sign is thread-safe. The free functions are pure.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/client_id.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::venues::kraken {

// Standard base64 (with padding), as Kraken's secret and API-Sign use.
[[nodiscard]] std::string base64_encode(std::string_view bytes);
// Strict base64 decode (padding required, whitespace refused): invalid_argument on bad input.
[[nodiscard]] Result<std::string> base64_decode(std::string_view text);

// application/x-www-form-urlencoded: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, space as
// '+', everything else %XX (upper-case hex) — what Python's urlencode and Kraken's SDKs send.
[[nodiscard]] std::string form_escape(std::string_view value);
using FormParams = std::vector<std::pair<std::string, std::string>>;
// "k1=v1&k2=v2" in the given order (Kraken signs the body as sent, so order is free but fixed).
[[nodiscard]] std::string form_encode(const FormParams& params);

// The API-Sign value for one request. `secret` is the DECODED key (64 bytes for Kraken keys).
[[nodiscard]] std::string api_sign(std::string_view secret, std::string_view uri_path,
                                   std::string_view nonce, std::string_view postdata);

struct SignedRequest {
  std::uint64_t nonce = 0;
  std::string body;      // "nonce=<nonce>&<params...>"
  std::string api_sign;  // header API-Sign
};

class KrakenKeySigner {
 public:
  // `secret_base64` as Kraken shows it; invalid_argument when it is not base64 or empty.
  static Result<std::shared_ptr<KrakenKeySigner>> create(std::string api_key,
                                                         std::string_view secret_base64);
  // The process-wide signer of `api_key` (created on first use; the same object while any
  // client holds it). A second call with a different secret for the same key is refused.
  static Result<std::shared_ptr<KrakenKeySigner>> shared(std::string api_key,
                                                         std::string_view secret_base64);

  ~KrakenKeySigner();
  KrakenKeySigner(const KrakenKeySigner&) = delete;
  KrakenKeySigner& operator=(const KrakenKeySigner&) = delete;

  // Takes the next nonce (max(last + 1, now in ms): follows the clock, never repeats or goes
  // back, also when the clock steps back), builds the body "nonce=<n>&<params>" and signs it,
  // all under this key's lock.
  [[nodiscard]] SignedRequest sign(std::string_view uri_path, const FormParams& params,
                                   Timestamp now);
  // Raises the nonce floor (after the venue said "EAPI:Invalid nonce": the key was used with
  // larger nonces elsewhere). Never lowers it.
  void advance_nonce_to(std::uint64_t floor);

  [[nodiscard]] const std::string& api_key() const noexcept { return api_key_; }
  [[nodiscard]] std::uint64_t last_nonce() const noexcept { return nonces_.last(); }

 private:
  KrakenKeySigner(std::string api_key, std::string secret);
  struct Mac;

  const std::string api_key_;
  std::string secret_;  // decoded; wiped in the destructor
  std::string secret_fingerprint_;
  std::mutex mu_;  // serialises nonce + signature per key
  NonceSource nonces_;
  std::unique_ptr<Mac> mac_;  // keyed HMAC-SHA512 template (OpenSSL EVP_MAC)
};

}  // namespace nzeza::venues::kraken
