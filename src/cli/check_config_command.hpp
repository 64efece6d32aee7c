#pragma once
// `nzeza check-config [FILE]`: reads a configuration (default config/paper.toml), prints every
// error (exit 1) or a one-line summary (exit 0).

#include <string>

namespace nzeza::cli {

struct CheckConfigOptions {
  std::string file = "config/paper.toml";
};

[[nodiscard]] int run(const CheckConfigOptions& opt);

}  // namespace nzeza::cli
