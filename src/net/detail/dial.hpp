#pragma once
// Private to src/net/*.cpp: what every client does to reach a host, decided once for HTTP and
// WebSocket alike — the names of the steps in errors, when SNI is sent, how the peer is checked.
// Include only from the Beast translation units; it pulls in Asio and OpenSSL.

#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <string>
#include <type_traits>

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

// resolve -> TCP connect (no Nagle) -> for a TLS stream, SNI and peer check, then the TLS
// handshake: how every client reaches `url`, each error naming its step. `stream` is a
// beast::tcp_stream or an ssl_stream over one (a WebSocket passes its next layer). `aborted` is
// the owner's abort() flag, read after each step: an abort() that lands while a step is in flight
// does not always stop it (a resolve already running on the resolver's thread completes with
// success, and async_connect re-opens a closed socket), so without the check a deadline that
// fired meanwhile would be lost and the caller would wait forever. Runs on the stream's strand.
template <typename Stream>
asio::awaitable<Status> dial(Stream& stream, tcp::resolver& resolver, const bool& aborted, Url url,
                             TlsConfig tls) {
  error_code ec;
  const auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                         asio::redirect_error(kAwait, ec));
  if (!ec && aborted) ec = asio::error::operation_aborted;
  if (ec) co_return step_error("resolve", url, ec);
  auto& socket_stream = beast::get_lowest_layer(stream);
  co_await socket_stream.async_connect(endpoints, asio::redirect_error(kAwait, ec));
  if (!ec && aborted) {
    ec = asio::error::operation_aborted;
    socket_stream.close();
  }
  if (ec) co_return step_error("TCP connect", url, ec);
  socket_stream.socket().set_option(tcp::no_delay(true), ec);
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    if (auto ready = prepare_tls(stream, url, tls); !ready) co_return ready;
    co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(kAwait, ec));
    if (!ec && aborted) ec = asio::error::operation_aborted;
    if (ec) co_return step_error("TLS handshake", url, ec);
  }
  co_return Status{};
}

}  // namespace nzeza::net
