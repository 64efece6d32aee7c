// dYdX v4 signing cost: what an order costs between "decided" and "bytes ready to broadcast".
//   sign_digest        secp256k1 RFC 6979 ECDSA over a 32-byte digest (libsecp256k1)
//   place_order_tx     MsgPlaceOrder + TxBody + AuthInfo + SignDoc protobuf + SHA-256 + sign +
//                      TxRaw: the full per-order cost on the hot path
//   cancel_order_tx    the same for MsgCancelOrder
//   quantize           size/price -> quantums/subticks (exact integer conversion)
//   wallet_from_mnemonic  BIP-39 PBKDF2 (2048 x HMAC-SHA512) + BIP-32 5 levels: start-up only

#include <benchmark/benchmark.h>

#include "venues/dydx/quantums.hpp"
#include "venues/dydx/transaction.hpp"
#include "venues/dydx/wallet.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::dydx;

constexpr const char* kMnemonic =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";

const Wallet& wallet() {
  static const Wallet w = Wallet::from_mnemonic(kMnemonic).value();
  return w;
}

PlaceOrderSpec spec() {
  PlaceOrderSpec s;
  s.id = {wallet().address(), 0, 123456, kOrderFlagsShortTerm, 0};
  s.side = OrderSide::buy;
  s.quantums = 125'000'000;
  s.subticks = 6'412'300'000;
  s.good_til.block = 12'345'698;
  return s;
}

TxParams params() {
  TxParams p;
  p.chain_id = "dydx-testnet-4";
  p.account_number = 33067;
  p.sequence = 17;
  return p;
}

void BM_sign_digest(benchmark::State& state) {
  Bytes32 digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i);
  for (auto _ : state) {
    digest[0]++;
    benchmark::DoNotOptimize(wallet().sign_digest(digest));
  }
}
BENCHMARK(BM_sign_digest);

void BM_place_order_tx(benchmark::State& state) {
  PlaceOrderSpec s = spec();
  const TxParams p = params();
  for (auto _ : state) {
    s.id.client_id++;
    auto tx = sign_place_order(wallet(), s, p);
    benchmark::DoNotOptimize(tx);
  }
}
BENCHMARK(BM_place_order_tx);

void BM_cancel_order_tx(benchmark::State& state) {
  CancelOrderSpec c{spec().id, {12'345'690, 0}};
  const TxParams p = params();
  for (auto _ : state) {
    c.id.client_id++;
    auto tx = sign_cancel_order(wallet(), c, p);
    benchmark::DoNotOptimize(tx);
  }
}
BENCHMARK(BM_cancel_order_tx);

void BM_quantize(benchmark::State& state) {
  const PerpetualMarket m{"BTC-USD", 0, -10, -9, 1'000'000, 100'000};
  const Decimal size = Decimal::parse("0.0125").value();
  const Decimal price = Decimal::parse("64123").value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(size_to_quantums(m, size));
    benchmark::DoNotOptimize(price_to_subticks(m, price));
  }
}
BENCHMARK(BM_quantize);

void BM_wallet_from_mnemonic(benchmark::State& state) {
  for (auto _ : state) {
    auto w = Wallet::from_mnemonic(kMnemonic);
    benchmark::DoNotOptimize(w);
  }
}
BENCHMARK(BM_wallet_from_mnemonic)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
