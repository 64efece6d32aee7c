#pragma once
// `nzeza reconcile`: the start-up reconciliation without trading (the journal against every
// venue), its report, and the operator's decision for a blocked symbol (--accept).
//
// Exit status: 0 every venue answered, no symbol is blocked and no finding needs the operator
// (severity major or worse); 1 a symbol is blocked, a finding needs the operator, a venue did not
// answer, or an --accept could not be taken; 2 the configuration or the journal is unusable.

#include <string>

namespace nzeza::cli {

struct ReconcileOptions {
  std::string config_file;  // empty: config/paper.toml if it exists here, else built-in defaults
  std::string data_dir;     // empty: the config's data_dir
  bool json = false;
  std::string accept;  // a blocked symbol whose venue state the operator adopts
};

[[nodiscard]] int run(const ReconcileOptions& opt);

}  // namespace nzeza::cli
