#pragma once
// Where `conformance` tests find the public venue samples: $NZEZA_FIXTURES_DIR, else the
// build's default (../shared/fixtures beside the checkout). The samples are read in place and
// never copied into the repository; when the folder is absent the test is skipped with a
// message saying where it looked.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace nzeza::testing {

inline std::filesystem::path fixtures_dir() {
  if (const char* env = std::getenv("NZEZA_FIXTURES_DIR"); env != nullptr && *env != '\0')
    return env;
#ifdef NZEZA_DEFAULT_FIXTURES_DIR
  return NZEZA_DEFAULT_FIXTURES_DIR;
#else
  return "../shared/fixtures";
#endif
}

inline bool fixtures_available() {
  return std::filesystem::is_directory(fixtures_dir());
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace nzeza::testing

// Skips the current test when the public samples are not there.
#define NZEZA_REQUIRE_FIXTURES()                                                                  \
  do {                                                                                            \
    if (!::nzeza::testing::fixtures_available()) {                                                \
      GTEST_SKIP() << "public venue samples not found at " << ::nzeza::testing::fixtures_dir()    \
                   << " (set NZEZA_FIXTURES_DIR to the shared/fixtures folder to run this test)"; \
    }                                                                                             \
  } while (0)
