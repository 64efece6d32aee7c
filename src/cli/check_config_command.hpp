#pragma once
// `nzeza check-config [FILE]`: reads a configuration (default config/paper.toml), prints every
// error (exit 1) or a one-line summary (exit 0).

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_check_config_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
