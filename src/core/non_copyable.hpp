#pragma once
// NonCopyable: the base of a type that is an identity — it owns a connection, a thread or calls in
// flight — so that neither it nor any subclass is copied (or moved), without each subclass
// deleting its copy operations again.

namespace nzeza {

class NonCopyable {
 public:
  NonCopyable(const NonCopyable&) = delete;
  NonCopyable& operator=(const NonCopyable&) = delete;

 protected:
  NonCopyable() = default;
  ~NonCopyable() = default;
};

}  // namespace nzeza
