// The loopback HTTP server: one coroutine per connection reads requests in a loop and answers each
// as the test's handler scripts it, including the faults.
#include "support/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "support/io_loop.hpp"
#include "support/test_pki.hpp"

namespace nzeza::testsupport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string HttpSeen::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return {};
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  DrainableIo io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  ssl::context tls_ctx{ssl::context::tls_server};
  HttpServerOptions options;
  std::uint16_t port = 0;
  std::thread thread;
  std::promise<void> loop_done;
  // Held replies wait on this timer; release_held() cancels it (server thread only).
  asio::steady_timer release{io};

  mutable std::mutex mu;
  Handler handler;
  std::size_t tcp_accepts = 0;
  std::size_t closed = 0;
  std::vector<HttpSeen> requests;
  std::size_t held = 0;
  std::vector<std::function<void()>> closers;

  asio::awaitable<void> accept_loop();
  template <typename Stream>
  asio::awaitable<void> serve(std::shared_ptr<Impl> self, std::shared_ptr<Stream> stream,
                              std::size_t index);
};

namespace {

std::string raw_response(const HttpReply& reply, std::size_t body_bytes) {
  std::string text = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(reply.status))) +
                     "\r\n";
  for (const auto& [name, value] : reply.headers) text += name + ": " + value + "\r\n";
  text += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
  text += reply.body.substr(0, body_bytes);
  return text;
}

}  // namespace

template <typename Stream>
asio::awaitable<void> HttpServer::Impl::serve(std::shared_ptr<Impl> self,
                                              std::shared_ptr<Stream> stream, std::size_t index) {
  error_code ec;
  auto& socket = beast::get_lowest_layer(*stream).socket();
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    co_await stream->async_handshake(ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(*stream, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    HttpSeen seen;
    seen.method = std::string(request.method_string());
    seen.target = std::string(request.target());
    seen.body = request.body();
    seen.connection = index;
    for (const auto& field : request) {
      seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    Handler h;
    {
      std::lock_guard lock(mu);
      requests.push_back(seen);
      h = handler;
    }
    HttpReply reply = h ? h(seen) : HttpReply{200, {}, "ok"};

    if (reply.fault == HttpFault::hold) {
      {
        std::lock_guard lock(mu);
        ++held;
      }
      co_await release.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      {
        std::lock_guard lock(mu);
        --held;
      }
      if (!socket.is_open()) break;
      reply.fault = HttpFault::none;
    }
    switch (reply.fault) {
      case HttpFault::reset:
        socket.set_option(asio::socket_base::linger(true, 0), ec);
        socket.close(ec);
        co_return;
      case HttpFault::close_without_response:
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      case HttpFault::truncate_body: {
        const std::string text = raw_response(reply, reply.truncate_at);
        co_await asio::async_write(*stream, asio::buffer(text),
                                   asio::redirect_error(asio::use_awaitable, ec));
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
      case HttpFault::garbage: {
        const std::string text = "this is not HTTP at all\r\n\r\n";
        co_await asio::async_write(*stream, asio::buffer(text),
                                   asio::redirect_error(asio::use_awaitable, ec));
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
      case HttpFault::none:
      case HttpFault::hold:
        break;
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                               request.version()};
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.body() = std::move(reply.body);
    response.keep_alive(request.keep_alive() && !reply.close);
    response.prepare_payload();
    co_await http::async_write(*stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive() || reply.drop_after) break;
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  {
    std::lock_guard lock(self->mu);
    ++self->closed;
  }
  (void)self;
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (std::size_t index = 0;; ++index) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true), ec);
    {
      std::lock_guard lock(mu);
      ++tcp_accepts;
    }
    if (options.tls) {
      using S = beast::ssl_stream<beast::tcp_stream>;
      auto stream = std::make_shared<S>(beast::tcp_stream(std::move(socket)), tls_ctx);
      {
        std::lock_guard lock(mu);
        closers.emplace_back([weak = std::weak_ptr(stream)] {
          if (auto s = weak.lock()) beast::get_lowest_layer(*s).close();
        });
      }
      asio::co_spawn(io, serve(self, stream, index), asio::detached);
    } else {
      using S = beast::tcp_stream;
      auto stream = std::make_shared<S>(std::move(socket));
      {
        std::lock_guard lock(mu);
        closers.emplace_back([weak = std::weak_ptr(stream)] {
          if (auto s = weak.lock()) s->close();
        });
      }
      asio::co_spawn(io, serve(self, stream, index), asio::detached);
    }
  }
}

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = options;
  impl_->release.expires_at(asio::steady_timer::time_point::max());
  if (options.tls) {
    const TestPki& pki = options.pki != nullptr ? *options.pki : TestPki::shared();
    impl_->tls_ctx.use_certificate_chain(
        asio::buffer(pki.server_cert_pem().data(), pki.server_cert_pem().size()));
    impl_->tls_ctx.use_private_key(
        asio::buffer(pki.server_key_pem().data(), pki.server_key_pem().size()), ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->work.emplace(impl_->io.get_executor());
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->io.run();
    impl->loop_done.set_value();
  });
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::stop() {
  if (!impl_->thread.joinable()) return;
  auto loop_done = impl_->loop_done.get_future();
  asio::post(impl_->io, [impl = impl_.get()] {
    error_code ec;
    impl->acceptor.close(ec);
    std::vector<std::function<void()>> closers;
    {
      std::lock_guard lock(impl->mu);
      closers.swap(impl->closers);
    }
    for (auto& close : closers) close();
    impl->release.cancel();
  });
  impl_->work.reset();
  finish_loop(impl_->io, loop_done, impl_->thread);
  std::lock_guard lock(impl_->mu);
  impl_->handler = nullptr;
}

std::uint16_t HttpServer::port() const noexcept {
  return impl_->port;
}

std::string HttpServer::url(std::string_view target) const {
  return std::string(impl_->options.tls ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(impl_->port) + std::string(target);
}

std::string HttpServer::localhost_url(std::string_view target) const {
  return std::string(impl_->options.tls ? "https" : "http") +
         "://localhost:" + std::to_string(impl_->port) + std::string(target);
}

void HttpServer::on_request(Handler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->handler = std::move(handler);
}

void HttpServer::release_held() {
  asio::post(impl_->io, [impl = impl_] {
    impl->release.cancel();
    impl->release.expires_at(asio::steady_timer::time_point::max());
  });
}

std::size_t HttpServer::tcp_accepts() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tcp_accepts;
}

std::size_t HttpServer::closed_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->closed;
}

std::size_t HttpServer::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

std::vector<HttpSeen> HttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

std::size_t HttpServer::held() const {
  std::lock_guard lock(impl_->mu);
  return impl_->held;
}

}  // namespace nzeza::testsupport
