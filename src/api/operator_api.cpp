#include "api/operator_api.hpp"

#include "api/metrics.hpp"
#include "app/trading_server.hpp"

namespace nzeza::api {

Result<std::unique_ptr<OperatorApi>> OperatorApi::start(app::TradingServer& server, Clock& clock,
                                                        const app::Config& config,
                                                        OperatorApiOptions options) {
  std::unique_ptr<OperatorApi> api(new OperatorApi());
  api->bind_address_ = config.api.bind_address;
  api->keys_ = std::make_unique<KeyStore>(key_file_path(config.data_dir));
  if (auto st = api->keys_->reload_if_changed(); !st) return st.error().with_context("api");
  api->stream_ = std::make_shared<StreamHub>(
      server.registry().symbols(), clock,
      [self = api.get()](std::string_view token, const std::string& remote) {
        return self->service_->authenticate_stream(token, remote);
      },
      [&server]() { return server.status(); }, options.stream);
  std::weak_ptr<StreamHub> weak_stream = api->stream_;
  options.service.extra_metrics = [weak_stream] {
    auto hub = weak_stream.lock();
    return hub ? stream_prometheus_text(hub->stats()) : std::string{};
  };
  api->service_ =
      std::make_unique<ApiService>(server, *api->keys_, clock, std::move(options.service));
  ApiService* service = api->service_.get();
  ApiServerOptions so = options.server;
  so.bind_address = config.api.bind_address;
  so.port = config.api.port;
  so.cert_file = config.api.cert_file;
  so.key_file = config.api.key_file;
  so.stream = api->stream_;
  so.admit_stream = [service](const ApiRequest& r) { return service->admit_stream(r); };
  auto http = ApiServer::start([service](const ApiRequest& r) { return service->handle(r); }, so);
  if (!http) return http.error();
  api->http_ = std::move(*http);
  api->server_ = &server;
  server.set_observer(api->stream_->observer());
  return api;
}

OperatorApi::~OperatorApi() {
  stop();
}

void OperatorApi::stop() {
  if (server_ != nullptr) server_->set_observer(nullptr);
  server_ = nullptr;
  if (http_) http_->stop();
}

std::string OperatorApi::url() const {
  return std::string(http_->tls() ? "https://" : "http://") + bind_address_ + ":" +
         std::to_string(http_->port());
}

std::uint16_t OperatorApi::port() const noexcept {
  return http_->port();
}

}  // namespace nzeza::api
