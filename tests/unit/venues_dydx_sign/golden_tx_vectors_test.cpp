// Byte-for-byte reproduction of the transactions the official
// @dydxprotocol/v4-client-js builds (tests/data/dydx/golden_tx_vectors.json,
// generated offline by tests/tools/dydx-vectors): the order integers from
// size/price, the TxBody, AuthInfo, SignDoc, RFC 6979 signature and TxRaw. A
// wrong field number, wire type, default-value rule or extension encoding
// cannot pass.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "venues/dydx/hashes.hpp"
#include "venues/dydx/quantums.hpp"
#include "venues/dydx/transaction.hpp"
#include "venues/dydx/wallet.hpp"

#ifndef NZEZA_DYDX_TEST_DATA_DIR
#error "NZEZA_DYDX_TEST_DATA_DIR must point at tests/data/dydx"
#endif

namespace nzeza::venues::dydx {
namespace {

boost::json::object load() {
  std::ifstream in(std::string(NZEZA_DYDX_TEST_DATA_DIR) + "/golden_tx_vectors.json");
  std::ostringstream s;
  s << in.rdbuf();
  return boost::json::parse(s.str()).as_object();
}

std::string str(const boost::json::object& o, const char* key) {
  return std::string(o.at(key).as_string());
}
std::uint64_t u64(const boost::json::object& o, const char* key) {
  return o.at(key).to_number<std::uint64_t>();
}

std::string hex_of(const std::string& bytes) {
  return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

PerpetualMarket market_of(const boost::json::object& root, const std::string& ticker) {
  const auto& m = root.at("markets").as_object().at(ticker).as_object();
  PerpetualMarket out;
  out.ticker = ticker;
  out.clob_pair_id = static_cast<std::uint32_t>(u64(m, "clobPairId"));
  out.atomic_resolution = m.at("atomicResolution").to_number<int>();
  out.quantum_conversion_exponent = m.at("quantumConversionExponent").to_number<int>();
  out.step_base_quantums = u64(m, "stepBaseQuantums");
  out.subticks_per_tick = u64(m, "subticksPerTick");
  return out;
}

TimeInForce tif_of(const std::string& s) {
  if (s == "IOC") return TimeInForce::ioc;
  if (s == "POST_ONLY") return TimeInForce::post_only;
  if (s == "FILL_OR_KILL") return TimeInForce::fill_or_kill;
  return TimeInForce::unspecified;
}

class DydxGoldenTx : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = load();
    auto w = Wallet::from_mnemonic(str(root_, "mnemonic"));
    ASSERT_TRUE(w.ok()) << w.error().to_string();
    wallet_.emplace(std::move(*w));
  }
  boost::json::object root_;
  std::optional<Wallet> wallet_;
};

TEST_F(DydxGoldenTx, wallet_matches_the_official_client_address_and_public_key) {
  EXPECT_EQ(wallet_->address(), str(root_, "address"));
  EXPECT_EQ(to_hex(wallet_->public_key()), str(root_, "public_key_hex"));
}

TEST_F(DydxGoldenTx, every_vector_is_reproduced_byte_for_byte) {
  const auto& vectors = root_.at("vectors").as_array();
  ASSERT_GE(vectors.size(), 5u);
  for (const auto& jv : vectors) {
    const auto& v = jv.as_object();
    const std::string name = str(v, "name");
    SCOPED_TRACE(name);
    const auto& o = v.at("order").as_object();
    const PerpetualMarket market = market_of(root_, str(o, "market"));

    TxParams params;
    params.chain_id = str(root_, "chain_id");
    params.account_number = u64(root_, "account_number");
    params.sequence = u64(v, "sequence");
    params.memo = str(v, "memo");
    const auto& fee = v.at("fee").as_object();
    params.gas_limit = std::stoull(str(fee, "gas_limit"));
    for (const auto& c : fee.at("amount").as_array())
      params.fee.push_back({str(c.as_object(), "denom"), str(c.as_object(), "amount")});

    OrderIdSpec id;
    id.owner = wallet_->address();
    id.subaccount_number = static_cast<std::uint32_t>(u64(o, "subaccount_number"));
    id.client_id = static_cast<std::uint32_t>(u64(o, "client_id"));
    id.order_flags = static_cast<std::uint32_t>(u64(o, "order_flags"));
    id.clob_pair_id = market.clob_pair_id;
    const GoodTil gt{static_cast<std::uint32_t>(u64(o, "good_til_block")),
                     static_cast<std::uint32_t>(u64(o, "good_til_block_time"))};

    Result<SignedTx> tx = fail(ErrorCode::internal, "unset");
    if (str(o, "kind") == "place") {
      auto size = Decimal::parse(str(o, "size"));
      auto price = Decimal::parse(str(o, "price"));
      ASSERT_TRUE(size.ok() && price.ok());
      auto quantums = size_to_quantums(market, *size);
      auto subticks = price_to_subticks(market, *price);
      ASSERT_TRUE(quantums.ok()) << quantums.error().to_string();
      ASSERT_TRUE(subticks.ok()) << subticks.error().to_string();
      EXPECT_EQ(std::to_string(*quantums), str(v, "expected_quantums"));
      EXPECT_EQ(std::to_string(*subticks), str(v, "expected_subticks"));
      PlaceOrderSpec spec;
      spec.id = id;
      spec.side = str(o, "side") == "BUY" ? OrderSide::buy : OrderSide::sell;
      spec.quantums = *quantums;
      spec.subticks = *subticks;
      spec.good_til = gt;
      spec.time_in_force = tif_of(str(o, "time_in_force"));
      spec.reduce_only = o.at("reduce_only").as_bool();
      spec.client_metadata = static_cast<std::uint32_t>(u64(o, "client_metadata"));
      tx = sign_place_order(*wallet_, spec, params);
    } else {
      tx = sign_cancel_order(*wallet_, CancelOrderSpec{id, gt}, params);
    }
    ASSERT_TRUE(tx.ok()) << tx.error().to_string();
    EXPECT_EQ(hex_of(tx->body_bytes), str(v, "body_bytes_hex"));
    EXPECT_EQ(hex_of(tx->auth_info_bytes), str(v, "auth_info_bytes_hex"));
    EXPECT_EQ(hex_of(tx->sign_doc_bytes), str(v, "sign_doc_hex"));
    EXPECT_EQ(to_hex(sha256(tx->sign_doc_bytes)), str(v, "sign_doc_sha256_hex"));
    EXPECT_EQ(to_hex(tx->signature), str(v, "signature_hex"));
    EXPECT_EQ(hex_of(tx->tx_raw), str(v, "tx_raw_hex"));
  }
}

}  // namespace
}  // namespace nzeza::venues::dydx
