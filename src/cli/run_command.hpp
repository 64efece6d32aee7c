#pragma once
// `nzeza run`: the main job.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

// Registers the `run` subcommand on `app`; its callback sets `exit_code`.
void add_run_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
