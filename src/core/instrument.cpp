#include "core/instrument.hpp"

#include <string>

#include "core/enum_names.hpp"

namespace nzeza {

std::string_view to_string(InstrumentKind k) noexcept {
  return k == InstrumentKind::spot ? "spot" : "perpetual";
}

constexpr EnumNames kTradingStatusNames{TradingStatus::halted,
                                        {"trading", "cancel_only", "halted"}};

std::string_view to_string(TradingStatus s) noexcept {
  return kTradingStatusNames.name(s);
}

namespace {
std::string label(const Instrument& i) {
  return std::string(to_string(i.venue)) + " " +
         (i.venue_symbol.empty() ? i.canonical : i.venue_symbol);
}
Error field_error(const Instrument& i, std::string_view field, const std::string& why) {
  return Error{ErrorCode::invalid_argument,
               "instrument " + label(i) + ": " + std::string(field) + " " + why};
}
}  // namespace

Status Instrument::validate() const {
  if (canonical.empty()) return field_error(*this, "canonical", "is empty");
  if (venue_symbol.empty()) return field_error(*this, "venue_symbol", "is empty");
  if (base.empty()) return field_error(*this, "base", "is empty");
  if (quote.empty()) return field_error(*this, "quote", "is empty");
  if (price_rule == PriceRule::tick && !tick_size.is_positive()) {
    return field_error(*this, "tick_size", "must be > 0, got " + tick_size.to_string());
  }
  if (price_rule == PriceRule::hyperliquid_sigfig) {
    if (!hyperliquid_sz_decimals) {
      return field_error(*this, "hyperliquid_sz_decimals",
                         "is required by the Hyperliquid price rule");
    }
    const int max = kind == InstrumentKind::perpetual ? 6 : 8;
    if (*hyperliquid_sz_decimals < 0 || *hyperliquid_sz_decimals > max) {
      return field_error(*this, "hyperliquid_sz_decimals",
                         "must be in 0.." + std::to_string(max) + ", got " +
                             std::to_string(*hyperliquid_sz_decimals));
    }
  }
  if (!lot_size.is_positive())
    return field_error(*this, "lot_size", "must be > 0, got " + lot_size.to_string());
  if (min_size.is_negative())
    return field_error(*this, "min_size", "must be >= 0, got " + min_size.to_string());
  if (max_size.is_negative())
    return field_error(*this, "max_size", "must be >= 0, got " + max_size.to_string());
  if (!max_size.is_zero() && max_size < min_size) {
    return field_error(*this, "max_size",
                       max_size.to_string() + " is below min_size " + min_size.to_string());
  }
  if (min_notional.is_negative()) {
    return field_error(*this, "min_notional", "must be >= 0, got " + min_notional.to_string());
  }
  return {};
}

Result<Decimal> Instrument::round_price(Decimal price, RoundingMode mode) const noexcept {
  if (!price.is_positive()) {
    return Error{ErrorCode::invalid_argument,
                 "instrument " + label(*this) + ": price must be > 0, got " + price.to_string()};
  }
  if (price_rule == PriceRule::hyperliquid_sigfig) {
    return round_hyperliquid_price(price, hyperliquid_sz_decimals.value_or(0),
                                   kind == InstrumentKind::perpetual, mode);
  }
  return price.round_to_step(tick_size, mode);
}

Result<Decimal> Instrument::round_size(Decimal size, RoundingMode mode) const noexcept {
  if (size.is_negative()) {
    return Error{ErrorCode::invalid_argument,
                 "instrument " + label(*this) + ": size must be >= 0, got " + size.to_string()};
  }
  return size.round_to_step(lot_size, mode);
}

Status Instrument::check_order(Decimal price, Decimal size) const {
  const std::string who = "instrument " + label(*this) + ": ";
  if (!price.is_positive())
    return Error{ErrorCode::invalid_argument, who + "price must be > 0, got " + price.to_string()};
  if (price_rule == PriceRule::tick && !price.is_multiple_of(tick_size)) {
    return Error{ErrorCode::invalid_argument, who + "price " + price.to_string() +
                                                  " is not a multiple of the tick " +
                                                  tick_size.to_string()};
  }
  if (price_rule == PriceRule::hyperliquid_sigfig &&
      !is_valid_hyperliquid_price(price, hyperliquid_sz_decimals.value_or(0),
                                  kind == InstrumentKind::perpetual)) {
    return Error{ErrorCode::invalid_argument,
                 who + "price " + price.to_string() +
                     " breaks the Hyperliquid rule (5 significant figures, " +
                     std::to_string((kind == InstrumentKind::perpetual ? 6 : 8) -
                                    hyperliquid_sz_decimals.value_or(0)) +
                     " decimals)"};
  }
  if (!size.is_positive())
    return Error{ErrorCode::invalid_argument, who + "size must be > 0, got " + size.to_string()};
  if (!size.is_multiple_of(lot_size)) {
    return Error{
        ErrorCode::invalid_argument,
        who + "size " + size.to_string() + " is not a multiple of the lot " + lot_size.to_string()};
  }
  if (size < min_size) {
    return Error{ErrorCode::invalid_argument, who + "size " + size.to_string() +
                                                  " is below the minimum " + min_size.to_string()};
  }
  if (!max_size.is_zero() && size > max_size) {
    return Error{ErrorCode::invalid_argument, who + "size " + size.to_string() +
                                                  " is above the maximum " + max_size.to_string()};
  }
  if (!min_notional.is_zero()) {
    auto notional = price.checked_mul(size, RoundingMode::down);
    if (!notional) return notional.error();
    if (*notional < min_notional) {
      return Error{ErrorCode::invalid_argument,
                   who + "notional " + notional->to_string() + " (" + price.to_string() + " x " +
                       size.to_string() + ") is below the minimum " + min_notional.to_string()};
    }
  }
  return {};
}

std::string InstrumentRegistry::key(Venue v, std::string_view s) {
  std::string k(to_string(v));
  k += '|';
  k.append(s);
  return k;
}

Result<InstrumentId> InstrumentRegistry::add(Instrument instrument) {
  if (auto st = instrument.validate(); !st) return st.error();
  const std::string vkey = key(instrument.venue, instrument.venue_symbol);
  if (by_venue_symbol_.count(vkey) != 0) {
    return Error{ErrorCode::already_exists, "instrument " + vkey + " is already registered"};
  }
  const std::string ckey = key(instrument.venue, instrument.canonical);
  if (by_canonical_.count(ckey) != 0) {
    return Error{ErrorCode::already_exists, "canonical symbol " + ckey + " is already registered"};
  }
  if (!instrument.ws_symbol.empty() && instrument.ws_symbol != instrument.venue_symbol &&
      by_venue_symbol_.count(key(instrument.venue, instrument.ws_symbol)) != 0) {
    return Error{
        ErrorCode::already_exists,
        "ws symbol " + key(instrument.venue, instrument.ws_symbol) + " is already registered"};
  }
  const auto index = static_cast<std::uint32_t>(instruments_.size());
  instrument.id = InstrumentId{index};
  instrument.symbol = symbols_.intern(instrument.canonical);
  by_venue_symbol_.emplace(vkey, index);
  if (!instrument.ws_symbol.empty() && instrument.ws_symbol != instrument.venue_symbol) {
    by_venue_symbol_.emplace(key(instrument.venue, instrument.ws_symbol), index);
  }
  by_canonical_.emplace(ckey, index);
  instruments_.push_back(std::move(instrument));
  return InstrumentId{index};
}

Status InstrumentRegistry::update(const Instrument& instrument) {
  auto it = by_venue_symbol_.find(key(instrument.venue, instrument.venue_symbol));
  if (it == by_venue_symbol_.end()) {
    return Error{
        ErrorCode::not_found,
        "instrument " + key(instrument.venue, instrument.venue_symbol) + " is not registered"};
  }
  if (auto st = instrument.validate(); !st) return st.error();
  Instrument& cur = instruments_[it->second];
  if (cur.canonical != instrument.canonical || cur.kind != instrument.kind) {
    return Error{ErrorCode::invalid_argument,
                 "instrument " + key(instrument.venue, instrument.venue_symbol) +
                     ": update may not change the canonical symbol or kind"};
  }
  const InstrumentId id = cur.id;
  const SymbolId sym = cur.symbol;
  const std::string ws = cur.ws_symbol;
  cur = instrument;
  cur.id = id;
  cur.symbol = sym;
  cur.ws_symbol = ws;  // lookup keys stay as registered
  return {};
}

const Instrument* InstrumentRegistry::get(InstrumentId id) const noexcept {
  if (!id.valid() || id.value >= instruments_.size()) return nullptr;
  return &instruments_[id.value];
}

const Instrument* InstrumentRegistry::find(Venue venue, std::string_view symbol) const {
  auto it = by_venue_symbol_.find(key(venue, symbol));
  return it == by_venue_symbol_.end() ? nullptr : &instruments_[it->second];
}

const Instrument* InstrumentRegistry::find_canonical(Venue venue,
                                                     std::string_view canonical) const {
  auto it = by_canonical_.find(key(venue, canonical));
  return it == by_canonical_.end() ? nullptr : &instruments_[it->second];
}

std::vector<const Instrument*> InstrumentRegistry::by_canonical(std::string_view canonical) const {
  std::vector<const Instrument*> out;
  for (const auto& i : instruments_) {
    if (i.canonical == canonical) out.push_back(&i);
  }
  return out;
}

std::vector<const Instrument*> InstrumentRegistry::by_venue(Venue venue) const {
  std::vector<const Instrument*> out;
  for (const auto& i : instruments_) {
    if (i.venue == venue) out.push_back(&i);
  }
  return out;
}

}  // namespace nzeza
