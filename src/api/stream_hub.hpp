#pragma once
// StreamHub: the live stream's topics, clients and queues (`/api/v1/stream`, protocol in
// docs/api.md). Beast-free: the API server (api_server.cpp) only moves frames; the hub decides what
// a client's message means and what each client is sent.
//
// Two sides:
//   * the pipeline publishes through observer(), a ServerObserver attached to the TradingServer.
//     A publish is O(1) and never waits for a client: the value is appended to an inbox under a
//     mutex (the API thread swaps the whole inbox out), and nothing at all is copied while no
//     client is authenticated. The inbox is bounded too: past kInboxLimit values a publish is
//     dropped and counted (the API thread is stalled; the pipeline is not).
//   * the API thread (drain(), on_second() and the client calls) renders each event's JSON once
//     and hands the same text to every client subscribed to its topic.
//
// Prices: at most one event per symbol per price_interval (100 ms), with the latest state.
// Each client has a bounded queue (messages and bytes). Prices are conflated per symbol: a queued
// price of a symbol that was not written yet is replaced in place by the newer one (the latest
// wins; the order among symbols is kept). A queue that overflows anyway closes its client with
// 1008 "too slow", and the drop is counted: a slow client never slows the pipeline or the others.
//
// Threading: observer() and stats() from any thread; everything else on the API server's thread.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/key_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/symbol.hpp"

namespace nzeza::app {
class ServerObserver;
struct ServerStatus;
struct TradeEvent;
}  // namespace nzeza::app

namespace nzeza::api {

enum class Topic : std::uint8_t {
  prices,
  candles,
  signals,
  orders,
  fills,
  positions,
  metrics,
  alerts
};
inline constexpr std::size_t kTopicCount = 8;
[[nodiscard]] std::string_view to_string(Topic t) noexcept;
[[nodiscard]] std::optional<Topic> parse_topic(std::string_view text) noexcept;

struct StreamHubOptions {
  std::size_t max_queue_messages = 4096;            // per client
  std::size_t max_queue_bytes = 4 * 1024 * 1024;    // per client
  Duration auth_timeout = std::chrono::seconds(5);  // from the upgrade to the auth message
  std::size_t max_errors = 20;                      // bad messages before the close
  std::size_t max_message_bytes = 64 * 1024;        // a client's message (the server enforces it)
  // At most one prices event per symbol per interval (real time; 0: one per change). Between two,
  // the symbol's latest state waits: conflated at the source, before any client's queue.
  Duration price_interval = std::chrono::milliseconds(100);
};

// What the hub needs of the API's access rules (ApiService::authenticate_stream): the scope of the
// auth message's token, or the error to tell (unauthorized, rate_limited). API thread.
using StreamAuthenticator =
    std::function<Result<Scope>(std::string_view token, const std::string& remote)>;

struct StreamClose {
  std::uint16_t code = 1000;
  std::string reason;
};

// One stream socket's state. Created by StreamHub::connect; the server's session writes what
// pop() gives and closes when close() says so. API thread only.
class StreamClient {
 public:
  // The next text to write, or nullptr when the queue is empty.
  std::shared_ptr<const std::string> pop();
  // Set once the client must be closed (after what is queued before it was set is written).
  [[nodiscard]] const std::optional<StreamClose>& close() const noexcept { return close_; }
  [[nodiscard]] bool authenticated() const noexcept { return scope_.has_value(); }
  [[nodiscard]] std::size_t queued() const noexcept { return queue_.size(); }
  // Called whenever something was queued or a close decided (the session's wake-up).
  std::function<void()> wake;

 private:
  friend class StreamHub;
  struct Queued {
    std::shared_ptr<const std::string> text;
    std::uint64_t seq = 0;
    std::uint32_t symbol = kNoSymbol;  // prices: the conflation key
  };
  static constexpr std::uint32_t kNoSymbol = 0xffffffffU;

  std::string remote_;
  std::optional<Scope> scope_;
  std::array<bool, kTopicCount> topics_{};
  std::deque<Queued> queue_;
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 0;
  std::unordered_map<std::uint32_t, std::uint64_t> price_seq_;  // symbol → seq of its queued price
  std::size_t errors_ = 0;
  std::optional<StreamClose> close_;
  bool gone_ = false;  // disconnected: receives nothing more
};

struct StreamStats {
  std::uint64_t clients = 0;                          // open stream sockets
  std::array<std::uint64_t, kTopicCount> messages{};  // events queued to clients, per topic
  std::uint64_t dropped_clients = 0;                  // closed "too slow"
  std::uint64_t conflated = 0;                        // queued prices replaced by a newer one
  std::uint64_t inbox_dropped = 0;  // published values dropped: the API thread was behind
};

class StreamHub {
 public:
  static constexpr std::size_t kInboxLimit = 65536;
  using StatusSource = std::function<Result<app::ServerStatus>()>;

  // symbols: the server's symbol table (names of the published ids). status: the server's
  // snapshot for the metrics and positions topics (empty: those topics stay silent).
  StreamHub(const SymbolTable& symbols, Clock& clock, StreamAuthenticator authenticate,
            StatusSource status, StreamHubOptions options = {});
  ~StreamHub();
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  // The pipeline's side, to attach with TradingServer::set_observer. It stays valid after the hub
  // is gone (it then drops everything).
  [[nodiscard]] std::shared_ptr<app::ServerObserver> observer() const;
  // Called (from the publishing thread) when the inbox receives its first value since the last
  // drain(): the server posts drain() to its thread. nullptr detaches (the server is stopping).
  void set_waker(std::function<void()> waker);

  // ── API thread ─────────────────────────────────────────────────────────────────────────────
  std::shared_ptr<StreamClient> connect(std::string remote);
  // One text message of the client.
  void receive(StreamClient& client, std::string_view text);
  // The auth deadline passed: closes the client unless it has authenticated.
  void auth_expired(StreamClient& client);
  // The socket is gone.
  void disconnect(StreamClient& client);
  // Renders what the pipeline published since the last call and fans it out; prices whose
  // interval has passed too (the server also calls it every price_interval for those).
  void drain();
  // Once a second: the metrics summary and the positions that changed (asks the server only when
  // a client is subscribed to them).
  void on_second();
  [[nodiscard]] const StreamHubOptions& options() const noexcept { return options_; }

  // Any thread.
  [[nodiscard]] StreamStats stats() const;

  struct Inbox;

 private:
  void reply(StreamClient& c, std::string text);
  void fail(StreamClient& c, std::string_view code, std::string_view message);
  void close(StreamClient& c, std::uint16_t code, std::string reason);
  void fan_out(Topic topic, const std::shared_ptr<const std::string>& text,
               std::uint32_t symbol = StreamClient::kNoSymbol);
  bool enqueue(StreamClient& c, const std::shared_ptr<const std::string>& text,
               std::uint32_t symbol);
  [[nodiscard]] std::string subscribed_text(const StreamClient& c) const;
  [[nodiscard]] std::string envelope(Topic topic, const std::string& data) const;
  void update_active();
  void flush_prices();

  struct PriceState;
  const SymbolTable& symbols_;
  Clock& clock_;
  StreamAuthenticator authenticate_;
  StatusSource status_;
  StreamHubOptions options_;
  std::shared_ptr<Inbox> inbox_;
  std::vector<std::shared_ptr<StreamClient>> clients_;
  std::unordered_map<std::uint32_t, std::unique_ptr<PriceState>> prices_;
  std::vector<std::uint32_t> pending_prices_;  // moved since their last event, in that order
  std::unordered_map<std::string, std::string> positions_;  // "symbol|venue" → last data sent
  std::atomic<std::uint64_t> open_{0}, dropped_{0}, conflated_{0};
  std::array<std::atomic<std::uint64_t>, kTopicCount> messages_{};
};

}  // namespace nzeza::api
