#pragma once
// `nzeza feed`: connect to one venue's market data, print every normalised event and status
// change (text or JSON lines, decimals exact) until Ctrl-C or --count events.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_feed_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
