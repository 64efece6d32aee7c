// nzeza_sim_dydx_server: the dYdX v4 simulator (node REST gateway + Indexer) as a process, for
// tests that run the real `nzeza order` binary against it.
//
//   nzeza_sim_dydx_server [--tls] [--chain-id ID] [--account ADDRESS]... [--usdc AMOUNT]
//                         [--price TICKER=PRICE]...
//
// Markets BTC-USD (clob pair 0, atomicResolution -10, oracle 60000) and ETH-USD (clob pair 1,
// atomicResolution -9, oracle 3000). Each --account gets account number 1, 2, ... and --usdc
// (default 100000) USDC. Prints "listening <url>" on stdout, then serves until stdin reaches EOF
// or SIGTERM/SIGINT arrives. A second line "ws_url <url>" names the Indexer WebSocket.
#include <unistd.h>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "sim/dydx/dydx_sim.hpp"
#include "support/stop_signals.hpp"

using nzeza::Decimal;
using nzeza::sim::dydx::DydxSim;
using nzeza::sim::dydx::SimMarket;
using nzeza::sim::dydx::SimOptions;

namespace {
int usage(const std::string& why) {
  std::cerr << "nzeza_sim_dydx_server: " << why
            << "\nusage: nzeza_sim_dydx_server [--tls] [--chain-id ID] [--account ADDRESS]... "
               "[--usdc AMOUNT] [--price TICKER=PRICE]...\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  nzeza::testsupport::StopSignals stop;  // first: before any thread starts

  SimOptions opts;
  std::vector<std::string> accounts;
  Decimal usdc = Decimal::parse("100000").value();
  std::vector<std::pair<std::string, Decimal>> prices = {
      {"BTC-USD", Decimal::parse("60000").value()}, {"ETH-USD", Decimal::parse("3000").value()}};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--tls") {
      opts.tls = true;
    } else if (a == "--chain-id") {
      if (!next(opts.chain_id)) return usage("--chain-id needs a value");
    } else if (a == "--account") {
      if (!next(v)) return usage("--account needs an address");
      accounts.push_back(v);
    } else if (a == "--usdc") {
      if (!next(v)) return usage("--usdc needs an amount");
      auto d = Decimal::parse(v);
      if (!d) return usage("bad --usdc " + v);
      usdc = *d;
    } else if (a == "--price") {
      if (!next(v)) return usage("--price needs TICKER=PRICE");
      const auto eq = v.find('=');
      auto d = eq == std::string::npos ? Decimal::parse("x") : Decimal::parse(v.substr(eq + 1));
      if (!d) return usage("bad --price " + v);
      for (auto& p : prices)
        if (p.first == v.substr(0, eq)) p.second = *d;
    } else {
      return usage("unknown argument " + a);
    }
  }

  DydxSim sim(opts);
  SimMarket btc;
  btc.ticker = "BTC-USD";
  btc.oracle_price = prices[0].second;
  sim.add_market(btc);
  SimMarket eth;
  eth.ticker = "ETH-USD";
  eth.clob_pair_id = 1;
  eth.atomic_resolution = -9;
  eth.tick_size = "0.1";
  eth.step_size = "0.001";
  eth.oracle_price = prices[1].second;
  sim.add_market(eth);
  std::uint64_t number = 1;
  for (const auto& acc : accounts) sim.add_account(acc, number++, usdc);

  std::cout << "listening " << sim.base_url() << "\nws_url " << sim.ws_url() << std::endl;

  stop.wait();
  sim.stop();
  return 0;
}
