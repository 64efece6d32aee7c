#include "cli/run_command.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/operator_api.hpp"
#include "app/config/config.hpp"
#include "app/status_view.hpp"
#include "app/trading_server.hpp"
#include "cli/config_file.hpp"
#include "cli/stop_signals.hpp"
#include "cli/time_arg.hpp"
#include "core/clock.hpp"

namespace nzeza::cli {
namespace {

// ── signals ──────────────────────────────────────────────────────────────────────────────────
// SIGINT and SIGTERM are blocked in every thread (the mask is set before the server starts any)
// and taken by the main loop with sigtimedwait, so the first one is an ordinary event of the
// loop: an orderly stop. During the stop they are unblocked on the main thread with a handler
// that leaves at once (128 + signal): a second Ctrl-C never waits for a stuck stop.

extern "C" void leave_at_once(int signal) {
  constexpr char kMsg[] = "\nnzeza run: second interrupt during the stop: exiting now\n";
  (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  ::_exit(128 + signal);
}

void exit_on_next_signal() {
  struct sigaction sa {};
  sa.sa_handler = leave_at_once;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  const sigset_t set = stop_signals();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

// ── output ───────────────────────────────────────────────────────────────────────────────────
// One writer for stdout, shared by the main loop (status) and the execution thread (events).
//   live:  a terminal: the status block stays at the bottom, redrawn in place (ANSI cursor-up
//          and clear to the end of the screen); event lines scroll above it
//   plain: the status block printed as plain lines every --status-every seconds
//   json:  one JSON object per line
class Console {
 public:
  enum class Style : std::uint8_t { live, plain, json };
  Console(Style style, app::StatusView view) : style_(style), view_(std::move(view)) {}

  [[nodiscard]] Style style() const noexcept { return style_; }

  void event(const app::TradeEvent& e) {
    std::lock_guard lock(mu_);
    if (style_ == Style::json) {
      std::cout << app::StatusView::event_json(e) << '\n' << std::flush;
      return;
    }
    erase_block();
    std::cout << app::StatusView::event_line(e) << '\n';
    draw_block();
  }

  void status(const app::ServerStatus& s) {
    std::lock_guard lock(mu_);
    if (style_ == Style::json) {
      std::cout << view_.status_json(s) << '\n' << std::flush;
      return;
    }
    if (style_ == Style::plain) {
      for (const auto& l : view_.block(s)) std::cout << l << '\n';
      std::cout << std::flush;
      return;
    }
    erase_block();
    block_ = view_.block(s);
    draw_block();
  }

  // The block stays where it is; what follows prints below it.
  void release_block() {
    std::lock_guard lock(mu_);
    drawn_ = 0;
    block_.clear();
  }

  void summary(const app::ServerStatus& final_status, Duration ran) {
    std::lock_guard lock(mu_);
    if (style_ == Style::json) {
      std::cout << view_.summary_json(final_status, ran) << '\n' << std::flush;
      return;
    }
    for (const auto& l : view_.summary(final_status, ran)) std::cout << l << '\n';
    std::cout << std::flush;
  }

 private:
  static std::size_t terminal_width() {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 120;
  }
  // Cut to `width` characters (UTF-8 aware), so no line wraps and cursor-up counts stay right.
  static std::string fit(const std::string& line, std::size_t width) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
      if (++chars > width) return line.substr(0, i);
    }
    return line;
  }
  void erase_block() {
    if (drawn_ > 0) std::cout << "\x1b[" << drawn_ << "A\r\x1b[J";
    drawn_ = 0;
  }
  void draw_block() {
    const std::size_t width = terminal_width() - 1;
    for (const auto& l : block_) std::cout << fit(l, width) << '\n';
    drawn_ = block_.size();
    std::cout << std::flush;
  }

  std::mutex mu_;
  Style style_;
  app::StatusView view_;
  std::vector<std::string> block_;  // live: the block on screen
  std::size_t drawn_ = 0;           // live: its lines
};

// ── configuration ────────────────────────────────────────────────────────────────────────────

struct LoadedConfig {
  app::Config config;
  std::string source;  // what the first line says
};

// nullopt: errors printed (exit 2).
std::optional<LoadedConfig> load(const RunOptions& opt) {
  const std::string path = config_path_or_default(opt.config_file);
  if (path.empty())
    return LoadedConfig{app::Config{},
                        std::string("built-in defaults (no ") + kDefaultConfig + " here)"};
  auto config = load_config_or_report(path, "; nothing started");
  if (!config) return std::nullopt;
  return LoadedConfig{std::move(*config), path};
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

}  // namespace

int run(const RunOptions& opt) {
  if (opt.fast && opt.duration_s <= 0) {
    std::cerr << "nzeza run: --fast needs --duration (simulated seconds to run)\n";
    return 2;
  }
  if (opt.status_every_s <= 0) {
    std::cerr << "nzeza run: --status-every must be > 0 seconds\n";
    return 2;
  }
  auto loaded = load(opt);
  if (!loaded) return 2;
  if (!opt.data_dir.empty()) loaded->config.data_dir = opt.data_dir;
  const app::Config& config = loaded->config;

  // Before any thread exists, so every thread inherits the mask.
  block_stop_signals();

  // Simulated time starts at the current wall-clock second, so timestamps read naturally.
  ManualClock manual(Timestamp::from_seconds(std::time(nullptr)));
  std::unique_ptr<SystemClock> system;
  if (!opt.fast) system = std::make_unique<SystemClock>();
  Clock& clock = opt.fast ? static_cast<Clock&>(manual) : static_cast<Clock&>(*system);

  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  Console console(opt.json   ? Console::Style::json
                  : terminal ? Console::Style::live
                             : Console::Style::plain,
                  app::StatusView(app::StatusViewOptions{config.paper.quote_currency,
                                                         config.paper.starting_cash}));

  app::ServerOptions so;
  so.manual_dispatch = opt.fast;
  so.feed = opt.fast ? app::MarketFeed::in_process : app::MarketFeed::loopback;
  so.on_event = [&console](const app::TradeEvent& e) { console.event(e); };
  const Timestamp started = clock.now();
  console.event(app::TradeEvent{started,
                                "start",
                                loaded->source + ": " + app::summary(config) +
                                    (opt.fast ? "; simulated time" : "; real time") +
                                    "; Ctrl-C stops in order",
                                {{"config", loaded->source},
                                 {"mode", std::string(app::to_string(config.mode))},
                                 {"clock", opt.fast ? "simulated" : "real"}}});
  auto server = app::TradingServer::start(config, clock, std::move(so));
  if (!server) {
    std::cerr << "nzeza run: cannot start: " << server.error().message << '\n';
    return 1;
  }
  app::TradingServer& srv = **server;

  // The operator API (real time only: --fast polls the actors on this thread, which the API's
  // thread must not do). A port already taken is reported, and trading goes on without it.
  std::unique_ptr<api::OperatorApi> operator_api;
  if (config.api.enabled && !opt.fast) {
    api::OperatorApiOptions ao;
    ao.service.per_key = {static_cast<double>(config.api.key_burst),
                          static_cast<double>(config.api.key_requests_per_second)};
    ao.service.log = [&console, &clock](std::string_view line) {
      console.event(app::TradeEvent{clock.now(), "api", std::string(line), {}});
    };
    auto started_api = api::OperatorApi::start(srv, clock, config, std::move(ao));
    if (started_api) {
      operator_api = std::move(*started_api);
      console.event(app::TradeEvent{
          clock.now(),
          "api",
          "operator API on " + operator_api->url() + "; dashboard at " + operator_api->url() + "/",
          {{"url", operator_api->url()}, {"dashboard", operator_api->url() + "/"}}});
    } else {
      console.event(app::TradeEvent{
          clock.now(), "error", "operator API not started: " + started_api.error().message, {}});
    }
  }

  auto show_status = [&] {
    auto s = srv.status();
    if (s) {
      console.status(*s);
    } else {
      console.event(app::TradeEvent{clock.now(), "error", "status: " + s.error().message, {}});
    }
  };
  const Duration every = console.style() == Console::Style::live ? std::chrono::seconds(1)
                                                                 : seconds_arg(opt.status_every_s);
  if (console.style() == Console::Style::live) show_status();

  if (opt.fast) {
    // As fast as the CPU allows: one market step of simulated time, then every actor drained.
    // A terminal still sees the block once a real second.
    const Timestamp end = started + seconds_arg(opt.duration_s);
    const Duration step = config.market_data.step_interval;
    Timestamp next_status = started + every;
    auto next_draw = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (manual.now() < end && take_stop_signal(Duration::zero()) == 0) {
      manual.advance(std::min(step, end - manual.now()));
      srv.poll();
      if (console.style() == Console::Style::live) {
        if (std::chrono::steady_clock::now() >= next_draw) {
          show_status();
          next_draw += std::chrono::seconds(1);
        }
      } else if (manual.now() >= next_status) {
        show_status();
        next_status += every;
      }
    }
  } else {
    const auto begin = std::chrono::steady_clock::now();
    const auto end = opt.duration_s > 0 ? begin + seconds_arg(opt.duration_s)
                                        : std::chrono::steady_clock::time_point::max();
    auto next_status = begin + every;
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= end) break;
      if (now >= next_status) {
        show_status();
        next_status += every;
        continue;
      }
      if (take_stop_signal(std::min(next_status, end) - now) != 0) break;
    }
  }

  exit_on_next_signal();
  if (operator_api) operator_api->stop();
  auto final_status = srv.stop();
  if (!final_status) {
    console.release_block();
    std::cerr << "nzeza run: stop: " << final_status.error().message << '\n';
    return 1;
  }
  console.status(*final_status);
  console.release_block();
  console.summary(*final_status, clock.now() - started);
  return 0;
}

}  // namespace nzeza::cli
