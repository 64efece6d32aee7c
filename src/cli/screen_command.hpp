#pragma once
// `nzeza screen [FILE...] [--config F --duration S] [--json] [--top N] [--interval S]`: ranks
// symbols by scalping potential (formulas in domain/screening.hpp) and prints a table sorted by
// score, or JSON. With files: recordings and Tardis CSV files (app/screening_run.hpp). Without:
// the config's venues' live feeds for --duration seconds, or until Ctrl-C
// (app/screening_live.hpp).
//
// Exit codes: 0 done; 1 a file could not be read (a corrupt or truncated file: the message names
// the file and the line); 2 bad arguments.

#include <CLI/CLI.hpp>

namespace nzeza::cli {

void add_screen_command(CLI::App& app, int& exit_code);

}  // namespace nzeza::cli
