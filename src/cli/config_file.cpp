#include "cli/config_file.hpp"

#include <filesystem>
#include <iostream>

namespace nzeza::cli {

std::string config_path_or_default(const std::string& given) {
  if (!given.empty()) return given;
  std::error_code ec;
  return std::filesystem::exists(kDefaultConfig, ec) ? std::string(kDefaultConfig) : std::string();
}

std::optional<app::Config> load_config_or_report(const std::string& path,
                                                 std::string_view outcome) {
  const auto loaded = app::load_config(path);
  if (loaded.ok()) return loaded.config();
  for (const auto& e : loaded.errors()) std::cerr << e.to_string() << '\n';
  std::cerr << path << ": " << loaded.errors().size() << " error"
            << (loaded.errors().size() == 1 ? "" : "s") << outcome << '\n';
  return std::nullopt;
}

}  // namespace nzeza::cli
