#include "venues/completion.hpp"

namespace nzeza::venues::detail {

void deliver_abandoned(const std::function<void(Error)>& deliver,
                       const std::string& what) noexcept {
  try {
    deliver(Error{ErrorCode::cancelled,
                  (what.empty() ? std::string("venue call") : what) +
                      ": abandoned without an answer (shutdown); outcome unknown"});
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

}  // namespace nzeza::venues::detail
