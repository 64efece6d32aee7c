#include "e2e/server_live/venue_front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nzeza::app::e2e {
namespace {

constexpr std::size_t kMaxRequestLine = 16 * 1024;

void no_delay(int fd) {
  const int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  no_delay(fd);
  return fd;
}

// "GET /ws-api/v3?x=1 HTTP/1.1" → "/ws-api/v3"
std::string request_path(std::string_view head) {
  const auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const auto first = line.find(' ');
  if (first == std::string_view::npos) return {};
  const auto second = line.find(' ', first + 1);
  std::string_view target = line.substr(
      first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1);
  return std::string(target.substr(0, target.find('?')));
}

}  // namespace

std::uint16_t url_port(std::string_view url) {
  const auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return 0;
  unsigned value = 0;
  for (const char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return 0;
  }
  return static_cast<std::uint16_t>(value);
}

struct VenueFront::Impl : std::enable_shared_from_this<VenueFront::Impl> {
  std::uint16_t default_port = 0;
  std::map<std::string, std::uint16_t> routes;
  int listen_fd = -1;
  std::uint16_t port = 0;
  std::array<int, 2> wake{-1, -1};
  std::thread acceptor;
  std::once_flag refuse_once;
  std::once_flag stop_once;

  mutable std::mutex mu;
  bool refused = false;
  std::vector<int> open_fds;  // every live socket of every relay (client and upstream sides)
  std::vector<std::thread> relays;
  std::vector<std::string> first_paths;

  std::uint16_t upstream_for(const std::string& path) const {
    std::size_t best = 0;
    std::uint16_t port_for = default_port;
    for (const auto& [prefix, p] : routes) {
      if (path.rfind(prefix, 0) == 0 && prefix.size() >= best) {
        best = prefix.size();
        port_for = p;
      }
    }
    return port_for;
  }

  // Registers a socket so refuse() can shut it down; false (and shut down) when already refused.
  bool track(int fd) {
    std::lock_guard lock(mu);
    open_fds.push_back(fd);
    if (refused) {
      ::shutdown(fd, SHUT_RDWR);
      return false;
    }
    return true;
  }
  void release(int fd) {
    {
      std::lock_guard lock(mu);
      open_fds.erase(std::remove(open_fds.begin(), open_fds.end(), fd), open_fds.end());
    }
    ::close(fd);
  }

  void accept_loop() {
    for (;;) {
      std::array<pollfd, 2> fds{pollfd{listen_fd, POLLIN, 0}, pollfd{wake[0], POLLIN, 0}};
      const int n = ::poll(fds.data(), fds.size(), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || (fds[1].revents & POLLIN) != 0) break;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const int client = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      no_delay(client);
      if (!track(client)) {
        release(client);
        continue;
      }
      std::lock_guard lock(mu);
      relays.emplace_back([self = shared_from_this(), client] { self->relay(client); });
    }
    ::close(listen_fd);  // from here on a connect is refused
    listen_fd = -1;
  }

  void relay(int client) {
    // The first request line decides the upstream.
    std::string head;
    std::array<char, 4096> buf{};
    while (head.find("\r\n") == std::string::npos && head.size() < kMaxRequestLine) {
      const ssize_t n = ::recv(client, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        release(client);
        return;
      }
      head.append(buf.data(), static_cast<std::size_t>(n));
    }
    const std::string path = request_path(head);
    {
      std::lock_guard lock(mu);
      first_paths.push_back(path);
    }
    const int upstream = connect_loopback(upstream_for(path));
    if (upstream < 0) {
      release(client);
      return;
    }
    if (!track(upstream) || !write_all(upstream, head.data(), head.size())) {
      release(upstream);
      release(client);
      return;
    }
    // Both ways until both sides have finished sending; a half-close is passed on.
    std::array<int, 2> from{client, upstream};
    std::array<int, 2> to{upstream, client};
    std::array<bool, 2> open{true, true};
    while (open[0] || open[1]) {
      std::array<pollfd, 2> fds{pollfd{open[0] ? from[0] : -1, POLLIN, 0},
                                pollfd{open[1] ? from[1] : -1, POLLIN, 0}};
      const int n = ::poll(fds.data(), fds.size(), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      bool failed = false;
      for (std::size_t i = 0; i < 2; ++i) {
        if (!open[i] || fds[i].revents == 0) continue;
        const ssize_t r = ::recv(from[i], buf.data(), buf.size(), 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
          failed = true;  // a reset: pass it on by closing both
          break;
        }
        if (r == 0) {
          open[i] = false;
          ::shutdown(to[i], SHUT_WR);
          continue;
        }
        if (!write_all(to[i], buf.data(), static_cast<std::size_t>(r))) {
          failed = true;
          break;
        }
      }
      if (failed) break;
    }
    release(upstream);
    release(client);
  }
};

VenueFront::VenueFront(std::uint16_t default_port, std::map<std::string, std::uint16_t> routes)
    : impl_(std::make_shared<Impl>()) {
  impl_->default_port = default_port;
  impl_->routes = std::move(routes);
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (impl_->listen_fd < 0 ||
      ::bind(impl_->listen_fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(impl_->listen_fd, 64) != 0 ||
      ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
      ::pipe2(impl_->wake.data(), O_CLOEXEC) != 0)
    throw std::runtime_error("VenueFront: cannot listen on 127.0.0.1");
  impl_->port = ntohs(a.sin_port);
  impl_->acceptor = std::thread([impl = impl_] { impl->accept_loop(); });
}

VenueFront::~VenueFront() {
  stop();
}

std::string VenueFront::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::size_t VenueFront::connections(std::string_view prefix) const {
  std::lock_guard lock(impl_->mu);
  return static_cast<std::size_t>(
      std::count_if(impl_->first_paths.begin(), impl_->first_paths.end(),
                    [&](const std::string& p) { return p.rfind(prefix, 0) == 0; }));
}

void VenueFront::refuse() {
  Impl& m = *impl_;
  std::call_once(m.refuse_once, [&m] {
    {
      std::lock_guard lock(m.mu);
      m.refused = true;
    }
    const char byte = 1;
    (void)!::write(m.wake[1], &byte, 1);
    m.acceptor.join();  // the listener is closed when it returns
    std::lock_guard lock(m.mu);
    for (const int fd : m.open_fds) ::shutdown(fd, SHUT_RDWR);
  });
}

void VenueFront::stop() {
  refuse();
  Impl& m = *impl_;
  std::call_once(m.stop_once, [&m] {
    std::vector<std::thread> relays;
    {
      std::lock_guard lock(m.mu);
      relays.swap(m.relays);
    }
    for (auto& t : relays) t.join();
    ::close(m.wake[0]);
    ::close(m.wake[1]);
  });
}

}  // namespace nzeza::app::e2e
