#pragma once
// Checks of a Prometheus exposition for the /metrics tests: `promtool check metrics` (Debian's
// `prometheus` package, installed by scripts/install-deps.sh; NZEZA_PROMTOOL names another
// binary) and the value of one series.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace nzeza::api::test {

inline std::optional<std::string> promtool_path() {
  if (const char* env = std::getenv("NZEZA_PROMTOOL"); env && *env) return std::string(env);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate =
        std::filesystem::path(dirs.substr(start, end - start)) / "promtool";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    start = end + 1;
  }
  return std::nullopt;
}

// `promtool check metrics` on `text` (it reads stdin); its exit status and what it printed.
inline testsupport::RunResult promtool_check(const std::string& text) {
  const auto promtool = promtool_path();
  if (!promtool) {
    ADD_FAILURE() << "promtool not found on PATH: install Debian's `prometheus` package "
                     "(scripts/install-deps.sh does) or set NZEZA_PROMTOOL to its path";
    return {};
  }
  testsupport::TempDir dir{"nzeza-metrics"};
  const auto file = dir.path() / "scrape.txt";
  std::ofstream(file) << text;
  return testsupport::run_program(
      {"/bin/sh", "-c", "exec \"$0\" check metrics < \"$1\"", *promtool, file.string()});
}

// The value of the sample written exactly as `series` (name and labels as exposed).
inline std::optional<std::string> sample(const std::string& text, std::string_view series) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    if (line.size() > series.size() && line.substr(0, series.size()) == series &&
        line[series.size()] == ' ')
      return std::string(line.substr(series.size() + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace nzeza::api::test
