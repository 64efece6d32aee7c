#pragma once
// `nzeza order place|cancel|status|open|balances --venue <v> ...`: one request to a live venue
// (or a testnet, or a local simulator with --base-url), printed as text or --json. Real orders:
// nothing here runs unless the user types it.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_order_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
