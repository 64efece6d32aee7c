// nzeza: the command-line entry point. Each subcommand lives in its own file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/backtest_command.hpp"
#include "cli/check_config_command.hpp"
#include "cli/feed_command.hpp"
#include "cli/keys_command.hpp"
#include "cli/order_command.hpp"
#include "cli/reconcile_command.hpp"
#include "cli/record_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/screen_command.hpp"
#include "venues/simd_kernel.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "nzeza: automated multi-exchange crypto trading server (paper trading unless --live)"};
  app.require_subcommand(1);
  int exit_code = 0;
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::cout << "nzeza 0.1.0\n"; });
  nzeza::cli::add_run_command(app, exit_code);
  nzeza::cli::add_feed_command(app, exit_code);
  nzeza::cli::add_order_command(app, exit_code);
  nzeza::cli::add_check_config_command(app, exit_code);
  nzeza::cli::add_backtest_command(app, exit_code);
  nzeza::cli::add_record_command(app, exit_code);
  nzeza::cli::add_reconcile_command(app, exit_code);
  nzeza::cli::add_report_command(app, exit_code);
  nzeza::cli::add_keys_command(app, exit_code);
  nzeza::cli::add_screen_command(app, exit_code);
  // simdjson's kernel for every parser (NZEZA_SIMD_KERNEL; unset: the widest this CPU runs).
  if (const auto kernel = nzeza::venues::use_simd_kernel_from_env(); !kernel.ok()) {
    std::cerr << "nzeza: " << kernel.error().message << '\n';
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
