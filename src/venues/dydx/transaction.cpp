#include "venues/dydx/transaction.hpp"

#include "cosmos/crypto/secp256k1/keys.pb.h"
#include "cosmos/tx/v1beta1/tx.pb.h"
#include "dydxprotocol/clob/tx.pb.h"

namespace nzeza::venues::dydx {
namespace {

// TxExtension{selected_authenticators: []} as the official client encodes it (see header).
constexpr std::string_view kEmptyTxExtension{"\x0a\x00", 2};

Status validate_id(const OrderIdSpec& id) {
  if (id.owner.empty())
    return fail(ErrorCode::invalid_argument, "dydx order: owner address is empty");
  if (id.order_flags != kOrderFlagsShortTerm && id.order_flags != kOrderFlagsLongTerm &&
      id.order_flags != kOrderFlagsConditional)
    return fail(ErrorCode::invalid_argument,
                "dydx order: order_flags " + std::to_string(id.order_flags) +
                    " is not 0 (short-term), 32 (conditional) or 64 (long-term)");
  return {};
}

Status validate_good_til(const OrderIdSpec& id, const GoodTil& gt) {
  const bool short_term = id.order_flags == kOrderFlagsShortTerm;
  if ((gt.block != 0) == (gt.block_time != 0))
    return fail(ErrorCode::invalid_argument,
                "dydx order: exactly one of good_til_block and good_til_block_time must be set");
  if (short_term && gt.block == 0)
    return fail(ErrorCode::invalid_argument,
                "dydx order: a short-term order (flags 0) needs good_til_block");
  if (!short_term && gt.block_time == 0)
    return fail(ErrorCode::invalid_argument, "dydx order: a stateful order (flags " +
                                                 std::to_string(id.order_flags) +
                                                 ") needs good_til_block_time");
  return {};
}

void fill_order_id(const OrderIdSpec& spec, dydxprotocol::clob::OrderId* id) {
  auto* sub = id->mutable_subaccount_id();
  sub->set_owner(spec.owner);
  sub->set_number(spec.subaccount_number);
  id->set_client_id(spec.client_id);
  id->set_order_flags(spec.order_flags);
  id->set_clob_pair_id(spec.clob_pair_id);
}

}  // namespace

std::string SignedTx::tx_hash() const {
  std::string h = to_hex(sha256(tx_raw));
  for (char& c : h)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return h;
}

Status validate_place_order(const PlaceOrderSpec& spec) {
  if (auto st = validate_id(spec.id); !st.ok()) return st;
  if (auto st = validate_good_til(spec.id, spec.good_til); !st.ok()) return st;
  if (spec.quantums == 0)
    return fail(ErrorCode::invalid_argument, "dydx order: quantums must be positive");
  if (spec.subticks == 0)
    return fail(ErrorCode::invalid_argument, "dydx order: subticks must be positive");
  if (spec.side != OrderSide::buy && spec.side != OrderSide::sell)
    return fail(ErrorCode::invalid_argument, "dydx order: side must be buy or sell");
  if (spec.id.order_flags != kOrderFlagsShortTerm &&
      (spec.time_in_force == TimeInForce::ioc || spec.time_in_force == TimeInForce::fill_or_kill))
    return fail(ErrorCode::invalid_argument,
                "dydx order: IOC and fill-or-kill orders must be short-term (flags 0)");
  if (spec.id.order_flags == kOrderFlagsConditional)
    return fail(ErrorCode::invalid_argument,
                "dydx order: conditional orders (flags 32) need trigger fields nzeza does not "
                "send");
  return {};
}

Status validate_cancel_order(const CancelOrderSpec& spec) {
  if (auto st = validate_id(spec.id); !st.ok()) return st;
  return validate_good_til(spec.id, spec.good_til);
}

Status check_good_til_block(std::uint32_t good_til_block, std::uint32_t current_height) {
  const std::uint64_t limit = static_cast<std::uint64_t>(current_height) + kShortBlockWindow;
  if (good_til_block <= current_height || good_til_block > limit)
    return fail(ErrorCode::invalid_argument,
                "dydx order: good_til_block " + std::to_string(good_til_block) + " outside (" +
                    std::to_string(current_height) + ", " + std::to_string(limit) +
                    "] (current height + ShortBlockWindow 20)");
  return {};
}

Status check_good_til_block_time(std::uint32_t good_til_block_time, std::int64_t now_unix_seconds) {
  const std::int64_t gtbt = good_til_block_time;
  if (gtbt <= now_unix_seconds || gtbt > now_unix_seconds + kStatefulOrderMaxSeconds)
    return fail(ErrorCode::invalid_argument,
                "dydx order: good_til_block_time " + std::to_string(gtbt) +
                    " outside (now, now + 95 days] with now = " + std::to_string(now_unix_seconds));
  return {};
}

Result<std::string> encode_place_order(const PlaceOrderSpec& spec) {
  if (auto st = validate_place_order(spec); !st.ok()) return st.error();
  dydxprotocol::clob::MsgPlaceOrder msg;
  auto* order = msg.mutable_order();
  fill_order_id(spec.id, order->mutable_order_id());
  order->set_side(static_cast<dydxprotocol::clob::Order_Side>(spec.side));
  order->set_quantums(spec.quantums);
  order->set_subticks(spec.subticks);
  if (spec.good_til.block != 0) {
    order->set_good_til_block(spec.good_til.block);
  } else {
    order->set_good_til_block_time(spec.good_til.block_time);
  }
  order->set_time_in_force(static_cast<dydxprotocol::clob::Order_TimeInForce>(spec.time_in_force));
  order->set_reduce_only(spec.reduce_only);
  order->set_client_metadata(spec.client_metadata);
  std::string out;
  if (!msg.SerializeToString(&out))
    return fail(ErrorCode::internal, "dydx: MsgPlaceOrder serialisation failed");
  return out;
}

Result<std::string> encode_cancel_order(const CancelOrderSpec& spec) {
  if (auto st = validate_cancel_order(spec); !st.ok()) return st.error();
  dydxprotocol::clob::MsgCancelOrder msg;
  fill_order_id(spec.id, msg.mutable_order_id());
  if (spec.good_til.block != 0) {
    msg.set_good_til_block(spec.good_til.block);
  } else {
    msg.set_good_til_block_time(spec.good_til.block_time);
  }
  std::string out;
  if (!msg.SerializeToString(&out))
    return fail(ErrorCode::internal, "dydx: MsgCancelOrder serialisation failed");
  return out;
}

Result<SignedTx> sign_tx(const Wallet& wallet, std::string_view type_url, std::string message_bytes,
                         const TxParams& params) {
  if (params.chain_id.empty())
    return fail(ErrorCode::invalid_argument, "dydx tx: chain_id is empty");
  SignedTx out;

  cosmos::tx::v1beta1::TxBody body;
  auto* any = body.add_messages();
  any->set_type_url(std::string(type_url));
  any->set_value(std::move(message_bytes));
  body.set_memo(params.memo);
  auto* ext = body.add_non_critical_extension_options();
  ext->set_type_url(std::string(kTypeUrlTxExtension));
  ext->set_value(std::string(kEmptyTxExtension));
  if (!body.SerializeToString(&out.body_bytes))
    return fail(ErrorCode::internal, "dydx tx: TxBody serialisation failed");

  cosmos::tx::v1beta1::AuthInfo auth;
  auto* signer = auth.add_signer_infos();
  cosmos::crypto::secp256k1::PubKey pub;
  const auto& pk = wallet.public_key();
  pub.set_key(std::string(reinterpret_cast<const char*>(pk.data()), pk.size()));
  signer->mutable_public_key()->set_type_url(std::string(kTypeUrlSecp256k1PubKey));
  signer->mutable_public_key()->set_value(pub.SerializeAsString());
  signer->mutable_mode_info()->mutable_single()->set_mode(
      cosmos::tx::signing::v1beta1::SIGN_MODE_DIRECT);
  signer->set_sequence(params.sequence);
  auto* fee = auth.mutable_fee();
  for (const auto& coin : params.fee) {
    auto* c = fee->add_amount();
    c->set_denom(coin.denom);
    c->set_amount(coin.amount);
  }
  fee->set_gas_limit(params.gas_limit);
  if (!auth.SerializeToString(&out.auth_info_bytes))
    return fail(ErrorCode::internal, "dydx tx: AuthInfo serialisation failed");

  cosmos::tx::v1beta1::SignDoc doc;
  doc.set_body_bytes(out.body_bytes);
  doc.set_auth_info_bytes(out.auth_info_bytes);
  doc.set_chain_id(params.chain_id);
  doc.set_account_number(params.account_number);
  if (!doc.SerializeToString(&out.sign_doc_bytes))
    return fail(ErrorCode::internal, "dydx tx: SignDoc serialisation failed");

  out.signature = wallet.sign(std::span(
      reinterpret_cast<const std::uint8_t*>(out.sign_doc_bytes.data()), out.sign_doc_bytes.size()));

  cosmos::tx::v1beta1::TxRaw raw;
  raw.set_body_bytes(out.body_bytes);
  raw.set_auth_info_bytes(out.auth_info_bytes);
  raw.add_signatures(
      std::string(reinterpret_cast<const char*>(out.signature.data()), out.signature.size()));
  if (!raw.SerializeToString(&out.tx_raw))
    return fail(ErrorCode::internal, "dydx tx: TxRaw serialisation failed");
  return out;
}

namespace {

// Signs the message `encode` makes of `spec`, which only the order's owner may sign;
// invalid_argument ("dydx <what>: owner ...") for another wallet.
template <typename Spec>
Result<SignedTx> sign_own(const Wallet& wallet, const Spec& spec, const TxParams& params,
                          std::string_view what, std::string_view type_url,
                          Result<std::string> (*encode)(const Spec&)) {
  if (spec.id.owner != wallet.address())
    return fail(ErrorCode::invalid_argument, "dydx " + std::string(what) + ": owner " +
                                                 spec.id.owner + " is not the signing wallet " +
                                                 wallet.address());
  auto msg = encode(spec);
  if (!msg.ok()) return msg.error();
  return sign_tx(wallet, type_url, std::move(*msg), params);
}

}  // namespace

Result<SignedTx> sign_place_order(const Wallet& wallet, const PlaceOrderSpec& spec,
                                  const TxParams& params) {
  return sign_own(wallet, spec, params, "order", kTypeUrlPlaceOrder, encode_place_order);
}

Result<SignedTx> sign_cancel_order(const Wallet& wallet, const CancelOrderSpec& spec,
                                   const TxParams& params) {
  return sign_own(wallet, spec, params, "cancel", kTypeUrlCancelOrder, encode_cancel_order);
}

}  // namespace nzeza::venues::dydx
