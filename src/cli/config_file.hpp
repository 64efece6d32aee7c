#pragma once
// The --config file of a command: found, and loaded or every error in it printed on stderr — one
// place, so every command picks the default file and reports a bad file the same way.

#include <optional>
#include <string>
#include <string_view>

#include "app/config/config.hpp"

namespace nzeza::cli {

// The configuration a command reads when --config is not given, if it exists in the working
// directory.
inline constexpr const char* kDefaultConfig = "config/paper.toml";

// `given` when set; else kDefaultConfig when it exists here; else "" (the built-in defaults).
[[nodiscard]] std::string config_path_or_default(const std::string& given);

// The configuration at `path`. On failure prints each error, then "<path>: N error(s)<outcome>"
// (outcome such as "; nothing replayed"), and answers nullopt.
[[nodiscard]] std::optional<app::Config> load_config_or_report(const std::string& path,
                                                               std::string_view outcome);

}  // namespace nzeza::cli
