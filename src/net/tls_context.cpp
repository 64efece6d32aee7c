// Builds client TLS contexts. Kept apart from the WebSocket and HTTP translation units so the
// OpenSSL/Asio SSL headers are compiled in one more small file rather than twice.
#include "net/detail/tls_context.hpp"

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>

namespace nzeza::net::detail {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> make_client_tls_context(const TlsConfig& config) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (config.use_system_cas) {
    ctx->set_default_verify_paths(ec);
    if (ec) {
      return fail(ErrorCode::invalid_argument, "cannot load the system CA store: " + ec.message());
    }
  }
  if (!config.extra_ca_file.empty()) {
    ctx->load_verify_file(config.extra_ca_file, ec);
    if (ec) {
      return fail(ErrorCode::invalid_argument,
                  "cannot load CA file '" + config.extra_ca_file + "': " + ec.message());
    }
  }
  if (!config.extra_ca_pem.empty()) {
    ctx->add_certificate_authority(
        boost::asio::buffer(config.extra_ca_pem.data(), config.extra_ca_pem.size()), ec);
    if (ec) return fail(ErrorCode::invalid_argument, "cannot load CA PEM text: " + ec.message());
  }
  ctx->set_verify_mode(config.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  return ctx;
}

}  // namespace nzeza::net::detail
