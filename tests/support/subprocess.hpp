#pragma once
// Subprocess: runs a real program (the nzeza binary, a simulator server) for end-to-end tests,
// with pipes on stdin, stdout and stderr, line reads bounded by a real-time guard, and a kill
// that never leaves a child behind (the destructor kills and reaps).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nzeza::testsupport {

class Subprocess {
 public:
  // Starts `argv[0]` (a path) with the arguments and, added to the environment, `env` entries
  // of the form "NAME=value". Throws std::runtime_error when the program cannot be started.
  explicit Subprocess(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // The next stdout line (without '\n'), or nullopt at EOF or after `guard`.
  std::optional<std::string> read_line(std::chrono::milliseconds guard = std::chrono::seconds(10));
  // Closes the child's stdin (simulators stop at EOF).
  void close_stdin();
  // Waits for the exit; the exit status (128 + signal when killed), or nullopt after `guard`.
  std::optional<int> wait(std::chrono::milliseconds guard = std::chrono::seconds(10));
  // Everything read from stdout after the lines consumed by read_line, and all of stderr, once
  // the child has exited (call after wait()).
  std::string rest_of_stdout();
  std::string all_stderr();
  void terminate();  // SIGTERM
  [[nodiscard]] int pid() const noexcept { return pid_; }

 private:
  void pump(std::chrono::milliseconds guard);  // reads what is available from both pipes
  int pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_buf_;
  std::string err_buf_;
  bool out_eof_ = false;
  bool err_eof_ = false;
  std::optional<int> status_;
};

// Runs a program to completion and answers its exit status, stdout and stderr.
struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
  bool timed_out = false;
};
RunResult run_program(std::vector<std::string> argv, std::vector<std::string> env = {},
                      std::chrono::milliseconds guard = std::chrono::seconds(20));

}  // namespace nzeza::testsupport
