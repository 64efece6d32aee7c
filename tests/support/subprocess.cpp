#include "support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX

namespace nzeza::testsupport {
namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, std::vector<std::string> env) {
  if (argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  int in[2];
  int out[2];
  int err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("Subprocess: pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (auto& e : env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  if (rc != 0) {
    close_fd(in_);
    close_fd(out_);
    close_fd(err_);
    pid_ = -1;
    throw std::runtime_error("Subprocess: cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  ::signal(SIGPIPE, SIG_IGN);
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
}

void Subprocess::pump(std::chrono::milliseconds guard) {
  pollfd fds[2];
  int n = 0;
  if (!out_eof_) fds[n++] = pollfd{out_, POLLIN, 0};
  if (!err_eof_) fds[n++] = pollfd{err_, POLLIN, 0};
  if (n == 0) return;
  if (::poll(fds, static_cast<nfds_t>(n), static_cast<int>(guard.count())) <= 0) return;
  char buf[4096];
  for (int i = 0; i < n; ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
    const bool is_out = fds[i].fd == out_;
    if (got <= 0) {
      (is_out ? out_eof_ : err_eof_) = true;
    } else {
      (is_out ? out_buf_ : err_buf_).append(buf, static_cast<std::size_t>(got));
    }
  }
}

std::optional<std::string> Subprocess::read_line(std::chrono::milliseconds guard) {
  const auto give_up = Clock::now() + guard;
  for (;;) {
    const auto nl = out_buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      return line;
    }
    if (out_eof_) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pump(std::min(left, std::chrono::milliseconds(100)));
  }
}

void Subprocess::close_stdin() {
  close_fd(in_);
}

void Subprocess::terminate() {
  if (pid_ > 0 && !status_) ::kill(pid_, SIGTERM);
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds guard) {
  if (status_) return status_;
  const auto give_up = Clock::now() + guard;
  for (;;) {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      // Drain what is left in the pipes.
      while (!out_eof_ || !err_eof_) pump(std::chrono::milliseconds(100));
      return status_;
    }
    if (Clock::now() >= give_up) return std::nullopt;
    pump(std::chrono::milliseconds(20));
  }
}

std::string Subprocess::rest_of_stdout() {
  return std::exchange(out_buf_, {});
}
std::string Subprocess::all_stderr() {
  return err_buf_;
}

RunResult run_program(std::vector<std::string> argv, std::vector<std::string> env,
                      std::chrono::milliseconds guard) {
  Subprocess p(std::move(argv), std::move(env));
  p.close_stdin();
  RunResult r;
  auto st = p.wait(guard);
  if (!st) {
    r.timed_out = true;
    p.terminate();
    st = p.wait(std::chrono::seconds(5));
  }
  r.status = st.value_or(-1);
  r.out = p.rest_of_stdout();
  r.err = p.all_stderr();
  return r;
}

}  // namespace nzeza::testsupport
