#include "venues/hyperliquid/wire.hpp"

#include <boost/json.hpp>

#include "core/enum_names.hpp"
#include "venues/hyperliquid/signer.hpp"

namespace nzeza::venues::hyperliquid {

std::string decimal_to_wire(Decimal d) {
  // Decimal::to_string is already the shortest exact form without exponent; Decimal has no
  // negative zero.
  return d.to_string();
}

constexpr EnumNames kTifWireNames{Tif::gtc, {"Alo", "Ioc", "Gtc"}, "Gtc"};

std::string_view to_wire(Tif tif) noexcept {
  return kTifWireNames.name(tif);
}

boost::json::object order_wire(const OrderWire& o) {
  boost::json::object w;
  w["a"] = o.asset;
  w["b"] = o.is_buy;
  w["p"] = decimal_to_wire(o.limit_px);
  w["s"] = decimal_to_wire(o.size);
  w["r"] = o.reduce_only;
  boost::json::object t;
  if (o.trigger) {
    boost::json::object trig;
    trig["isMarket"] = o.trigger->is_market;
    trig["triggerPx"] = decimal_to_wire(o.trigger->trigger_px);
    trig["tpsl"] = o.trigger->tpsl == TpSl::tp ? "tp" : "sl";
    t["trigger"] = std::move(trig);
  } else {
    boost::json::object lim;
    lim["tif"] = to_wire(o.tif);
    t["limit"] = std::move(lim);
  }
  w["t"] = std::move(t);
  if (o.cloid) w["c"] = *o.cloid;
  return w;
}

boost::json::value order_action(std::span<const OrderWire> orders, std::string_view grouping) {
  boost::json::object a;
  a["type"] = "order";
  boost::json::array arr;
  arr.reserve(orders.size());
  for (const auto& o : orders) arr.emplace_back(order_wire(o));
  a["orders"] = std::move(arr);
  a["grouping"] = grouping;
  return a;
}

namespace {

// {"type": type, "cancels": [...]}, each cancel written by `wire`; the key order is hashed.
template <typename Cancel, typename Wire>
boost::json::value cancels_action(std::string_view type, std::span<const Cancel> cancels,
                                  Wire wire) {
  boost::json::object a;
  a["type"] = type;
  boost::json::array arr;
  for (const auto& c : cancels) arr.emplace_back(wire(c));
  a["cancels"] = std::move(arr);
  return a;
}

}  // namespace

boost::json::value cancel_action(std::span<const CancelWire> cancels) {
  return cancels_action("cancel", cancels, [](const CancelWire& c) {
    return boost::json::object{{"a", c.asset}, {"o", c.oid}};
  });
}

boost::json::value cancel_by_cloid_action(std::span<const CancelByCloidWire> cancels) {
  return cancels_action("cancelByCloid", cancels, [](const CancelByCloidWire& c) {
    return boost::json::object{{"asset", c.asset}, {"cloid", c.cloid}};
  });
}

boost::json::value schedule_cancel_action(std::optional<std::uint64_t> time_ms) {
  boost::json::object a;
  a["type"] = "scheduleCancel";
  if (time_ms) a["time"] = *time_ms;
  return a;
}

std::string exchange_body(const boost::json::value& action, std::uint64_t nonce,
                          const Signature& signature,
                          const std::optional<std::string>& vault_address,
                          std::optional<std::uint64_t> expires_after) {
  boost::json::object body;
  body["action"] = action;
  body["nonce"] = nonce;
  body["signature"] = signature.to_json();
  if (vault_address) {
    body["vaultAddress"] = *vault_address;
  } else {
    body["vaultAddress"] = nullptr;
  }
  if (expires_after) {
    body["expiresAfter"] = *expires_after;
  } else {
    body["expiresAfter"] = nullptr;
  }
  return boost::json::serialize(body);
}

}  // namespace nzeza::venues::hyperliquid
