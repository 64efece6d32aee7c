// nzeza_sim_binance_server: the Binance simulator as a process, for tests that run the real
// `nzeza order` binary against it.
//
//   nzeza_sim_binance_server [--api-key K] [--api-secret S] [--tls]
//                            [--balance ASSET=AMOUNT]... [--price SYMBOL=PRICE]...
//
// Symbols BTCUSDT (tick 0.01, step 0.00001, min notional 5) and ETHUSDT (tick 0.01, step 0.0001);
// key/secret default to $NZEZA_BINANCE_API_KEY / $NZEZA_BINANCE_API_SECRET, else
// "sim-key-0001" / "sim-secret-0001"; default balances USDT 100000, BTC 2, ETH 20; prices BTCUSDT
// 50000, ETHUSDT 3000. Prints "listening <rest url>" and "ws-api <url>" on stdout, then serves
// until stdin reaches EOF or SIGTERM/SIGINT arrives.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "sim/binance/binance_sim.hpp"
#include "support/stop_signals.hpp"

using nzeza::Decimal;
using nzeza::sim::binance::BinanceSim;
using nzeza::sim::binance::SimOptions;
using nzeza::sim::binance::SimSymbol;

namespace {
bool split(const std::string& arg, std::string& k, Decimal& v) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos) return false;
  auto d = Decimal::parse(arg.substr(eq + 1));
  if (!d) return false;
  k = arg.substr(0, eq);
  v = *d;
  return true;
}
int usage(const std::string& why) {
  std::cerr << "nzeza_sim_binance_server: " << why
            << "\nusage: nzeza_sim_binance_server [--api-key K] [--api-secret S] [--tls] "
               "[--balance ASSET=AMOUNT]... [--price SYMBOL=PRICE]...\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  nzeza::testsupport::StopSignals stop;  // first: before any thread starts

  SimOptions opts;
  // Defaults from the same variables the client's credentials use, so a CLI test can export
  // them once for both processes.
  if (const char* k = std::getenv("NZEZA_BINANCE_API_KEY"); k != nullptr && *k != '\0')
    opts.api_key = k;
  if (const char* s = std::getenv("NZEZA_BINANCE_API_SECRET"); s != nullptr && *s != '\0')
    opts.api_secret = s;
  std::vector<std::pair<std::string, Decimal>> balances = {
      {"USDT", Decimal::parse("100000").value()},
      {"BTC", Decimal::parse("2").value()},
      {"ETH", Decimal::parse("20").value()}};
  std::vector<std::pair<std::string, Decimal>> prices = {
      {"BTCUSDT", Decimal::parse("50000").value()}, {"ETHUSDT", Decimal::parse("3000").value()}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--api-key") {
      if (!next(opts.api_key)) return usage("--api-key needs a value");
    } else if (a == "--api-secret") {
      if (!next(opts.api_secret)) return usage("--api-secret needs a value");
    } else if (a == "--tls") {
      opts.tls = true;
    } else if (a == "--balance" || a == "--price") {
      std::string k;
      Decimal d;
      if (!next(v) || !split(v, k, d)) return usage(a + " needs NAME=DECIMAL");
      auto& list = a == "--balance" ? balances : prices;
      std::erase_if(list, [&](const auto& p) { return p.first == k; });
      list.emplace_back(k, d);
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  BinanceSim sim(opts);
  sim.add_symbol(SimSymbol{"BTCUSDT", "BTC", "USDT"});
  SimSymbol eth{"ETHUSDT", "ETH", "USDT"};
  eth.step = Decimal::parse("0.0001").value();
  eth.min_qty = eth.step;
  sim.add_symbol(eth);
  for (const auto& [asset, amount] : balances) sim.set_balance(asset, amount);
  for (const auto& [symbol, price] : prices) sim.set_price(symbol, price);

  std::cout << "listening " << sim.base_url() << "\n"
            << "ws-api " << sim.ws_api_url() << std::endl;

  stop.wait();
  sim.stop();
  return 0;
}
