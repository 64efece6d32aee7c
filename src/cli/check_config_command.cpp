#include "cli/check_config_command.hpp"

#include <iostream>
#include <memory>
#include <string>

#include "app/config/config.hpp"
#include "cli/config_file.hpp"

namespace nzeza::cli {

void add_check_config_command(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>("config/paper.toml");
  auto* cmd = app.add_subcommand(
      "check-config", "Validate a configuration file and print every error (exit 1 if any)");
  cmd->add_option("file", *file, "TOML configuration file")->capture_default_str();
  cmd->callback([file, &exit_code] {
    const auto config = load_config_or_report(*file, "");
    if (!config) {
      exit_code = 1;
      return;
    }
    std::cout << *file << ": valid (" << app::summary(*config) << ")\n";
    exit_code = 0;
  });
}

}  // namespace nzeza::cli
