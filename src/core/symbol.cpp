#include "core/symbol.hpp"

namespace nzeza {

SymbolId SymbolTable::intern(std::string_view name) {
  {
    std::shared_lock lock(mu_);
    if (auto it = ids_.find(name); it != ids_.end()) return SymbolId{it->second};
  }
  std::unique_lock lock(mu_);
  if (auto it = ids_.find(name); it != ids_.end()) return SymbolId{it->second};
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return SymbolId{id};
}

std::optional<SymbolId> SymbolTable::find(std::string_view name) const {
  std::shared_lock lock(mu_);
  if (auto it = ids_.find(name); it != ids_.end()) return SymbolId{it->second};
  return std::nullopt;
}

std::string_view SymbolTable::name(SymbolId id) const {
  std::shared_lock lock(mu_);
  if (!id.valid() || id.value >= names_.size()) return {};
  return names_[id.value];
}

std::size_t SymbolTable::size() const {
  std::shared_lock lock(mu_);
  return names_.size();
}

}  // namespace nzeza
