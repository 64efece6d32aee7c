#pragma once
// Private to src/net/*.cpp: builds the OpenSSL context a client uses from its TlsConfig.

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "core/result.hpp"
#include "net/tls_config.hpp"

namespace nzeza::net::detail {

// TLS 1.2+ client context with the configured trust anchors. Errors (invalid_argument) name the
// CA file or PEM that could not be loaded.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const TlsConfig& config);

}  // namespace nzeza::net::detail
