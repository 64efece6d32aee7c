#pragma once
// OperatorApi: the operator's HTTP API of one trading server — its keys (<data_dir>/api_keys),
// routes and HTTP server — started and stopped as one. `nzeza run` starts it after the server
// when [api] enabled; tests start it on an ephemeral port.
//
// Lifecycle: start() after the TradingServer is up; stop() (or the destructor) before the
// server stops, so no request reads a stopping server.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/api_server.hpp"
#include "api/api_service.hpp"
#include "api/key_store.hpp"
#include "api/stream_hub.hpp"
#include "app/config/config.hpp"
#include "core/clock.hpp"

namespace nzeza::api {

struct OperatorApiOptions {
  ApiServerOptions server;    // bind address, port and TLS are taken from the ApiConfig
  ApiServiceOptions service;  // limits; log
  StreamHubOptions stream;    // the live stream's queues and auth deadline
};

class OperatorApi {
 public:
  // Refuses (the error says why) when the keys file cannot be read (mode, format), the address
  // cannot be bound, or TLS is half-configured or its files cannot be loaded.
  static Result<std::unique_ptr<OperatorApi>> start(app::TradingServer& server, Clock& clock,
                                                    const app::Config& config,
                                                    OperatorApiOptions options = {});
  ~OperatorApi();
  OperatorApi(const OperatorApi&) = delete;
  OperatorApi& operator=(const OperatorApi&) = delete;

  // "http://127.0.0.1:8080" (https when TLS).
  [[nodiscard]] std::string url() const;
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] KeyStore& keys() noexcept { return *keys_; }
  [[nodiscard]] ApiService& service() noexcept { return *service_; }
  [[nodiscard]] ApiServer& server() noexcept { return *http_; }
  // The live stream (/api/v1/stream), attached to the server as its observer until stop().
  [[nodiscard]] StreamHub& stream() noexcept { return *stream_; }
  void stop();

 private:
  OperatorApi() = default;
  std::string bind_address_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<ApiService> service_;
  std::shared_ptr<StreamHub> stream_;
  std::unique_ptr<ApiServer> http_;
  app::TradingServer* server_ = nullptr;
};

}  // namespace nzeza::api
