#pragma once
// Symbols interned to small integer ids, so hot paths compare and index by integer.
//
// A SymbolTable only grows; ids are dense from 0 and stable for the table's life. intern() is
// thread-safe; find()/name() take a shared lock; the names they return never move.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nzeza {

struct SymbolId {
  std::uint32_t value = UINT32_MAX;
  [[nodiscard]] constexpr bool valid() const noexcept { return value != UINT32_MAX; }
  friend constexpr bool operator==(SymbolId, SymbolId) noexcept = default;
  friend constexpr auto operator<=>(SymbolId, SymbolId) noexcept = default;
};

class SymbolTable {
 public:
  SymbolTable() = default;
  // Moving is for building a table and handing it over; not concurrent with other calls.
  SymbolTable(SymbolTable&& other) noexcept
      : names_(std::move(other.names_)), ids_(std::move(other.ids_)) {}
  SymbolTable& operator=(SymbolTable&& other) noexcept {
    names_ = std::move(other.names_);
    ids_ = std::move(other.ids_);
    return *this;
  }
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  SymbolId intern(std::string_view name);
  [[nodiscard]] std::optional<SymbolId> find(std::string_view name) const;
  // The name of a valid id of this table; empty for an invalid one.
  [[nodiscard]] std::string_view name(SymbolId id) const;
  [[nodiscard]] std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  mutable std::shared_mutex mu_;
  std::deque<std::string> names_;  // deque: references stay valid as it grows
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace nzeza

template <>
struct std::hash<nzeza::SymbolId> {
  std::size_t operator()(nzeza::SymbolId id) const noexcept { return id.value; }
};
