#pragma once
// Real WebSocket clients of /api/v1/stream (Beast, behind this plain header): one synchronous
// client for tests, and a fleet of many on one thread for the load benchmark.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nzeza::api::test {

struct StreamCloseSeen {
  std::uint16_t code = 0;  // 0: the socket ended without a close frame
  std::string reason;
};

struct StreamClientOptions {
  std::string ca_file;  // set: wss, verified against this CA (IP 127.0.0.1)
  std::string path = "/api/v1/stream";
  int receive_buffer = 0;  // > 0: SO_RCVBUF before connecting (slow-client tests)
};

class StreamTestClient {
 public:
  // Connects to 127.0.0.1:port and upgrades. nullptr when it could not; *why then says why and
  // *status holds the HTTP status of a refused upgrade (0 when there was none).
  static std::unique_ptr<StreamTestClient> open(std::uint16_t port,
                                                StreamClientOptions options = {},
                                                std::string* why = nullptr,
                                                unsigned* status = nullptr);
  ~StreamTestClient();
  StreamTestClient(const StreamTestClient&) = delete;
  StreamTestClient& operator=(const StreamTestClient&) = delete;

  bool send(std::string_view text);
  // The next text message within `timeout`; nullopt on timeout or once the socket is closed
  // (closed() then says how).
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  [[nodiscard]] const std::optional<StreamCloseSeen>& closed() const noexcept;

  struct Impl;

 private:
  explicit StreamTestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Many clients on one thread of their own: each connects, authenticates with `token`, subscribes
// to `topics` and counts the events it reads (and reads as fast as it can).
class StreamFleet {
 public:
  StreamFleet(std::uint16_t port, std::string token, std::vector<std::string> topics,
              std::size_t clients);
  ~StreamFleet();  // stop()
  StreamFleet(const StreamFleet&) = delete;
  StreamFleet& operator=(const StreamFleet&) = delete;

  [[nodiscard]] std::size_t subscribed() const noexcept;  // clients that got "subscribed"
  [[nodiscard]] std::size_t closed() const noexcept;      // clients whose socket ended
  [[nodiscard]] std::uint64_t events() const noexcept;    // events read by all clients
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::api::test
