#pragma once
// `nzeza feed`: connect to one venue's market data, print every normalised event and status
// change (text or JSON lines, decimals exact) until Ctrl-C or --count events.

#include <cstdint>
#include <string>
#include <vector>

namespace nzeza::cli {

struct FeedOptions {
  std::string venue;
  std::vector<std::string> symbols;
  std::string url;
  std::string rest_url;
  std::string ca_file;
  std::uint64_t count = 0;  // 0 = until Ctrl-C
  bool json = false;
  double stale_s = 0;  // 0 = the venue's default
};

// Exit code: 0 done, 2 bad arguments or a feed that cannot start.
[[nodiscard]] int run(const FeedOptions& opt);

}  // namespace nzeza::cli
