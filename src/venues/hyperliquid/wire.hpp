#pragma once
// Hyperliquid action wire forms, built as boost::json values whose key order is the SDK's
// (the same value is msgpack-encoded for the hash and serialised as the request body, so the
// two can never disagree).
//
//   order:          {"type":"order","orders":[<order wire>...],"grouping":"na"}
//   order wire:     {"a":asset,"b":isBuy,"p":px,"s":sz,"r":reduceOnly,"t":<type>[,"c":cloid]}
//   limit type:     {"limit":{"tif":"Alo"|"Ioc"|"Gtc"}}
//   trigger type:   {"trigger":{"isMarket":bool,"triggerPx":px,"tpsl":"tp"|"sl"}}
//   cancel:         {"type":"cancel","cancels":[{"a":asset,"o":oid}...]}
//   cancelByCloid:  {"type":"cancelByCloid","cancels":[{"asset":asset,"cloid":"0x.."}...]}
//   scheduleCancel: {"type":"scheduleCancel"[,"time":ms]}
// Prices and sizes are strings by the SDK's float_to_wire rule: the exact decimal with trailing
// zeros stripped and no exponent ("100", "1670.1", "0.0147").

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/decimal.hpp"

namespace nzeza::venues::hyperliquid {

// float_to_wire on an exact Decimal: shortest exact text, never an exponent, never "-0".
[[nodiscard]] std::string decimal_to_wire(Decimal d);

enum class Tif : std::uint8_t { alo, ioc, gtc };
[[nodiscard]] std::string_view to_wire(Tif tif) noexcept;  // "Alo", "Ioc", "Gtc"

enum class TpSl : std::uint8_t { tp, sl };

struct OrderWire {
  std::uint32_t asset = 0;
  bool is_buy = true;
  Decimal limit_px;
  Decimal size;
  bool reduce_only = false;
  // Limit order when trigger is empty; otherwise a trigger (TP/SL) order.
  Tif tif = Tif::gtc;
  struct Trigger {
    bool is_market = true;
    Decimal trigger_px;
    TpSl tpsl = TpSl::sl;
  };
  std::optional<Trigger> trigger;
  std::optional<std::string> cloid;  // "0x" + 32 hex digits
};

[[nodiscard]] boost::json::object order_wire(const OrderWire& order);
// grouping: "na", "normalTpsl" or "positionTpsl".
[[nodiscard]] boost::json::value order_action(std::span<const OrderWire> orders,
                                              std::string_view grouping = "na");

struct CancelWire {
  std::uint32_t asset = 0;
  std::uint64_t oid = 0;
};
struct CancelByCloidWire {
  std::uint32_t asset = 0;
  std::string cloid;
};
[[nodiscard]] boost::json::value cancel_action(std::span<const CancelWire> cancels);
[[nodiscard]] boost::json::value cancel_by_cloid_action(std::span<const CancelByCloidWire> cancels);
// No time: disarm. time: the ms timestamp at which every open order is cancelled.
[[nodiscard]] boost::json::value schedule_cancel_action(std::optional<std::uint64_t> time_ms);

// The POST /exchange body: {"action","nonce","signature","vaultAddress","expiresAfter"}.
struct Signature;
[[nodiscard]] std::string exchange_body(const boost::json::value& action, std::uint64_t nonce,
                                        const Signature& signature,
                                        const std::optional<std::string>& vault_address,
                                        std::optional<std::uint64_t> expires_after);

}  // namespace nzeza::venues::hyperliquid
