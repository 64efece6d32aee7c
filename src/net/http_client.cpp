// HttpClient on Boost.Beast. Each request is one coroutine on the client's strand, reading top to
// bottom: take a pooled connection or open one (resolve -> TCP -> TLS) -> write -> read -> return
// the connection to the pool. The request deadline is a ClockAlarm that closes the socket, so a
// ManualClock drives timeouts in tests.
#include "net/http_client.hpp"

#include <openssl/ssl.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

#include "net/detail/asio_context.hpp"
#include "net/detail/clock_alarm.hpp"
#include "net/detail/dial.hpp"
#include "net/detail/tls_context.hpp"
#include "net/url.hpp"

namespace nzeza::net {

namespace http = beast::http;
using detail::ClockAlarm;
using detail::Strand;

namespace {

// Methods that change nothing at the server. Only these are re-sent after the request was
// written: venues use DELETE to cancel and PUT to amend, and a second cancel of a cancelled order
// answers "unknown order" — a resend turns a lost answer into a wrong one.
bool safe_to_resend(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// What an error message may say about a request: method, scheme://authority and path. Never the
// query (Binance signs GET and DELETE requests there: signature=...) nor the body.
std::string describe(std::string_view method, const Url& url) {
  const std::string_view target = url.target;
  return std::string(method) + " " + url.scheme + "://" + url.authority() +
         std::string(target.substr(0, target.find('?')));
}

// The same for a URL that did not parse: the text without its query, fragment and userinfo.
std::string redact_url(std::string_view text) {
  text = text.substr(0, text.find_first_of("?#"));
  const auto sep = text.find("://");
  const auto start = sep == std::string_view::npos ? 0 : sep + 3;
  const auto end = text.find('/', start);
  const auto at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return std::string(text.substr(0, start)) + "***@" + std::string(text.substr(at + 1));
}

// `message` with every occurrence of the raw URL replaced by its redacted form.
std::string redact_in(std::string message, std::string_view raw_url) {
  if (raw_url.empty()) return message;
  const std::string safe = redact_url(raw_url);
  for (auto pos = message.find(raw_url); pos != std::string::npos;
       pos = message.find(raw_url, pos + safe.size())) {
    message.replace(pos, raw_url.size(), safe);
  }
  return message;
}

using Parser = http::response_parser<http::string_body>;

// One HTTP connection over TCP or TLS; used by one request at a time, on the strand.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual asio::awaitable<Status> open(const Url& url, const TlsConfig& tls) = 0;
  // The error and how many bytes of the request were handed to the socket.
  virtual asio::awaitable<std::pair<error_code, std::size_t>> write(
      http::request<http::string_body>& request) = 0;
  virtual asio::awaitable<error_code> read(Parser& parser) = 0;
  virtual void abort() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
  // Open, and the server has neither closed it nor sent anything since the last response (an
  // idle connection with bytes or a FIN pending is about to be closed: never reuse it).
  [[nodiscard]] virtual bool is_reusable() = 0;
};

template <typename Stream>
class HttpConnection final : public Connection {
 public:
  template <typename... Args>
  explicit HttpConnection(Strand strand, Args&&... args)
      : stream_(strand, std::forward<Args>(args)...), resolver_(strand) {}

  asio::awaitable<Status> open(const Url& url, const TlsConfig& tls) override {
    return dial(stream_, resolver_, aborted_, url, tls);
  }

  asio::awaitable<std::pair<error_code, std::size_t>> write(
      http::request<http::string_body>& request) override {
    error_code ec;
    const std::size_t n =
        co_await http::async_write(stream_, request, asio::redirect_error(kAwait, ec));
    co_return std::pair{ec, n};
  }

  asio::awaitable<error_code> read(Parser& parser) override {
    error_code ec;
    co_await http::async_read(stream_, buffer_, parser, asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  void abort() override {
    aborted_ = true;
    resolver_.cancel();
    beast::get_lowest_layer(stream_).close();
  }

  bool is_open() const override { return beast::get_lowest_layer(stream_).socket().is_open(); }

  bool is_reusable() override {
    if (!is_open() || buffer_.size() != 0) return false;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    error_code ec;
    const bool was_non_blocking = socket.non_blocking();
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    const std::size_t n =
        socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
    error_code restore;
    socket.non_blocking(was_non_blocking, restore);
    // would_block: nothing pending, the peer keeps it open. Anything else (EOF, data, error)
    // means it is closing or out of step.
    return n == 0 && ec == asio::error::would_block;
  }

 private:
  Stream stream_;
  tcp::resolver resolver_;
  beast::flat_buffer buffer_;  // bytes read past one response belong to the next
  bool aborted_ = false;       // abort() was called (strand only)
};

bool stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (beast::iequals(h.name, name)) return h.value;
  }
  return {};
}

std::optional<Duration> HttpResponse::retry_after(Timestamp now) const {
  const std::string_view value = header("Retry-After");
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc{} && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  // HTTP-date: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const auto at = Timestamp::from_seconds(static_cast<std::int64_t>(timegm(&tm)));
  return std::max(Duration::zero(), at - now);
}

Status HttpResponse::check() const {
  if (success()) return {};
  ErrorCode code = ErrorCode::rejected;
  if (status == 429) {
    code = ErrorCode::rate_limited;
  } else if (status == 418) {
    code = ErrorCode::banned;
  } else if (status == 401 || status == 403) {
    code = ErrorCode::auth_failed;
  } else if (status >= 500) {
    code = ErrorCode::unavailable;
  } else if (status == 408) {
    code = ErrorCode::timeout;
  }
  std::string message = "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
  const std::string_view retry = header("Retry-After");
  if (!retry.empty()) message += " (Retry-After: " + std::string(retry) + ")";
  Error e(code, std::move(message), std::to_string(status), body.substr(0, 512));
  // A 5xx or a proxy's 408 says nothing of what the server behind did with the request.
  if (status >= 500 || status == 408) e.delivery = Delivery::answer_unknown;
  return e;
}

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(NetContext& n, Clock& c, HttpClientConfig cfg)
      : net(n), clock(c), config(std::move(cfg)), strand(asio::make_strand(io_of(net))) {}

  NetContext& net;
  Clock& clock;
  const HttpClientConfig config;
  Strand strand;

  // --- strand-only ---
  std::map<std::string, std::vector<std::shared_ptr<Connection>>> idle;  // by scheme://authority
  std::set<std::shared_ptr<Connection>> busy;
  std::shared_ptr<ssl::context> tls_context;
  std::optional<Error> tls_error;
  bool closing = false;

  // --- shared ---
  mutable std::mutex mu;
  std::condition_variable idle_cv;
  HttpClientStats stats;
  std::size_t in_flight = 0;
  std::size_t idle_count = 0;

  void count(std::uint64_t HttpClientStats::*field) {
    std::lock_guard lock(mu);
    ++(stats.*field);
  }

  Result<std::shared_ptr<ssl::context>> tls() {
    if (tls_error) return *tls_error;
    if (!tls_context) {
      auto ctx = detail::make_client_tls_context(config.tls);
      if (!ctx.ok()) {
        tls_error = ctx.error();
        return *tls_error;
      }
      tls_context = std::move(ctx).value();
    }
    return tls_context;
  }

  std::shared_ptr<Connection> take_idle(const std::string& key) {
    auto it = idle.find(key);
    while (it != idle.end() && !it->second.empty()) {
      auto conn = std::move(it->second.back());
      it->second.pop_back();
      set_idle_count(-1);
      if (conn->is_reusable()) return conn;
    }
    return nullptr;
  }

  void give_back(const std::string& key, std::shared_ptr<Connection> conn) {
    auto& pool = idle[key];
    if (closing || pool.size() >= config.max_idle_per_host) return;
    pool.push_back(std::move(conn));
    set_idle_count(+1);
  }

  void set_idle_count(int delta) {
    std::lock_guard lock(mu);
    idle_count = static_cast<std::size_t>(static_cast<long>(idle_count) + delta);
  }

  // Per-request deadline state, shared with the deadline's Clock callback.
  struct Call {
    Call(Clock& clock, Strand strand) : deadline(clock, std::move(strand)) {}
    ClockAlarm deadline;
    bool timed_out = false;
    bool written = false;         // some byte of the request reached a socket (any attempt)
    bool answer_started = false;  // some byte of an answer arrived (any attempt)
    std::shared_ptr<Connection> current;

    // How far the request got, for an error that ends it.
    [[nodiscard]] Delivery delivery() const {
      if (!written) return Delivery::not_sent;
      return answer_started ? Delivery::answer_cut : Delivery::sent_no_answer;
    }
  };

  struct Attempt {
    Result<HttpResponse> result = Error(ErrorCode::internal, "no result");
    bool retry_on_fresh = false;
  };

  // One try on one connection (pooled if `reuse`); the deadline state is shared across tries.
  asio::awaitable<Attempt> attempt(const Url& url, const std::string& key,
                                   http::request<http::string_body>& request,
                                   const std::string& what, bool reuse, Call& call) {
    bool& timed_out = call.timed_out;
    Attempt out;
    std::shared_ptr<Connection> conn = reuse ? take_idle(key) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) {
      if (url.tls()) {
        auto ctx = tls();
        if (!ctx.ok()) {
          out.result = Error(ctx.error()).with_delivery(call.delivery());
          co_return out;
        }
        conn =
            std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(strand, **ctx);
      } else {
        conn = std::make_shared<HttpConnection<beast::tcp_stream>>(strand);
      }
    }
    call.current = conn;
    busy.insert(conn);
    struct Release {
      Impl* impl;
      std::shared_ptr<Connection> conn;
      ~Release() { impl->busy.erase(conn); }
    } release{this, conn};

    if (!reused) {
      Status opened = co_await conn->open(url, config.tls);
      if (!opened.ok()) {
        out.result = timed_out ? Error(ErrorCode::timeout, what + ": no response within deadline")
                               : Error(opened.error().code, what + ": " + opened.error().message);
        out.result = Error(out.result.error()).with_delivery(call.delivery());
        co_return out;
      }
      count(&HttpClientStats::connections_opened);
    }

    auto [ec, written_bytes] = co_await conn->write(request);
    if (written_bytes > 0) call.written = true;
    if (ec) {
      if (reused && written_bytes == 0 && !timed_out && !closing && stale_connection_error(ec)) {
        out.retry_on_fresh = true;  // nothing written: always safe to retry
        co_return out;
      }
      out.result = Error(ErrorCode::network,
                         what + ": sending the request failed: " + ec.message() +
                             (call.written ? " (after some of it was written: it may have been "
                                             "executed)"
                                           : " (nothing was written)"))
                       .with_delivery(call.delivery());
      co_return out;
    }
    call.written = true;

    Parser parser;
    parser.body_limit(config.max_response_bytes);
    parser.header_limit(64 * 1024);
    if (request.method() == http::verb::head) parser.skip(true);
    ec = co_await conn->read(parser);
    if (parser.got_some()) call.answer_started = true;
    if (ec) {
      if (reused && !parser.got_some() && !timed_out && !closing && stale_connection_error(ec) &&
          safe_to_resend(request.method_string())) {
        out.retry_on_fresh = true;
        co_return out;
      }
      out.result = Error(ErrorCode::network, what + ": " + ec.message());
      if (ec == http::error::body_limit) {
        out.result = Error(ErrorCode::protocol, what + ": response larger than the " +
                                                    std::to_string(config.max_response_bytes) +
                                                    "-byte limit");
      } else if (ec == http::error::partial_message ||
                 (parser.is_header_done() && stale_connection_error(ec))) {
        out.result = Error(ErrorCode::protocol, what +
                                                    ": response body truncated (connection "
                                                    "closed mid-body)");
      } else if (ec == asio::error::connection_reset) {
        out.result = Error(ErrorCode::network, what + ": connection reset by the server");
      } else if (stale_connection_error(ec)) {
        out.result =
            Error(ErrorCode::network, what + ": connection closed by the server before a response");
      } else if (ec.category() == error_code(http::error::bad_version).category()) {
        out.result = Error(ErrorCode::protocol, what + ": malformed response: " + ec.message());
      }
      // The request was written: whatever broke after, the server may have executed it.
      Error e = Error(out.result.error()).with_delivery(call.delivery());
      if (e.code == ErrorCode::network) {
        e.message += " after the request was written (it may have been executed)";
      }
      out.result = std::move(e);
      co_return out;
    }

    auto message = parser.release();
    HttpResponse response;
    response.status = message.result_int();
    response.reason = std::string(message.reason());
    for (const auto& field : message) {
      response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(message.body());
    response.reused_connection = reused;
    if (reused) count(&HttpClientStats::reused);
    if (message.keep_alive() && !timed_out) give_back(key, conn);
    out.result = std::move(response);
    co_return out;
  }

  asio::awaitable<void> perform(std::shared_ptr<Impl> self, HttpRequest req, Callback callback) {
    Result<HttpResponse> result = co_await run_request(req);
    count(&HttpClientStats::requests);
    callback(std::move(result));
    {
      std::lock_guard lock(mu);
      --in_flight;
    }
    idle_cv.notify_all();
    (void)self;
  }

  asio::awaitable<Result<HttpResponse>> run_request(const HttpRequest& req) {
    auto url = parse_url(req.url);
    if (!url.ok()) {
      Error e = url.error();
      e.message = req.method + ": " + redact_in(std::move(e.message), req.url);
      co_return std::move(e).with_delivery(Delivery::not_sent);
    }
    const std::string what = describe(req.method, *url);
    if (closing) {
      co_return Error(ErrorCode::cancelled, what + ": client destroyed")
          .with_delivery(Delivery::not_sent);
    }
    if (url->scheme != "http" && url->scheme != "https") {
      co_return Error(ErrorCode::invalid_argument,
                      what + ": an HTTP URL must start with http:// or https://")
          .with_delivery(Delivery::not_sent);
    }
    const std::string key = url->scheme + "://" + url->authority();

    http::request<http::string_body> request;
    request.method_string(req.method);
    request.target(url->target);
    request.version(11);
    request.set(http::field::host, url->host_header());
    request.set(http::field::user_agent, config.user_agent);
    for (const auto& h : req.headers) request.set(h.name, h.value);
    request.body() = req.body;
    request.keep_alive(true);
    request.prepare_payload();

    const Duration timeout = req.timeout > Duration::zero() ? req.timeout : config.request_timeout;
    // The deadline's state outlives this frame if the Clock fires while the frame ends.
    auto call = std::make_shared<Call>(clock, strand);
    call->deadline.arm(timeout, std::weak_ptr<void>(call), [raw = call.get()] {
      raw->timed_out = true;
      if (raw->current) raw->current->abort();
    });

    Attempt a = co_await attempt(*url, key, request, what, true, *call);
    if (a.retry_on_fresh) {
      count(&HttpClientStats::stale_retries);
      a = co_await attempt(*url, key, request, what, false, *call);
    }
    call->deadline.disarm();
    if (call->timed_out) {
      Error e(ErrorCode::timeout, what + ": no complete response within " + seconds_text(timeout) +
                                      (call->written ? " (the request may have been executed)"
                                                     : " (nothing was sent)"));
      e.delivery = call->delivery();
      co_return e;
    }
    if (closing && !a.result.ok()) {
      Error e(ErrorCode::cancelled, what + ": client destroyed");
      e.delivery = call->delivery();
      co_return e;
    }
    co_return std::move(a.result);
  }
};

HttpClient::HttpClient(NetContext& net, Clock& clock, HttpClientConfig config)
    : impl_(std::make_shared<Impl>(net, clock, std::move(config))) {}

HttpClient::~HttpClient() {
  asio::post(impl_->strand, [impl = impl_] {
    impl->closing = true;
    for (const auto& conn : impl->busy) conn->abort();
    for (auto& [key, pool] : impl->idle) {
      for (auto& conn : pool) conn->abort();
    }
    impl->idle.clear();
  });
  if (impl_->net.running() && !impl_->net.on_loop_thread()) {
    std::unique_lock lock(impl_->mu);
    impl_->idle_cv.wait_for(lock, std::chrono::seconds(5), [&] { return impl_->in_flight == 0; });
  }
}

void HttpClient::async_request(HttpRequest request, Callback callback) {
  {
    std::lock_guard lock(impl_->mu);
    ++impl_->in_flight;
  }
  asio::post(impl_->strand, [impl = impl_, request = std::move(request),
                             callback = std::move(callback)]() mutable {
    asio::co_spawn(impl->strand, impl->perform(impl, std::move(request), std::move(callback)),
                   asio::detached);
  });
}

std::future<Result<HttpResponse>> HttpClient::request(HttpRequest request) {
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  auto future = promise->get_future();
  async_request(std::move(request),
                [promise](Result<HttpResponse> result) { promise->set_value(std::move(result)); });
  return future;
}

Result<HttpResponse> HttpClient::request_blocking(HttpRequest request) {
  if (impl_->net.on_loop_thread()) {
    return Error(ErrorCode::invalid_state,
                 request.method + " " + redact_url(request.url) +
                     ": request_blocking called on the network thread (would deadlock)")
        .with_delivery(Delivery::not_sent);
  }
  if (!impl_->net.running()) {
    return Error(ErrorCode::invalid_state,
                 request.method + " " + redact_url(request.url) + ": the NetContext is not running")
        .with_delivery(Delivery::not_sent);
  }
  return this->request(std::move(request)).get();
}

HttpClientStats HttpClient::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->idle_count;
}

}  // namespace nzeza::net
