#include "cli/check_config_command.hpp"

#include <iostream>

#include "app/config/config.hpp"
#include "cli/config_file.hpp"

namespace nzeza::cli {

int run(const CheckConfigOptions& opt) {
  const auto config = load_config_or_report(opt.file, "");
  if (!config) return 1;
  std::cout << opt.file << ": valid (" << app::summary(*config) << ")\n";
  return 0;
}

}  // namespace nzeza::cli
