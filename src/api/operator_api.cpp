#include "api/operator_api.hpp"

namespace nzeza::api {

Result<std::unique_ptr<OperatorApi>> OperatorApi::start(app::TradingServer& server, Clock& clock,
                                                        const app::Config& config,
                                                        OperatorApiOptions options) {
  std::unique_ptr<OperatorApi> api(new OperatorApi());
  api->bind_address_ = config.api.bind_address;
  api->keys_ = std::make_unique<KeyStore>(key_file_path(config.data_dir));
  if (auto st = api->keys_->reload_if_changed(); !st) return st.error().with_context("api");
  api->service_ =
      std::make_unique<ApiService>(server, *api->keys_, clock, std::move(options.service));
  ApiServerOptions so = options.server;
  so.bind_address = config.api.bind_address;
  so.port = config.api.port;
  so.cert_file = config.api.cert_file;
  so.key_file = config.api.key_file;
  ApiService* service = api->service_.get();
  auto http = ApiServer::start([service](const ApiRequest& r) { return service->handle(r); }, so);
  if (!http) return http.error();
  api->http_ = std::move(*http);
  return api;
}

OperatorApi::~OperatorApi() {
  stop();
}

void OperatorApi::stop() {
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
