#pragma once
// The --config file of a command: loaded, or every error in it printed on stderr — one place, so
// every command reports a bad file the same way.

#include <optional>
#include <string>
#include <string_view>

#include "app/config/config.hpp"

namespace nzeza::cli {

// The configuration at `path`. On failure prints each error, then "<path>: N error(s)<outcome>"
// (outcome such as "; nothing replayed"), and answers nullopt.
[[nodiscard]] std::optional<app::Config> load_config_or_report(const std::string& path,
                                                               std::string_view outcome);

}  // namespace nzeza::cli
