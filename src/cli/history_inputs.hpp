#pragma once
// The FILE... arguments of `nzeza backtest` and `nzeza screen`: a directory stands for every
// data file under it (.zst, .ndjson, .csv, .gz; sorted, so the order is the same on every
// machine); a README or notes file (.md, .txt) given by a shell glob is skipped; any other file
// is read. Errors: a path that does not exist, a directory that cannot be listed, no file left.

#include <string>
#include <vector>

#include "core/result.hpp"

namespace nzeza::cli {

[[nodiscard]] Result<std::vector<std::string>> expand_history_inputs(
    const std::vector<std::string>& inputs);

}  // namespace nzeza::cli
