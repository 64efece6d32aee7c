#pragma once
// dYdX v4 order transactions: MsgPlaceOrder / MsgCancelOrder wrapped in a Cosmos SDK tx and
// signed in SIGN_MODE_DIRECT, byte for byte as the official JavaScript client builds them
// (tests/data/dydx/golden_tx_vectors.json pins every byte):
//
//   TxBody   { messages: [Any(msg)], memo,
//              non_critical_extension_options: [Any("/dydxprotocol.accountplus.TxExtension",
//                                                   0a 00)] }
//   AuthInfo { signer_infos: [{ public_key: Any("/cosmos.crypto.secp256k1.PubKey", {key}),
//                               mode_info: { single: { mode: SIGN_MODE_DIRECT } }, sequence }],
//              fee: { amount, gas_limit } }
//   SignDoc  { body_bytes, auth_info_bytes, chain_id, account_number }
//   signature = secp256k1 RFC 6979 over SHA-256(SignDoc), 64-byte r||s, low-S
//   TxRaw    { body_bytes, auth_info_bytes, signatures: [signature] }   <- what is broadcast
//
// The TxExtension value is the two bytes 0a 00 (field 1, packed, length 0): the official
// client's encoder always writes the packed field even when empty, where protobuf C++ would
// write nothing. The node decodes both the same; we send what the official client sends.
//
// Pure functions of their inputs; no network, no clock.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "venues/dydx/hashes.hpp"
#include "venues/dydx/wallet.hpp"

namespace nzeza::venues::dydx {

inline constexpr std::string_view kTypeUrlPlaceOrder = "/dydxprotocol.clob.MsgPlaceOrder";
inline constexpr std::string_view kTypeUrlCancelOrder = "/dydxprotocol.clob.MsgCancelOrder";
inline constexpr std::string_view kTypeUrlTxExtension = "/dydxprotocol.accountplus.TxExtension";
inline constexpr std::string_view kTypeUrlSecp256k1PubKey = "/cosmos.crypto.secp256k1.PubKey";

inline constexpr std::uint32_t kOrderFlagsShortTerm = 0;
inline constexpr std::uint32_t kOrderFlagsConditional = 32;
inline constexpr std::uint32_t kOrderFlagsLongTerm = 64;
// A short-term order's good-til-block is at most current height + 20 (ShortBlockWindow).
inline constexpr std::uint32_t kShortBlockWindow = 20;
// A stateful order's good-til-block-time is at most now + 95 days.
inline constexpr std::int64_t kStatefulOrderMaxSeconds = 95LL * 24 * 3600;
inline constexpr std::uint64_t kDefaultGasLimit = 1'000'000;

enum class OrderSide : std::uint8_t { buy = 1, sell = 2 };
enum class TimeInForce : std::uint8_t { unspecified = 0, ioc = 1, post_only = 2, fill_or_kill = 3 };

struct OrderIdSpec {
  std::string owner;  // bech32 address of the subaccount owner (the signer)
  std::uint32_t subaccount_number = 0;
  std::uint32_t client_id = 0;
  std::uint32_t order_flags = kOrderFlagsShortTerm;
  std::uint32_t clob_pair_id = 0;
};

// Exactly one of the two is set: good_til_block for short-term orders, good_til_block_time
// (unix seconds) for stateful (long-term, conditional) ones.
struct GoodTil {
  std::uint32_t block = 0;
  std::uint32_t block_time = 0;
};

struct PlaceOrderSpec {
  OrderIdSpec id;
  OrderSide side = OrderSide::buy;
  std::uint64_t quantums = 0;
  std::uint64_t subticks = 0;
  GoodTil good_til;
  TimeInForce time_in_force = TimeInForce::unspecified;
  bool reduce_only = false;
  std::uint32_t client_metadata = 0;
};

struct CancelOrderSpec {
  OrderIdSpec id;
  GoodTil good_til;
};

struct FeeCoin {
  std::string denom;
  std::string amount;  // integer text in the denom's base unit
};

struct TxParams {
  std::string chain_id;  // "dydx-mainnet-1", "dydx-testnet-4"
  std::uint64_t account_number = 0;
  std::uint64_t sequence = 0;
  std::vector<FeeCoin> fee;
  std::uint64_t gas_limit = kDefaultGasLimit;
  std::string memo;
};

struct SignedTx {
  std::string body_bytes;
  std::string auth_info_bytes;
  std::string sign_doc_bytes;
  Bytes64 signature{};
  std::string tx_raw;  // the broadcast bytes
  // Upper-case hex SHA-256 of tx_raw: the node's "txhash".
  [[nodiscard]] std::string tx_hash() const;
};

// Shape checks: flags match the good-til kind, required fields present, short-term orders have
// no stateful-only options. Height/time windows are checked separately (below).
[[nodiscard]] Status validate_place_order(const PlaceOrderSpec& spec);
[[nodiscard]] Status validate_cancel_order(const CancelOrderSpec& spec);

// current_height < good_til_block <= current_height + kShortBlockWindow.
[[nodiscard]] Status check_good_til_block(std::uint32_t good_til_block,
                                          std::uint32_t current_height);
// now < good_til_block_time <= now + 95 days.
[[nodiscard]] Status check_good_til_block_time(std::uint32_t good_til_block_time,
                                               std::int64_t now_unix_seconds);

// Serialised messages (the Any value).
[[nodiscard]] Result<std::string> encode_place_order(const PlaceOrderSpec& spec);
[[nodiscard]] Result<std::string> encode_cancel_order(const CancelOrderSpec& spec);

// Builds and signs a one-message tx. `owner` of the order must be the wallet's address.
[[nodiscard]] Result<SignedTx> sign_place_order(const Wallet& wallet, const PlaceOrderSpec& spec,
                                                const TxParams& params);
[[nodiscard]] Result<SignedTx> sign_cancel_order(const Wallet& wallet, const CancelOrderSpec& spec,
                                                 const TxParams& params);
// Generic: any message already serialised, under its type URL.
[[nodiscard]] Result<SignedTx> sign_tx(const Wallet& wallet, std::string_view type_url,
                                       std::string message_bytes, const TxParams& params);

}  // namespace nzeza::venues::dydx
