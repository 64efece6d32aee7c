// Binance signing cost: the signer (EVP_MAC context prepared once, duplicated per signature)
// against OpenSSL's one-shot HMAC() (key schedule every call), a complete signed place query,
// the percent-encoder, and the user-data-stream executionReport parse (per private event).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "venues/binance/signer.hpp"
#include "venues/binance/user_stream.hpp"

namespace {

using namespace nzeza::venues::binance;

const std::string kSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string kPayload =
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
    "timestamp=1499827319559";

void BM_Sign_Signer(benchmark::State& state) {
  auto signer = HmacSha256Signer::create(kSecret);
  char out[64];
  for (auto _ : state) {
    benchmark::DoNotOptimize(signer->sign_into(kPayload, out));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload.size()));
}
BENCHMARK(BM_Sign_Signer);

void BM_Sign_OpenSslOneShotHmac(benchmark::State& state) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
         reinterpret_cast<const unsigned char*>(kPayload.data()), kPayload.size(), md, &len);
    benchmark::DoNotOptimize(md);
  }
}
BENCHMARK(BM_Sign_OpenSslOneShotHmac);

void BM_SignedPlaceQuery(benchmark::State& state) {
  auto signer = HmacSha256Signer::create(kSecret);
  std::int64_t ts = 1'700'000'000'000;
  for (auto _ : state) {
    QueryBuilder q;
    q.add("symbol", "BTCUSDT")
        .add("side", "BUY")
        .add("type", "LIMIT")
        .add("timeInForce", "GTC")
        .add("quantity", "0.01")
        .add("price", "49000.5")
        .add("newClientOrderId", "nz-ab-123456")
        .add("newOrderRespType", "FULL");
    auto s = signed_query(*signer, q.release(), "", ++ts, 5000);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SignedPlaceQuery);

void BM_PercentEncode_Utf8Symbol(benchmark::State& state) {
  const std::string s = "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96";
  for (auto _ : state) benchmark::DoNotOptimize(percent_encode(s));
}
BENCHMARK(BM_PercentEncode_Utf8Symbol);

void BM_UserStream_ExecutionReportTrade(benchmark::State& state) {
  const std::string frame =
      R"({"subscriptionId":0,"event":{"e":"executionReport","E":1700000000100,"s":"ETHUSDT",)"
      R"("c":"nz-q-9","S":"BUY","o":"LIMIT","f":"GTC","q":"2.00000000","p":"2999.50000000",)"
      R"("P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE","X":"PARTIALLY_FILLED",)"
      R"("r":"NONE","i":88,"l":"0.50000000","z":"0.50000000","L":"2999.00000000",)"
      R"("n":"0.00050000","N":"ETH","T":1700000000099,"t":4242,"I":1,"w":false,"m":true,)"
      R"("M":true,"O":1700000000000,"Z":"1499.50000000","Y":"1499.50000000","Q":"0.00000000"}})";
  const SymbolLookup lookup = [](std::string_view) -> std::optional<nzeza::InstrumentId> {
    return nzeza::InstrumentId{1};
  };
  for (auto _ : state) benchmark::DoNotOptimize(parse_user_stream_frame(frame, lookup));
}
BENCHMARK(BM_UserStream_ExecutionReportTrade);

}  // namespace

BENCHMARK_MAIN();
