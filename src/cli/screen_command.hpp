#pragma once
// `nzeza screen FILE... [--json] [--top N] [--interval S]`: ranks the symbols of recordings and
// Tardis CSV files by scalping potential (app/screening_run.hpp; formulas in
// domain/screening.hpp) and prints a table sorted by score, or JSON.
//
// Exit codes: 0 done; 1 a file could not be read (a corrupt or truncated file: the message names
// the file and the line); 2 bad arguments.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_screen_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
