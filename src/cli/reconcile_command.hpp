#pragma once
// `nzeza reconcile`: the start-up reconciliation without trading (the journal against every
// venue), its report, and the operator's decision for a blocked symbol (--accept).
//
// Exit status: 0 every venue answered, no symbol is blocked and no finding needs the operator
// (severity major or worse); 1 a symbol is blocked, a finding needs the operator, a venue did not
// answer, or an --accept could not be taken; 2 the configuration or the journal is unusable.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

// Registers the `reconcile` subcommand on `app`; its callback sets `exit_code`.
void add_reconcile_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
