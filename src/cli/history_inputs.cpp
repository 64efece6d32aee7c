#include "cli/history_inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>

namespace nzeza::cli {
namespace {

namespace fs = std::filesystem;

bool is_data_file(const fs::path& p) {
  const std::string name = p.filename().string();
  for (const char* ext : {".zst", ".ndjson", ".csv", ".gz"})
    if (name.size() > std::string_view(ext).size() && name.ends_with(ext)) return true;
  return false;
}

}  // namespace

Result<std::vector<std::string>> expand_history_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    const fs::path p(in);
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && is_data_file(it->path())) found.push_back(it->path().string());
      if (ec) return Error{ErrorCode::invalid_argument, in + ": cannot list: " + ec.message()};
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
      continue;
    }
    if (!fs::exists(p, ec)) return Error{ErrorCode::not_found, in + ": no such file or directory"};
    const std::string ext = p.extension().string();
    if (ext == ".md" || ext == ".txt") continue;
    files.push_back(in);
  }
  if (files.empty())
    return Error{ErrorCode::invalid_argument, "no recording or Tardis CSV file among the inputs"};
  return files;
}

}  // namespace nzeza::cli
