#pragma once
// Private to src/net/*.cpp: what every client does to reach a host, decided once for HTTP and
// WebSocket alike — the names of the steps in errors, when SNI is sent, how the peer is checked.
// Include only from the Beast translation units; it pulls in Asio and OpenSSL.

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "net/tls_config.hpp"
#include "net/url.hpp"

namespace nzeza::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

inline constexpr auto kAwait = asio::use_awaitable;

// "5s" for whole seconds, else "250ms": how a timeout reads in an error message.
inline std::string seconds_text(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

inline bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// A failed connection step ("resolve", "TCP connect", "TLS handshake", ...) as a network error
// naming the step and the host.
inline Status step_error(const char* step, const Url& url, const error_code& ec) {
  return fail(ErrorCode::network,
              std::string(step) + " to " + url.authority() + " failed: " + ec.message());
}

// Readies a TLS stream for the handshake with `url`'s host. SNI: many hosts serve several names
// and pick the certificate from it; it is not sent for IP literals (RFC 6066 forbids it), the
// certificate is then checked against the IP.
template <typename TlsStream>
Status prepare_tls(TlsStream& tls, const Url& url, const TlsConfig& config) {
  if (!is_ip_literal(url.host) &&
      SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()) != 1) {
    return fail(ErrorCode::network, "TLS to " + url.authority() + ": cannot set the SNI host name");
  }
  if (config.verify_peer) {
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_verify_callback(ssl::host_name_verification(url.host));
  } else {
    tls.set_verify_mode(ssl::verify_none);
  }
  return Status{};
}

}  // namespace nzeza::net
