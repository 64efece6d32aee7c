#pragma once
// A blocking HTTP/1.1 client on a plain POSIX socket, for the API tests: it writes exactly the
// bytes a test gives it (malformed requests, headers byte by byte) and reads answers with a
// real-time guard, so a test waits on the server's answer, never on a sleep.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace nzeza::api::test {

struct RawResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  [[nodiscard]] bool connected() const noexcept { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Waits up to `guard` for bytes; false at EOF, error or guard.
  bool read_some(std::chrono::milliseconds guard) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(guard.count())) <= 0) return false;
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // The next complete response (Content-Length framed), or nullopt after `guard` or at EOF.
  std::optional<RawResponse> read_response(
      std::chrono::milliseconds guard = std::chrono::milliseconds(5000)) {
    const auto give_up = std::chrono::steady_clock::now() + guard;
    for (;;) {
      if (auto r = parse()) return r;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          give_up - std::chrono::steady_clock::now());
      if (left.count() <= 0 || closed_) return std::nullopt;
      if (!read_some(left) && closed_) {
        if (auto r = parse()) return r;
        return std::nullopt;
      }
    }
  }

  // True once the server closed the connection (EOF), within `guard`.
  bool closed_by_server(std::chrono::milliseconds guard = std::chrono::milliseconds(5000)) {
    const auto give_up = std::chrono::steady_clock::now() + guard;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          give_up - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!read_some(left) && !closed_) return false;
    }
    return true;
  }

  std::optional<RawResponse> request(std::string_view method, std::string_view path,
                                     std::string_view token = {}, std::string_view body = {}) {
    std::string req =
        std::string(method) + " " + std::string(path) + " HTTP/1.1\r\n" + "Host: 127.0.0.1\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + std::string(token) + "\r\n";
    if (!body.empty() || method == "POST") {
      req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    }
    req += "\r\n";
    req += body;
    if (!send(req)) return std::nullopt;
    return read_response();
  }

 private:
  std::optional<RawResponse> parse() {
    const auto end = in_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    RawResponse r;
    const std::string head = in_.substr(0, end);
    const auto sp = head.find(' ');
    if (sp == std::string::npos) return std::nullopt;
    r.status = static_cast<unsigned>(std::stoul(head.substr(sp + 1, 3)));
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos < head.size()) {
      const auto next = head.find("\r\n", pos + 2);
      const std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      pos = next;
    }
    const std::size_t length =
        r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    if (in_.size() < end + 4 + length) return std::nullopt;
    r.body = in_.substr(end + 4, length);
    in_.erase(0, end + 4 + length);
    return r;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string in_;
};

// One request on a fresh connection.
inline std::optional<RawResponse> http_request(std::uint16_t port, std::string_view method,
                                               std::string_view path, std::string_view token = {},
                                               std::string_view body = {}) {
  RawConnection c(port);
  if (!c.connected()) return std::nullopt;
  return c.request(method, path, token, body);
}

}  // namespace nzeza::api::test
