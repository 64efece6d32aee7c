// The loopback WebSocket server. One coroutine per connection reads top to bottom: TLS handshake,
// upgrade request, scripted handshake answer, then the read loop; writes go through a queue
// drained by a second coroutine so that one write is in flight at a time (Beast's rule).
#include "support/ws_server.hpp"

#include <atomic>
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
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <variant>

#include "support/io_loop.hpp"
#include "support/test_pki.hpp"

namespace nzeza::testsupport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct WsServer::Impl : std::enable_shared_from_this<WsServer::Impl> {
  DrainableIo io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  ssl::context tls_ctx{ssl::context::tls_server};
  WsServerOptions options;
  std::uint16_t port = 0;
  std::thread thread;
  std::promise<void> loop_done;

  mutable std::mutex mu;
  WsHandshake mode = WsHandshake::accept;
  unsigned reject_status = 503;
  ConnectHandler on_connect;
  MessageHandler on_message;
  std::size_t tcp_accepts = 0;
  std::size_t upgrade_requests = 0;
  std::vector<std::string> messages;
  std::vector<std::uint16_t> close_codes;
  std::size_t pongs = 0;
  std::size_t pings = 0;
  std::vector<std::shared_ptr<WsSession>> sessions;
  std::vector<std::vector<std::pair<std::string, std::string>>> upgrade_headers;
  // Closers of live connections (run on the server thread at stop).
  std::vector<std::function<void()>> closers;
  bool stopped = false;

  asio::awaitable<void> accept_loop();
};

namespace {

struct SendText {
  std::string text;
};
struct SendFragmented {
  std::string text;
  std::size_t pieces;
};
struct SendGarbage {
  std::string bytes;
};
struct Close {
  std::uint16_t code;
};
struct Ping {};
using WriteJob = std::variant<SendText, SendFragmented, SendGarbage, Close, Ping>;

template <typename Stream>
class Session final : public WsSession, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<WsServer::Impl> server, websocket::stream<Stream> ws)
      : server_(std::move(server)),
        ws_(std::move(ws)),
        resume_(ws_.get_executor()),
        hold_(ws_.get_executor()) {
    resume_.expires_at(asio::steady_timer::time_point::max());
    hold_.expires_at(asio::steady_timer::time_point::max());
  }

  std::size_t index() const noexcept override { return index_; }
  bool is_open() const noexcept override { return open_.load(); }

  void send(std::string text) override { queue(SendText{std::move(text)}); }
  void send_fragmented(std::string text, std::size_t pieces) override {
    queue(SendFragmented{std::move(text), pieces == 0 ? 1 : pieces});
  }
  void send_garbage(std::string bytes) override { queue(SendGarbage{std::move(bytes)}); }
  void close(std::uint16_t code) override { queue(Close{code}); }
  void ping() override { queue(Ping{}); }

  void reset() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->abort(true); });
  }
  // Reading stops at once (before the next read is issued: a read already in flight still
  // completes, so call these from on_connect for a peer that never reads); sends queued before
  // go_silent() still go out.
  void go_silent() override {
    paused_ = true;
    {
      std::lock_guard lock(jobs_mu_);
      no_more_sends_ = true;
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->silent_ = true; });
  }
  void pause_reading() override { paused_ = true; }
  void resume_reading() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (self->silent_) return;
      self->paused_ = false;
      self->resume_.cancel();
    });
  }

  // Drops the connection (RST when `rst`) and ends every pending operation.
  void abort(bool rst) {
    open_ = false;
    auto& sock = beast::get_lowest_layer(ws_).socket();
    error_code ec;
    if (rst) sock.set_option(asio::socket_base::linger(true, 0), ec);
    sock.close(ec);
    resume_.cancel();
    hold_.cancel();
  }

  asio::awaitable<void> run(bool tls) {
    auto self = this->shared_from_this();
    error_code ec;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      if (tls) {
        co_await ws_.next_layer().async_handshake(ssl::stream_base::server,
                                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          abort(false);
          co_return;
        }
      }
    }
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(ws_.next_layer(), buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      abort(false);
      co_return;
    }

    WsHandshake mode;
    unsigned status;
    {
      std::lock_guard lock(server_->mu);
      ++server_->upgrade_requests;
      auto& headers = server_->upgrade_headers.emplace_back();
      for (const auto& field : request) {
        headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      mode = server_->mode;
      status = server_->reject_status;
    }
    switch (mode) {
      case WsHandshake::accept:
        break;
      case WsHandshake::reject: {
        http::response<http::string_body> response{static_cast<http::status>(status), 11};
        response.set(http::field::content_type, "text/plain");
        response.body() = "scripted handshake failure";
        response.keep_alive(false);
        response.prepare_payload();
        co_await http::async_write(ws_.next_layer(), response,
                                   asio::redirect_error(asio::use_awaitable, ec));
        {
          abort(false);
          co_return;
        }
      }
      case WsHandshake::never_answer:
        co_await hold_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        {
          abort(false);
          co_return;
        }
      case WsHandshake::close_at_once: {
        abort(false);
        co_return;
      }
    }

    websocket::permessage_deflate deflate;
    deflate.server_enable = server_->options.permessage_deflate;
    ws_.set_option(deflate);
    ws_.read_message_max(64u * 1024 * 1024);
    ws_.control_callback([server = server_.get()](websocket::frame_type kind, beast::string_view) {
      std::lock_guard lock(server->mu);
      if (kind == websocket::frame_type::pong) ++server->pongs;
      if (kind == websocket::frame_type::ping) ++server->pings;
    });
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      abort(false);
      co_return;
    }
    open_ = true;

    WsServer::ConnectHandler on_connect;
    {
      std::lock_guard lock(server_->mu);
      index_ = server_->sessions.size();
      server_->sessions.push_back(self);
      on_connect = server_->on_connect;
    }
    if (on_connect) on_connect(*this);

    while (open_) {
      if (paused_) {
        co_await resume_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        resume_.expires_at(asio::steady_timer::time_point::max());
        continue;
      }
      beast::flat_buffer message;
      co_await ws_.async_read(message, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == websocket::error::closed) {
        std::lock_guard lock(server_->mu);
        server_->close_codes.push_back(ws_.reason().code);
      }
      if (ec) break;
      std::string text = beast::buffers_to_string(message.data());
      WsServer::MessageHandler on_message;
      {
        std::lock_guard lock(server_->mu);
        server_->messages.push_back(text);
        on_message = server_->on_message;
      }
      if (on_message && !silent_) on_message(*this, text);
    }
    open_ = false;
  }

 private:
  // Jobs leave in the order queue() was called, from whichever thread: each job joins jobs_
  // here, under a lock, and the server thread only drains jobs_. (Posting each job instead let
  // a job posted from a test thread overtake one posted earlier from the server thread: an
  // io_context run with concurrency hint 1 keeps its own thread's posts in a private queue
  // until the running handler returns. A simulator's frame could then pass an earlier one:
  // a dYdX message_id gap, a Binance serverShutdown before the subscription's ack.)
  void queue(WriteJob job) {
    {
      std::lock_guard lock(jobs_mu_);
      if (no_more_sends_) return;
      jobs_.push_back(std::move(job));
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->start_writing(); });
  }

  // On the server thread.
  void start_writing() {
    if (writing_ || !open_) return;
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_loop(this->shared_from_this()), asio::detached);
  }

  bool next_job(WriteJob& job) {
    std::lock_guard lock(jobs_mu_);
    if (jobs_.empty()) return false;
    job = std::move(jobs_.front());
    jobs_.pop_front();
    return true;
  }

  // `self` by value keeps the session alive for the whole loop (coroutine arguments by value).
  asio::awaitable<void> write_loop(std::shared_ptr<Session> self) {
    error_code ec;
    WriteJob job;
    while (open_ && next_job(job)) {
      if (auto* t = std::get_if<SendText>(&job)) {
        ws_.text(true);
        if (server_->options.on_text_write)
          server_->options.on_text_write(t->text, std::chrono::steady_clock::now());
        co_await ws_.async_write(asio::buffer(t->text),
                                 asio::redirect_error(asio::use_awaitable, ec));
      } else if (auto* f = std::get_if<SendFragmented>(&job)) {
        const std::size_t step = std::max<std::size_t>(1, f->text.size() / f->pieces);
        ws_.text(true);
        std::size_t offset = 0;
        for (std::size_t i = 0; i < f->pieces && !ec; ++i) {
          const bool last = i + 1 == f->pieces;
          const std::size_t n =
              last ? f->text.size() - offset : std::min(step, f->text.size() - offset);
          co_await ws_.async_write_some(last, asio::buffer(f->text.data() + offset, n),
                                        asio::redirect_error(asio::use_awaitable, ec));
          offset += n;
        }
      } else if (auto* g = std::get_if<SendGarbage>(&job)) {
        co_await asio::async_write(ws_.next_layer(), asio::buffer(g->bytes),
                                   asio::redirect_error(asio::use_awaitable, ec));
      } else if (std::holds_alternative<Ping>(job)) {
        co_await ws_.async_ping({}, asio::redirect_error(asio::use_awaitable, ec));
      } else if (auto* c = std::get_if<Close>(&job)) {
        co_await ws_.async_close(websocket::close_reason(c->code),
                                 asio::redirect_error(asio::use_awaitable, ec));
        open_ = false;
      }
      if (ec) break;
    }
    writing_ = false;
    (void)self;
  }

  std::shared_ptr<WsServer::Impl> server_;
  websocket::stream<Stream> ws_;
  asio::steady_timer resume_;
  asio::steady_timer hold_;
  std::mutex jobs_mu_;
  std::deque<WriteJob> jobs_;   // guarded by jobs_mu_
  bool no_more_sends_ = false;  // guarded by jobs_mu_; set by go_silent()
  std::size_t index_ = 0;
  std::atomic<bool> open_{false};
  bool writing_ = false;
  std::atomic<bool> paused_{false};
  bool silent_ = false;
};

}  // namespace

asio::awaitable<void> WsServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    {
      std::lock_guard lock(mu);
      ++tcp_accepts;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (options.tls) {
      using S = beast::ssl_stream<beast::tcp_stream>;
      auto session = std::make_shared<Session<S>>(
          self, websocket::stream<S>(beast::tcp_stream(std::move(socket)), tls_ctx));
      {
        std::lock_guard lock(mu);
        closers.emplace_back([weak = std::weak_ptr(session)] {
          if (auto s = weak.lock()) s->abort(false);
        });
      }
      asio::co_spawn(io, session->run(true), asio::detached);
    } else {
      using S = beast::tcp_stream;
      auto session = std::make_shared<Session<S>>(
          self, websocket::stream<S>(beast::tcp_stream(std::move(socket))));
      {
        std::lock_guard lock(mu);
        closers.emplace_back([weak = std::weak_ptr(session)] {
          if (auto s = weak.lock()) s->abort(false);
        });
      }
      asio::co_spawn(io, session->run(false), asio::detached);
    }
  }
}

WsServer::WsServer(WsServerOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = options;
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

WsServer::~WsServer() {
  stop();
}

void WsServer::stop() {
  if (!impl_->thread.joinable()) return;
  auto loop_done = impl_->loop_done.get_future();
  asio::post(impl_->io, [impl = impl_.get()] {
    error_code ec;
    impl->acceptor.close(ec);
    std::vector<std::function<void()>> closers;
    {
      std::lock_guard lock(impl->mu);
      impl->stopped = true;
      closers.swap(impl->closers);
    }
    for (auto& close : closers) close();
  });
  // Every operation now ends with an error, so the loop runs dry and every coroutine frame (and
  // the session it owns) is freed. The guard only matters if a bug leaves an operation pending.
  impl_->work.reset();
  finish_loop(impl_->io, loop_done, impl_->thread);
  // Sessions hold the Impl; break the cycle so both are freed.
  std::lock_guard lock(impl_->mu);
  impl_->sessions.clear();
  impl_->on_connect = nullptr;
  impl_->on_message = nullptr;
}

std::uint16_t WsServer::port() const noexcept {
  return impl_->port;
}

std::string WsServer::url(std::string_view target) const {
  return std::string(impl_->options.tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(impl_->port) + std::string(target);
}

std::string WsServer::localhost_url(std::string_view target) const {
  return std::string(impl_->options.tls ? "wss" : "ws") +
         "://localhost:" + std::to_string(impl_->port) + std::string(target);
}

void WsServer::set_handshake(WsHandshake mode, unsigned reject_status) {
  std::lock_guard lock(impl_->mu);
  impl_->mode = mode;
  impl_->reject_status = reject_status;
}

void WsServer::on_connect(ConnectHandler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->on_connect = std::move(handler);
}

void WsServer::on_message(MessageHandler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->on_message = std::move(handler);
}

std::size_t WsServer::tcp_accepts() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tcp_accepts;
}

std::size_t WsServer::handshakes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

std::size_t WsServer::upgrade_requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->upgrade_requests;
}

std::vector<std::string> WsServer::messages() const {
  std::lock_guard lock(impl_->mu);
  return impl_->messages;
}

std::size_t WsServer::pongs() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pongs;
}

std::size_t WsServer::pings() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pings;
}

std::vector<std::uint16_t> WsServer::close_codes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->close_codes;
}

std::shared_ptr<WsSession> WsServer::session(std::size_t index) const {
  std::lock_guard lock(impl_->mu);
  return index < impl_->sessions.size() ? impl_->sessions[index] : nullptr;
}

std::shared_ptr<WsSession> WsServer::latest_session() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.empty() ? nullptr : impl_->sessions.back();
}

std::string WsServer::upgrade_header(std::size_t index, std::string_view name) const {
  std::lock_guard lock(impl_->mu);
  if (index >= impl_->upgrade_headers.size()) return {};
  for (const auto& [key, value] : impl_->upgrade_headers[index]) {
    if (beast::iequals(key, name)) return value;
  }
  return {};
}

std::uint16_t closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace nzeza::testsupport
