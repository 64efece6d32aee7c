#pragma once
// MailboxOptions: how big an actor's mailbox is and what happens when it is full, chosen by
// whoever spawns the actor — for the whole actor or per message type.
//
// Policies (each loss is counted in the actor's metrics):
//   block        the sender waits for space: `co_await actor::send(ref, m)` suspends the
//                coroutine, `ref.tell_blocking(m)` parks a plain thread. A non-waiting tell()
//                to a full block-policy mailbox is refused and counted as rejected.
//   reject       the send returns ErrorCode::rejected; counted as rejected.
//   drop_oldest  the oldest queued message is dropped to make room; counted as dropped.
//   conflate     (per type, with a key) a queued message of the same type and key is replaced
//                by the newest one, which goes to the back of the queue so per-sender order of
//                what is delivered holds; counted as conflated. When full and nothing shares the
//                key, the oldest message is dropped (counted as dropped): a slow consumer sees
//                fresh values, never a stale queue.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <typeindex>
#include <vector>

#include "actor/messages.hpp"

namespace nzeza::actor {

enum class OverflowPolicy : std::uint8_t { block, reject, drop_oldest, conflate };

struct MailboxOptions {
  using KeyFn = std::function<std::uint64_t(const void*)>;
  struct TypeRule {
    std::type_index type;
    OverflowPolicy policy;
    KeyFn key;  // set for conflate rules only
  };

  std::size_t capacity = 1024;  // queued messages (not counting the batch being processed)
  OverflowPolicy policy = OverflowPolicy::reject;
  std::vector<TypeRule> rules;  // per-type overrides; the last rule for a type wins

  MailboxOptions& with_capacity(std::size_t n) {
    capacity = n;
    return *this;
  }
  MailboxOptions& with_policy(OverflowPolicy p) {
    policy = p;
    return *this;
  }
  template <typename M>
  MailboxOptions& policy_for(OverflowPolicy p) {
    rules.push_back(TypeRule{std::type_index(typeid(M)), p, {}});
    return *this;
  }
  // key(const M&) -> std::uint64_t, e.g. the symbol id of a quote.
  template <typename M, typename F>
  MailboxOptions& conflate_by(F key) {
    static_assert(!Request<M>, "conflate_by: requests are answered one by one, not conflated");
    rules.push_back(TypeRule{std::type_index(typeid(M)), OverflowPolicy::conflate,
                             [key](const void* m) -> std::uint64_t {
                               return static_cast<std::uint64_t>(key(*static_cast<const M*>(m)));
                             }});
    return *this;
  }
};

}  // namespace nzeza::actor
