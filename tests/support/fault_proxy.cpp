// The fault proxy: one coroutine per client connection reads requests in a loop, forwards each on
// a fresh upstream connection, and relays the answer or, for the one armed request, a fault.
#include "support/fault_proxy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "support/io_loop.hpp"

namespace nzeza::testsupport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct FaultProxy::Impl : std::enable_shared_from_this<FaultProxy::Impl> {
  DrainableIo io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  tcp::endpoint upstream;
  std::uint16_t port = 0;
  std::thread thread;
  std::promise<void> loop_done;

  struct Armed {
    std::string method;
    std::string path_prefix;
    ProxyFault fault = ProxyFault::reset;
  };
  mutable std::mutex mu;
  std::optional<Armed> armed;
  std::size_t faults = 0;
  std::vector<std::pair<std::string, std::string>> forwarded;  // method, path
  std::vector<std::function<void()>> closers;

  // The armed fault when this request matches it (then disarmed).
  std::optional<ProxyFault> take_fault(std::string_view method, std::string_view path) {
    std::lock_guard lock(mu);
    if (!armed || armed->method != method || !path.starts_with(armed->path_prefix)) return {};
    const ProxyFault f = armed->fault;
    armed.reset();
    ++faults;
    return f;
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Impl> self, std::shared_ptr<beast::tcp_stream> in);
  asio::awaitable<std::optional<http::response<http::string_body>>> forward(
      http::request<http::string_body> request);
};

namespace {

void reset(beast::tcp_stream& stream) {
  error_code ec;
  auto& socket = stream.socket();
  socket.set_option(asio::socket_base::linger(true, 0), ec);
  socket.close(ec);
}

void finish(beast::tcp_stream& stream) {
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
}

// The answer's status line and headers with its full Content-Length, and half its body.
std::string cut_answer(const http::response<http::string_body>& response) {
  const std::string& body = response.body();
  std::string text = "HTTP/1.1 " + std::to_string(response.result_int()) + " " +
                     std::string(response.reason()) + "\r\n";
  for (const auto& field : response) {
    if (field.name() == http::field::content_length ||
        field.name() == http::field::transfer_encoding || field.name() == http::field::connection)
      continue;
    text += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
  }
  text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  text += body.substr(0, body.size() / 2);
  return text;
}

}  // namespace

asio::awaitable<std::optional<http::response<http::string_body>>> FaultProxy::Impl::forward(
    http::request<http::string_body> request) {
  error_code ec;
  beast::tcp_stream up(io);
  up.expires_after(std::chrono::seconds(30));
  co_await up.async_connect(upstream, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  request.keep_alive(false);
  request.prepare_payload();
  co_await http::async_write(up, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  co_await http::async_read(up, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  finish(up);
  co_return parser.release();
}

asio::awaitable<void> FaultProxy::Impl::serve(std::shared_ptr<Impl> self,
                                              std::shared_ptr<beast::tcp_stream> in) {
  error_code ec;
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(*in, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const std::string method(request.method_string());
    const std::string_view target = request.target();
    const std::string path(target.substr(0, target.find('?')));
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    const auto fault = take_fault(method, path);
    if (fault == ProxyFault::swallow_request) {
      reset(*in);
      co_return;
    }
    auto answer = co_await forward(std::move(request));
    if (!answer) {  // the upstream failed: say so, loudly, rather than invent an answer
      reset(*in);
      co_return;
    }
    {
      std::lock_guard lock(mu);
      forwarded.emplace_back(method, path);
    }
    if (fault == ProxyFault::reset) {
      reset(*in);
      co_return;
    }
    if (fault == ProxyFault::cut_body || fault == ProxyFault::garbage) {
      const std::string text =
          fault == ProxyFault::cut_body ? cut_answer(*answer) : "this is not HTTP at all\r\n\r\n";
      co_await asio::async_write(*in, asio::buffer(text),
                                 asio::redirect_error(asio::use_awaitable, ec));
      finish(*in);
      co_return;
    }
    http::response<http::string_body> response;
    if (fault == ProxyFault::bad_gateway) {
      response = http::response<http::string_body>{http::status::bad_gateway, version};
      response.set(http::field::content_type, "text/plain");
      response.body() = "fault proxy: 502 instead of the upstream's answer";
    } else {
      response = std::move(*answer);
      response.version(version);
    }
    response.keep_alive(keep_alive);
    response.prepare_payload();
    co_await http::async_write(*in, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  finish(*in);
  (void)self;
}

asio::awaitable<void> FaultProxy::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true), ec);
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    {
      std::lock_guard lock(mu);
      closers.emplace_back([weak = std::weak_ptr(stream)] {
        if (auto s = weak.lock()) s->close();
      });
    }
    asio::co_spawn(io, serve(self, stream), asio::detached);
  }
}

FaultProxy::FaultProxy(std::string_view upstream) : impl_(std::make_shared<Impl>()) {
  std::string_view rest = upstream;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("FaultProxy: upstream wants http://host:port");
  }
  impl_->upstream =
      tcp::endpoint(asio::ip::make_address(std::string(rest.substr(0, colon))),
                    static_cast<std::uint16_t>(std::stoi(std::string(rest.substr(colon + 1)))));
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

FaultProxy::~FaultProxy() {
  stop();
}

void FaultProxy::stop() {
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
  });
  impl_->work.reset();
  // An upstream exchange still under way ends on its own deadline; do not wait for it.
  finish_loop(impl_->io, loop_done, impl_->thread);
}

std::string FaultProxy::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void FaultProxy::fail_next(std::string method, std::string path_prefix, ProxyFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->armed = Impl::Armed{std::move(method), std::move(path_prefix), fault};
}

std::size_t FaultProxy::faults_applied() const {
  std::lock_guard lock(impl_->mu);
  return impl_->faults;
}

std::size_t FaultProxy::forwarded(std::string_view method, std::string_view path_prefix) const {
  std::lock_guard lock(impl_->mu);
  std::size_t n = 0;
  for (const auto& [m, p] : impl_->forwarded) {
    if (m == method && std::string_view(p).starts_with(path_prefix)) ++n;
  }
  return n;
}

}  // namespace nzeza::testsupport
