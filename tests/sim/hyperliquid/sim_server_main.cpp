// nzeza_sim_hyperliquid_server: the Hyperliquid simulator as a process, for tests that run the
// real `nzeza order` binary against it.
//
//   nzeza_sim_hyperliquid_server [--tls] [--testnet] [--account 0xADDR]... [--agent
//   AGENT=ACCOUNT]...
//                                [--usdc AMOUNT] [--price COIN=PRICE]...
//
// Assets BTC (szDecimals 5, mark 60000) and ETH (szDecimals 4, mark 3000). Without --account,
// any valid signer is registered on first use with --usdc (default 100000) USDC. Prints
// "listening <url>" and "ws <user stream url>" on stdout, then serves until stdin reaches EOF or
// SIGTERM/SIGINT arrives.
#include <unistd.h>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "sim/hyperliquid/hyperliquid_sim.hpp"
#include "support/stop_signals.hpp"

using nzeza::Decimal;
using nzeza::sim::hyperliquid::HyperliquidSim;
using nzeza::sim::hyperliquid::SimAsset;
using nzeza::sim::hyperliquid::SimOptions;

namespace {
int usage(const std::string& why) {
  std::cerr << "nzeza_sim_hyperliquid_server: " << why
            << "\nusage: nzeza_sim_hyperliquid_server [--tls] [--testnet] [--account 0xADDR]... "
               "[--agent AGENT=ACCOUNT]... [--usdc AMOUNT] [--price COIN=PRICE]...\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  nzeza::testsupport::StopSignals stop;  // first: before any thread starts

  SimOptions opts;
  std::vector<std::string> accounts;
  std::vector<std::pair<std::string, std::string>> agents;
  std::vector<std::pair<std::string, Decimal>> prices = {{"BTC", Decimal::parse("60000").value()},
                                                         {"ETH", Decimal::parse("3000").value()}};
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
    } else if (a == "--testnet") {
      opts.mainnet = false;
    } else if (a == "--account") {
      if (!next(v)) return usage("--account needs an address");
      accounts.push_back(v);
    } else if (a == "--agent") {
      if (!next(v) || v.find('=') == std::string::npos) return usage("--agent needs AGENT=ACCOUNT");
      agents.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
    } else if (a == "--usdc") {
      if (!next(v)) return usage("--usdc needs an amount");
      auto d = Decimal::parse(v);
      if (!d) return usage("--usdc: " + d.error().message);
      opts.initial_usdc = *d;
    } else if (a == "--price") {
      if (!next(v) || v.find('=') == std::string::npos) return usage("--price needs COIN=PRICE");
      auto d = Decimal::parse(v.substr(v.find('=') + 1));
      if (!d) return usage("--price: " + d.error().message);
      const auto coin = v.substr(0, v.find('='));
      std::erase_if(prices, [&](const auto& p) { return p.first == coin; });
      prices.emplace_back(coin, *d);
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  opts.auto_register = accounts.empty();
  HyperliquidSim sim(opts);
  sim.add_asset(SimAsset{"BTC", 5, Decimal::parse("60000").value(), 50});
  sim.add_asset(SimAsset{"ETH", 4, Decimal::parse("3000").value(), 50});
  for (const auto& [coin, price] : prices) sim.set_mark(coin, price);
  for (const auto& acct : accounts) sim.add_account(acct, opts.initial_usdc);
  for (const auto& [agent, acct] : agents) sim.add_agent(agent, acct);

  std::cout << "listening " << sim.base_url() << "\n"
            << "ws " << sim.ws_url() << std::endl;

  stop.wait();
  sim.stop();
  return 0;
}
