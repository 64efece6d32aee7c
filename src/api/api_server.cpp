// The operator API's HTTP server: this layer's one Beast translation unit. One coroutine per
// connection reads top to bottom (TLS handshake, then request after request); a deadline timer
// per connection cancels the socket's pending operation instead of closing it, so a slow client
// can still be told 408 before the close.
#include "api/api_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <future>
#include <set>
#include <thread>

#include "api/stream_hub.hpp"

namespace nzeza::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

ApiResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  ApiResponse r;
  r.status = status;
  r.body = boost::json::serialize(outer);
  return r;
}

namespace {

// After a refusal: how long, and how much, the client's remaining bytes are drained before the
// close.
constexpr Duration kLinger = std::chrono::milliseconds(500);
constexpr std::size_t kLingerBytes = 256 * 1024;

// The connection's deadline: when it fires, the pending operation of the socket is cancelled
// (not the socket closed) and `fired` says why the operation failed. Shared with the timer's
// handler, which may run after the session's frame is gone.
//
// Arming is lazy: each request arms the header and the write deadline, and re-arming the timer
// each time costs a timer syscall and a cancelled wait per arm (measured: the API's CPU time is
// mostly the kernel's). A pending wait that ends no later than the new deadline is kept; when it
// ends before `due` it waits again for the rest. Only a deadline earlier than the pending wait
// re-arms the timer.
struct Deadline {
  tcp::socket* socket = nullptr;  // nullptr once the session ended
  std::uint64_t generation = 0;   // of the wait that counts; older waits' completions are ignored
  bool fired = false;
  bool waiting = false;           // a wait is pending...
  std::uint64_t waiting_for = 0;  // ...begun at this generation (a disarm bumps generation)
  std::chrono::steady_clock::time_point due;
};

// A stream socket's two halves (the reader and the writer coroutines) meet here.
struct StreamSession {
  explicit StreamSession(asio::io_context& io) : notify(io) {}
  asio::steady_timer notify;  // the writer waits on it; cancel() wakes it
  bool woken = false;
  bool reader_done = false;
  void wake() {
    woken = true;
    notify.cancel();
  }
};

}  // namespace

struct ApiServer::Impl {
  ApiServerOptions options;
  Handler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<ssl::context> tls;
  std::thread thread;
  std::uint16_t port = 0;
  std::once_flag stop_once;
  std::set<tcp::socket*> sockets;  // open connections (server thread only)
  asio::steady_timer ticker{io};   // the stream's once-a-second refresh

  std::atomic<std::size_t> open{0};
  std::atomic<std::uint64_t> accepted{0}, refused_at_cap{0}, requests{0}, timed_out{0},
      idle_closed{0}, too_large{0}, malformed{0}, streams{0};

  asio::awaitable<void> accept_loop();
  template <typename Stream>
  asio::awaitable<void> serve(Stream stream, std::string remote);
  asio::awaitable<void> refuse(tcp::socket socket);
  template <typename Stream>
  asio::awaitable<void> serve_stream(Stream stream, http::request<http::string_body> req,
                                     std::string remote);
  template <typename WsStream>
  asio::awaitable<void> read_stream(WsStream* ws, std::shared_ptr<StreamClient> client,
                                    std::shared_ptr<StreamSession> session);
  asio::awaitable<void> tick_stream();
  template <typename Stream>
  asio::awaitable<void> write(Stream& stream, std::shared_ptr<Deadline> deadline,
                              asio::steady_timer& timer, ApiResponse response, unsigned version,
                              bool keep_alive, error_code& ec);

  void arm(asio::steady_timer& timer, const std::shared_ptr<Deadline>& d, Duration after) {
    d->fired = false;
    d->due = std::chrono::steady_clock::now() + after;
    if (d->waiting && d->waiting_for == d->generation && timer.expiry() <= d->due) return;
    wait(timer, d);
  }
  // Waits until d->due; the timer outlives every completion that finds d->socket set (the session
  // clears it before its timer goes).
  static void wait(asio::steady_timer& timer, const std::shared_ptr<Deadline>& d) {
    const std::uint64_t gen = ++d->generation;
    d->waiting = true;
    d->waiting_for = gen;
    timer.expires_at(d->due);
    timer.async_wait([d, gen, &timer](error_code ec) {
      if (d->generation != gen) return;  // replaced by a wait for an earlier deadline
      d->waiting = false;
      if (ec || d->socket == nullptr) return;
      if (std::chrono::steady_clock::now() < d->due) {
        wait(timer, d);  // the deadline moved later since this wait began
        return;
      }
      d->fired = true;
      error_code ignored;
      d->socket->cancel(ignored);
    });
  }
};

asio::awaitable<void> ApiServer::Impl::refuse(tcp::socket socket) {
  http::response<http::string_body> res{http::status::service_unavailable, 11};
  const ApiResponse body =
      error_response(503, "unavailable", "too many connections: try again shortly");
  res.set(http::field::server, "nzeza");
  res.set(http::field::content_type, body.content_type);
  res.set(http::field::retry_after, "1");
  res.body() = body.body;
  res.keep_alive(false);
  res.prepare_payload();
  error_code ec;
  asio::steady_timer timer(io);
  auto d = std::make_shared<Deadline>();
  d->socket = &socket;
  arm(timer, d, options.write_deadline);
  co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
  d->socket = nullptr;
  timer.cancel();
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

asio::awaitable<void> ApiServer::Impl::accept_loop() {
  for (;;) {
    error_code ec;
    tcp::socket socket(io);
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open()) co_return;
      continue;  // a client gone before we accepted it, out of descriptors...: keep listening
    }
    ++accepted;
    if (open.load() >= options.max_connections) {
      ++refused_at_cap;
      if (tls) {
        socket.close(ec);  // no handshake spent on a connection we refuse
      } else {
        asio::co_spawn(io, refuse(std::move(socket)), asio::detached);
      }
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string("unknown") : peer.address().to_string();
    ++open;
    if (tls) {
      asio::co_spawn(io,
                     serve(ssl::stream<tcp::socket>(std::move(socket), *tls), std::move(remote)),
                     asio::detached);
    } else {
      asio::co_spawn(io, serve(std::move(socket), std::move(remote)), asio::detached);
    }
  }
}

template <typename Stream>
asio::awaitable<void> ApiServer::Impl::write(Stream& stream, std::shared_ptr<Deadline> deadline,
                                             asio::steady_timer& timer, ApiResponse response,
                                             unsigned version, bool keep_alive, error_code& ec) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "nzeza");
  res.set(http::field::content_type, response.content_type);
  res.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  arm(timer, deadline, options.write_deadline);
  co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

template <typename Stream>
asio::awaitable<void> ApiServer::Impl::serve(Stream stream, std::string remote) {
  tcp::socket& socket = beast::get_lowest_layer(stream);
  sockets.insert(&socket);
  auto deadline = std::make_shared<Deadline>();
  deadline->socket = &socket;
  asio::steady_timer timer(io);
  beast::flat_buffer buffer;
  error_code ec;

  auto fail = [&](unsigned status, std::string_view code, std::string_view message) {
    return error_response(status, code, message);
  };

  bool ready = true;
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    arm(timer, deadline, options.header_deadline);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    ready = !ec;
  }

  while (ready) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);

    // The header, within its deadline (counted from when the connection is ready for it).
    arm(timer, deadline, options.header_deadline);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    std::optional<ApiResponse> refusal;
    if (ec) {
      if (deadline->fired) {
        if (parser.got_some() || buffer.size() > 0) {
          ++timed_out;
          refusal = fail(408, "request_timeout", "the request header did not arrive in time");
        } else {
          ++idle_closed;
          break;
        }
      } else if (ec == http::error::header_limit) {
        ++too_large;
        refusal = fail(431, "header_too_large",
                       "the request header is larger than " +
                           std::to_string(options.max_header_bytes) + " bytes");
      } else if (ec == http::error::body_limit) {
        ++too_large;
        refusal = fail(
            413, "payload_too_large",
            "the request body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
      } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
                 ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
                 ec == ssl::error::stream_truncated) {
        break;  // the client left
      } else {
        ++malformed;
        refusal = fail(400, "bad_request", "malformed HTTP request: " + ec.message());
      }
    }
    // The body, within its own deadline.
    if (!refusal && !parser.is_done()) {
      arm(timer, deadline, options.body_deadline);
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (deadline->fired) {
          ++timed_out;
          refusal = fail(408, "request_timeout", "the request body did not arrive in time");
        } else if (ec == http::error::body_limit) {
          ++too_large;
          refusal = fail(413, "payload_too_large",
                         "the request body is larger than " +
                             std::to_string(options.max_body_bytes) + " bytes");
        } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
                   ec == asio::error::connection_reset) {
          break;
        } else {
          ++malformed;
          refusal = fail(400, "bad_request", "malformed HTTP request body: " + ec.message());
        }
      }
    }
    if (refusal) {
      // The rest of the stream cannot be trusted: answer, then close — lingering: what the
      // client still sends is read and dropped for a moment, so the close is a FIN after the
      // answer and not a reset that could destroy the answer in the client's buffer.
      co_await write(stream, deadline, timer, *refusal, 11, false, ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
      arm(timer, deadline, kLinger);
      std::array<char, 4096> sink{};
      for (std::size_t drained = 0; !ec && drained < kLingerBytes;) {
        drained += co_await socket.async_read_some(asio::buffer(sink),
                                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }

    auto& req = parser.get();
    if (options.stream && websocket::is_upgrade(req) &&
        std::string_view(req.target()).substr(0, std::string_view(req.target()).find('?')) ==
            options.stream_path) {
      ApiRequest upgrade;
      upgrade.method = std::string(req.method_string());
      upgrade.target = std::string(req.target());
      upgrade.remote_address = remote;
      if (options.admit_stream) {
        if (auto refused = options.admit_stream(upgrade)) {
          co_await write(stream, deadline, timer, *refused, req.version(), false, ec);
          break;
        }
      }
      ++requests;
      // The WebSocket session takes the stream over (and registers its own socket).
      deadline->socket = nullptr;
      timer.cancel();
      sockets.erase(&socket);
      co_await serve_stream(std::move(stream), parser.release(), remote);
      break;
    }
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.content_type = std::string(req[http::field::content_type]);
    request.if_none_match = std::string(req[http::field::if_none_match]);
    request.body = std::move(req.body());
    request.remote_address = remote;
    ++requests;
    ApiResponse response;
    try {
      response = handler(request);
    } catch (const std::exception&) {
      response = fail(500, "internal", "the request could not be served");
    }
    const bool keep_alive = req.keep_alive();
    co_await write(stream, deadline, timer, std::move(response), req.version(), keep_alive, ec);
    if (ec || !keep_alive) break;
  }

  deadline->socket = nullptr;
  timer.cancel();
  sockets.erase(&socket);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
  --open;
}

template <typename Stream>
asio::awaitable<void> ApiServer::Impl::serve_stream(Stream stream,
                                                    http::request<http::string_body> req,
                                                    std::string remote) {
  StreamHub& hub = *options.stream;
  websocket::stream<Stream> ws(std::move(stream));
  tcp::socket& socket = beast::get_lowest_layer(ws);
  sockets.insert(&socket);
  auto deadline = std::make_shared<Deadline>();
  deadline->socket = &socket;
  asio::steady_timer timer(io);
  auto disarm = [&] {
    ++deadline->generation;
    timer.cancel();
  };
  ws.read_message_max(hub.options().max_message_bytes);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& r) { r.set(http::field::server, "nzeza"); }));
  error_code ec;
  arm(timer, deadline, options.write_deadline);
  co_await ws.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (!ec && options.stream_send_buffer > 0)
    socket.set_option(asio::socket_base::send_buffer_size(options.stream_send_buffer), ec);
  if (!ec) {
    ++streams;
    auto client = hub.connect(remote);
    auto session = std::make_shared<StreamSession>(io);
    // Weak: the hub (which outlives this thread) must not keep the session's timer alive.
    client->wake = [weak = std::weak_ptr<StreamSession>(session)] {
      if (auto s = weak.lock()) s->wake();
    };
    // The auth deadline, from the upgrade (the hub ignores it once the client authenticated).
    asio::steady_timer auth(io);
    auth.expires_after(hub.options().auth_timeout);
    auth.async_wait([&hub, client](error_code e) {
      if (!e) hub.auth_expired(*client);
    });
    asio::co_spawn(io, read_stream(&ws, client, session), asio::detached);

    // The writer: what the hub queued, in order; then the close it decided.
    bool closing = false;
    while (!ec) {
      while (auto text = client->pop()) {
        ws.text(true);
        arm(timer, deadline, options.write_deadline);
        co_await ws.async_write(asio::buffer(*text), asio::redirect_error(asio::use_awaitable, ec));
        disarm();
        if (ec) break;
      }
      if (ec || session->reader_done) break;
      if (client->close() && !closing) {
        closing = true;
        websocket::close_reason why;
        why.code = client->close()->code;
        why.reason = client->close()->reason;
        arm(timer, deadline, options.write_deadline);
        co_await ws.async_close(why, asio::redirect_error(asio::use_awaitable, ec));
        disarm();
        break;
      }
      if (session->woken) {
        session->woken = false;
        continue;
      }
      session->notify.expires_at(asio::steady_timer::time_point::max());
      error_code ignored;
      co_await session->notify.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      session->woken = false;
    }
    auth.cancel();
    hub.disconnect(*client);
    // The reader still holds the stream: end it (a bounded wait), and wait for it to leave.
    if (!session->reader_done) {
      arm(timer, deadline, closing ? options.write_deadline : Duration{});
      while (!session->reader_done) {
        session->notify.expires_at(asio::steady_timer::time_point::max());
        error_code ignored;
        co_await session->notify.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      }
      disarm();
    }
  }
  deadline->socket = nullptr;
  timer.cancel();
  sockets.erase(&socket);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

template <typename WsStream>
asio::awaitable<void> ApiServer::Impl::read_stream(WsStream* ws,
                                                   std::shared_ptr<StreamClient> client,
                                                   std::shared_ptr<StreamSession> session) {
  beast::flat_buffer buffer;
  for (;;) {
    error_code ec;
    co_await ws->async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const auto data = buffer.cdata();
    options.stream->receive(*client,
                            std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer.consume(buffer.size());
  }
  session->reader_done = true;
  session->wake();
}

asio::awaitable<void> ApiServer::Impl::tick_stream() {
  // Every price interval: the prices held back by it; every second: metrics and positions.
  const Duration interval = options.stream->options().price_interval;
  const Duration period = interval > Duration::zero()
                              ? std::min<Duration>(interval, std::chrono::seconds(1))
                              : std::chrono::seconds(1);
  auto next_second = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    ticker.expires_after(period);
    error_code ec;
    co_await ticker.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !acceptor.is_open()) co_return;
    options.stream->drain();
    if (std::chrono::steady_clock::now() >= next_second) {
      next_second += std::chrono::seconds(1);
      options.stream->on_second();
    }
  }
}

ApiServer::ApiServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() {
  stop();
}

Result<std::unique_ptr<ApiServer>> ApiServer::start(Handler handler, ApiServerOptions options) {
  if (!handler) return Error{ErrorCode::invalid_argument, "api server: no handler"};
  if (options.max_connections == 0)
    return Error{ErrorCode::invalid_argument, "api server: max_connections must be > 0"};
  if (options.cert_file.empty() != options.key_file.empty())
    return Error{ErrorCode::invalid_argument,
                 "api server: TLS needs both api.cert_file and api.key_file (one is empty)"};
  auto impl = std::make_shared<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);

  if (!options.cert_file.empty()) {
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code ec;
    ctx.use_certificate_chain_file(options.cert_file, ec);
    if (ec)
      return Error{ErrorCode::invalid_argument, "api server: api.cert_file \"" + options.cert_file +
                                                    "\" cannot be loaded: " + ec.message()};
    ctx.use_private_key_file(options.key_file, ssl::context::pem, ec);
    if (ec)
      return Error{ErrorCode::invalid_argument, "api server: api.key_file \"" + options.key_file +
                                                    "\" cannot be loaded: " + ec.message()};
    impl->tls.emplace(std::move(ctx));
  }

  error_code ec;
  const auto address = asio::ip::make_address(options.bind_address, ec);
  if (ec)
    return Error{ErrorCode::invalid_argument, "api server: api.bind_address \"" +
                                                  options.bind_address +
                                                  "\" is not an IP address: " + ec.message()};
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error{ErrorCode::network, "api server: cannot listen on " + options.bind_address + ":" +
                                         std::to_string(options.port) + ": " + ec.message()};
  impl->port = impl->acceptor.local_endpoint().port();
  asio::co_spawn(impl->io, impl->accept_loop(), asio::detached);
  if (impl->options.stream) {
    std::weak_ptr<Impl> weak = impl;
    impl->options.stream->set_waker([weak] {
      if (auto s = weak.lock())
        asio::post(s->io, [raw = s.get()] { raw->options.stream->drain(); });
    });
    asio::co_spawn(impl->io, impl->tick_stream(), asio::detached);
  }
  impl->thread = std::thread([raw = impl.get()] { raw->io.run(); });
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

std::uint16_t ApiServer::port() const noexcept {
  return impl_->port;
}

bool ApiServer::tls() const noexcept {
  return impl_->tls.has_value();
}

ApiServerStats ApiServer::stats() const {
  ApiServerStats s;
  s.open_connections = impl_->open.load();
  s.accepted = impl_->accepted.load();
  s.refused_at_cap = impl_->refused_at_cap.load();
  s.requests = impl_->requests.load();
  s.timed_out = impl_->timed_out.load();
  s.idle_closed = impl_->idle_closed.load();
  s.too_large = impl_->too_large.load();
  s.malformed = impl_->malformed.load();
  s.streams = impl_->streams.load();
  return s;
}

void ApiServer::stop() {
  Impl& m = *impl_;
  std::call_once(m.stop_once, [&m] {
    if (m.options.stream) m.options.stream->set_waker(nullptr);
    std::promise<void> closed;
    asio::post(m.io, [&m, &closed] {
      error_code ec;
      m.acceptor.close(ec);
      m.ticker.cancel();
      for (tcp::socket* s : m.sockets) s->close(ec);
      closed.set_value();
    });
    if (m.thread.joinable()) {
      closed.get_future().wait_for(std::chrono::seconds(5));
      m.io.stop();
      m.thread.join();
    }
  });
}

}  // namespace nzeza::api
