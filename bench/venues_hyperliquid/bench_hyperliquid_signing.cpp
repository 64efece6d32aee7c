// Hyperliquid signing cost, step by step: building the order action, msgpack, keccak of the
// preimage, the EIP-712 digest, the secp256k1 recoverable signature, and the whole path to the
// request body (what the client does per order).

#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <vector>

#include "venues/hyperliquid/action_hash.hpp"
#include "venues/hyperliquid/eip712.hpp"
#include "venues/hyperliquid/msgpack.hpp"
#include "venues/hyperliquid/signer.hpp"
#include "venues/hyperliquid/wire.hpp"

namespace hl = nzeza::venues::hyperliquid;
using nzeza::operator""_d;

namespace {

constexpr std::string_view kKey =
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

std::vector<hl::OrderWire> one_order() {
  hl::OrderWire o;
  o.asset = 0;
  o.is_buy = true;
  o.limit_px = "59012"_d;
  o.size = "0.00123"_d;
  o.tif = hl::Tif::gtc;
  o.cloid = "0x74310000000000000000000000000042";
  return {o};
}

void BM_build_order_action(benchmark::State& state) {
  const auto orders = one_order();
  for (auto _ : state) benchmark::DoNotOptimize(hl::order_action(orders));
}
BENCHMARK(BM_build_order_action);

void BM_msgpack_order_action(benchmark::State& state) {
  const auto action = hl::order_action(one_order());
  std::string out;
  for (auto _ : state) {
    out.clear();
    (void)hl::msgpack_append(action, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_msgpack_order_action);

void BM_keccak_preimage(benchmark::State& state) {
  const auto action = hl::order_action(one_order());
  hl::ActionEnvelope env{1700000000000ULL, std::nullopt, 1700000030000ULL};
  const auto pre = hl::action_preimage(action, env).value();
  for (auto _ : state) benchmark::DoNotOptimize(hl::keccak256(pre));
}
BENCHMARK(BM_keccak_preimage);

void BM_eip712_digest(benchmark::State& state) {
  const auto conn = hl::keccak256("connection");
  for (auto _ : state) benchmark::DoNotOptimize(hl::l1_digest(true, conn));
}
BENCHMARK(BM_eip712_digest);

void BM_secp256k1_sign_recoverable(benchmark::State& state) {
  const auto signer = hl::Signer::from_private_key(kKey).value();
  const auto digest = hl::keccak256("digest");
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign_digest(digest));
}
BENCHMARK(BM_secp256k1_sign_recoverable);

void BM_sign_l1_action_total(benchmark::State& state) {
  const auto signer = hl::Signer::from_private_key(kKey).value();
  const auto action = hl::order_action(one_order());
  hl::ActionEnvelope env{1700000000000ULL, std::nullopt, 1700000030000ULL};
  for (auto _ : state) {
    ++env.nonce;
    benchmark::DoNotOptimize(signer.sign_l1_action(action, env, true));
  }
}
BENCHMARK(BM_sign_l1_action_total);

void BM_order_to_request_body(benchmark::State& state) {
  auto signer = hl::Signer::from_private_key(kKey).value();
  const auto orders = one_order();
  std::uint64_t now = 1700000000000ULL;
  for (auto _ : state) {
    const auto action = hl::order_action(orders);
    hl::ActionEnvelope env{signer.next_nonce(now), std::nullopt, now + 30000};
    const auto sig = signer.sign_l1_action(action, env, true).value();
    benchmark::DoNotOptimize(
        hl::exchange_body(action, env.nonce, sig, std::nullopt, env.expires_after));
  }
}
BENCHMARK(BM_order_to_request_body);

}  // namespace

BENCHMARK_MAIN();
