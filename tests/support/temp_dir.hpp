#pragma once
// TempDir: a fresh directory under the system's temp directory, removed with everything in it
// when the object goes. Tests that run a server give it one as data_dir, so no journal is shared
// between tests or left behind.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace nzeza::testsupport {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "nzeza-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when the directory could not be made.
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace nzeza::testsupport
