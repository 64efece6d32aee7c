#pragma once
// SymbolCache: the venue's wire symbol → Instrument lookups, cached so that the hot path does
// not allocate (InstrumentRegistry::find builds a std::string key per call).
//
// A miss asks the registry once and remembers the answer, including "unknown" (nullptr), so a
// stream of an unsubscribed symbol costs one allocation, not one per message. The cache is
// bounded (kMaxEntries): past it, misses go to the registry every time instead of growing.
// Not thread-safe: one codec, one thread. The registry must outlive the cache and must not drop
// instruments while the cache is in use (its pointers are stable: the registry keeps a deque).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/instrument.hpp"
#include "core/venue.hpp"

namespace nzeza::venues::coinbase {

class SymbolCache {
 public:
  static constexpr std::size_t kMaxEntries = 4096;

  SymbolCache(const InstrumentRegistry& registry, Venue venue)
      : registry_(&registry), venue_(venue) {
    map_.reserve(64);
  }

  // The instrument for a wire symbol ("BNBUSDT" or "bnbusdt"), nullptr when unknown.
  [[nodiscard]] const Instrument* find(std::string_view symbol) {
    // Streams repeat the same symbol: compare with the last hit before hashing.
    if (last_ != nullptr && symbol == last_->first) return last_->second;
    auto it = map_.find(symbol);
    if (it == map_.end()) {
      const Instrument* found = registry_->find(venue_, symbol);
      if (map_.size() >= kMaxEntries) return found;
      it = map_.emplace(std::string(symbol), found).first;
    }
    last_ = &*it;  // node-based map: the element's address is stable across rehashes
    return it->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  const InstrumentRegistry* registry_;
  Venue venue_;
  std::unordered_map<std::string, const Instrument*, Hash, std::equal_to<>> map_;
  const std::pair<const std::string, const Instrument*>* last_ = nullptr;
};

}  // namespace nzeza::venues::coinbase
