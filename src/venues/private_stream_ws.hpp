#pragma once
// The WebSocket settings of a venue's private stream (its user or account channel), taken from
// the stream's own config the same way by every venue. Threading: none (a value).

#include <string>
#include <utility>

#include "net/ws_client.hpp"

namespace nzeza::venues {

// `config`'s url, tls, idle_timeout and, when it has one, connect_timeout, for a stream named
// `name` (status, breaker and messages); every other setting is WsClientConfig's default.
template <class Config>
[[nodiscard]] net::WsClientConfig private_ws_config(const Config& config, std::string name) {
  net::WsClientConfig c;
  c.url = config.url;
  c.name = std::move(name);
  c.tls = config.tls;
  c.idle_timeout = config.idle_timeout;
  if constexpr (requires { config.connect_timeout; }) c.connect_timeout = config.connect_timeout;
  return c;
}

}  // namespace nzeza::venues
