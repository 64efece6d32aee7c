// The stream's test clients: Beast WebSocket over a plain or TLS socket. The synchronous client
// drives its own io_context one handler at a time with a deadline, so a test's read never hangs.
#include "integration/api/stream_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <thread>

namespace nzeza::api::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

class Conn {
 public:
  virtual ~Conn() = default;
  virtual void async_read(beast::flat_buffer& b, std::function<void(error_code)> done) = 0;
  virtual void async_write(const std::string& text, std::function<void(error_code)> done) = 0;
  [[nodiscard]] virtual websocket::close_reason reason() const = 0;
  virtual void close() = 0;
};

template <typename Next>
class ConnOf final : public Conn {
 public:
  template <typename... A>
  explicit ConnOf(A&&... a) : ws(std::forward<A>(a)...) {}
  void async_read(beast::flat_buffer& b, std::function<void(error_code)> done) override {
    ws.async_read(b, [done = std::move(done)](error_code ec, std::size_t) { done(ec); });
  }
  void async_write(const std::string& text, std::function<void(error_code)> done) override {
    ws.text(true);
    ws.async_write(asio::buffer(text),
                   [done = std::move(done)](error_code ec, std::size_t) { done(ec); });
  }
  [[nodiscard]] websocket::close_reason reason() const override { return ws.reason(); }
  void close() override {
    error_code ec;
    beast::get_lowest_layer(ws).close(ec);
  }
  websocket::stream<Next> ws;
};

}  // namespace

struct StreamTestClient::Impl {
  asio::io_context io;
  std::optional<ssl::context> tls;
  std::unique_ptr<Conn> conn;
  beast::flat_buffer buffer;
  bool reading = false;
  bool read_done = false;
  error_code read_ec;
  std::optional<StreamCloseSeen> closed;

  template <typename Pred>
  bool run_until(Pred&& done, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    io.restart();
    while (!done()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) return false;
      if (io.run_one_for(until - now) == 0 && io.stopped()) io.restart();
    }
    return true;
  }
};

StreamTestClient::StreamTestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamTestClient::~StreamTestClient() {
  if (impl_ && impl_->conn) impl_->conn->close();
}

std::unique_ptr<StreamTestClient> StreamTestClient::open(std::uint16_t port,
                                                         StreamClientOptions options,
                                                         std::string* why, unsigned* status) {
  auto impl = std::make_unique<Impl>();
  if (status) *status = 0;
  auto failed = [&](std::string text) -> std::unique_ptr<StreamTestClient> {
    if (why) *why = std::move(text);
    return nullptr;
  };
  error_code ec;
  tcp::socket socket(impl->io);
  socket.open(tcp::v4(), ec);
  if (options.receive_buffer > 0)
    socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer), ec);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return failed("connect: " + ec.message());
  websocket::response_type res;
  const std::string host = "127.0.0.1:" + std::to_string(port);
  if (!options.ca_file.empty()) {
    impl->tls.emplace(ssl::context::tls_client);
    impl->tls->load_verify_file(options.ca_file, ec);
    if (ec) return failed("ca file: " + ec.message());
    impl->tls->set_verify_mode(ssl::verify_peer);
    auto c = std::make_unique<ConnOf<ssl::stream<tcp::socket>>>(std::move(socket), *impl->tls);
    c->ws.next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    c->ws.next_layer().handshake(ssl::stream_base::client, ec);
    if (ec) return failed("TLS handshake: " + ec.message());
    c->ws.handshake(res, host, options.path, ec);
    impl->conn = std::move(c);
  } else {
    auto c = std::make_unique<ConnOf<tcp::socket>>(std::move(socket));
    c->ws.handshake(res, host, options.path, ec);
    impl->conn = std::move(c);
  }
  if (ec) {
    if (status) *status = res.result_int();
    return failed("upgrade: " + ec.message() + " (HTTP " + std::to_string(res.result_int()) + ")");
  }
  return std::unique_ptr<StreamTestClient>(new StreamTestClient(std::move(impl)));
}

bool StreamTestClient::send(std::string_view text) {
  Impl& m = *impl_;
  if (m.closed) return false;
  const std::string copy(text);
  bool done = false;
  error_code result;
  m.conn->async_write(copy, [&](error_code ec) {
    result = ec;
    done = true;
  });
  if (!m.run_until([&] { return done; }, std::chrono::seconds(10))) {
    m.conn->close();
    m.run_until([&] { return done; }, std::chrono::seconds(10));
    return false;
  }
  return !result;
}

std::optional<std::string> StreamTestClient::read(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  if (m.closed) return std::nullopt;
  if (!m.reading) {
    m.reading = true;
    m.read_done = false;
    m.conn->async_read(m.buffer, [&m](error_code ec) {
      m.read_ec = ec;
      m.read_done = true;
    });
  }
  if (!m.run_until([&] { return m.read_done; }, timeout)) return std::nullopt;
  m.reading = false;
  if (m.read_ec) {
    StreamCloseSeen c;
    if (m.read_ec == websocket::error::closed) {
      c.code = m.conn->reason().code;
      c.reason = std::string(m.conn->reason().reason.c_str());
    } else {
      c.reason = m.read_ec.message();
    }
    m.closed = std::move(c);
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(m.buffer.cdata());
  m.buffer.consume(m.buffer.size());
  return text;
}

const std::optional<StreamCloseSeen>& StreamTestClient::closed() const noexcept {
  return impl_->closed;
}

// ── the fleet ────────────────────────────────────────────────────────────────────────────────

struct StreamFleet::Impl : std::enable_shared_from_this<StreamFleet::Impl> {
  struct Member {
    explicit Member(asio::io_context& io) : ws(io) {}
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
    std::string hello;
    std::string subscribe;
    bool subscribed = false;
  };
  asio::io_context io;
  std::vector<std::unique_ptr<Member>> members;
  std::thread thread;
  std::atomic<std::size_t> subscribed{0}, closed{0};
  std::atomic<std::uint64_t> events{0};
  std::uint16_t port = 0;

  void read(Member* m) {
    m->ws.async_read(m->buffer, [this, m](error_code ec, std::size_t) {
      if (ec) {
        closed.fetch_add(1);
        return;
      }
      const auto data = m->buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      if (!m->subscribed && text.find("\"subscribed\"") != std::string_view::npos) {
        m->subscribed = true;
        subscribed.fetch_add(1);
      } else if (text.find("\"event\"") != std::string_view::npos) {
        events.fetch_add(1, std::memory_order_relaxed);
      }
      m->buffer.consume(m->buffer.size());
      read(m);
    });
  }

  void start(Member* m) {
    m->ws.next_layer().async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [this, m](error_code ec) {
          if (ec) {
            closed.fetch_add(1);
            return;
          }
          m->ws.async_handshake("127.0.0.1", "/api/v1/stream", [this, m](error_code ec2) {
            if (ec2) {
              closed.fetch_add(1);
              return;
            }
            m->ws.text(true);
            m->ws.async_write(asio::buffer(m->hello), [this, m](error_code ec3, std::size_t) {
              if (ec3) {
                closed.fetch_add(1);
                return;
              }
              m->ws.async_write(asio::buffer(m->subscribe), [this, m](error_code ec4, std::size_t) {
                if (ec4) {
                  closed.fetch_add(1);
                  return;
                }
                read(m);
              });
            });
          });
        });
  }
};

StreamFleet::StreamFleet(std::uint16_t port, std::string token, std::vector<std::string> topics,
                         std::size_t clients)
    : impl_(std::make_shared<Impl>()) {
  impl_->port = port;
  std::string list;
  for (const auto& t : topics) list += (list.empty() ? "\"" : ",\"") + t + "\"";
  for (std::size_t i = 0; i < clients; ++i) {
    auto m = std::make_unique<Impl::Member>(impl_->io);
    m->hello = R"({"op":"auth","token":")" + token + R"("})";
    m->subscribe = R"({"op":"subscribe","topics":[)" + list + "]}";
    impl_->members.push_back(std::move(m));
  }
  for (auto& m : impl_->members) impl_->start(m.get());
  impl_->thread = std::thread([raw = impl_.get()] { raw->io.run(); });
}

StreamFleet::~StreamFleet() {
  stop();
}

std::size_t StreamFleet::subscribed() const noexcept {
  return impl_->subscribed.load();
}
std::size_t StreamFleet::closed() const noexcept {
  return impl_->closed.load();
}
std::uint64_t StreamFleet::events() const noexcept {
  return impl_->events.load();
}

void StreamFleet::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [raw = impl_.get()] {
    for (auto& m : raw->members) {
      error_code ec;
      m->ws.next_layer().close(ec);
    }
  });
  impl_->io.stop();
  impl_->thread.join();
}

}  // namespace nzeza::api::test
