// nzeza_sim_feed_server: one venue's market-data simulator as a process, for tests that run the
// real `nzeza feed` binary against it.
//
//   nzeza_sim_feed_server --venue <binance|coinbase|kraken|hyperliquid|dydx|generic>
//                         [--events N] [--interval-ms M]
//
// Output contract: exactly one line on stdout, flushed at once,
//   "listening <ws url>"                    (coinbase, kraken, hyperliquid, dydx, generic)
//   "listening <ws url> rest <http url>"    (binance: the REST base for GET /api/v3/depth)
// e.g. "listening ws://127.0.0.1:41234/" or
//      "listening ws://127.0.0.1:41234/stream rest http://127.0.0.1:41235".
// Then it serves until stdin reaches EOF or SIGTERM/SIGINT arrives, and exits 0. Bad arguments:
// a message on stderr, exit 2.
//
// The stream (deterministic; every subscribed symbol gets the same values; venue times are the
// system clock). The symbols are whatever the client subscribes to, e.g. Binance BTCUSDT,
// Coinbase BTC-USD, Kraken BTC/USD, Hyperliquid BTC, dYdX BTC-USD, generic BTC-USD.
//   * Book snapshot (on subscribe; Binance: the REST snapshot, lastUpdateId 1000 + the number of
//     diffs sent so far): bids 50000.5 x 1, 49999.5 x 2; asks 50001.5 x 1, 50002.5 x 2.
//   * Ticks start once every channel the venue's feed uses has a subscription (or 1 s after the
//     first subscription), then every M ms (default 50); N ticks (default 20). Tick i = 0..N-1,
//     per symbol, in this order:
//       1. book update: bid 50000.5 size (i + 2), ask 50001.5 size (i + 2)
//          (Hyperliquid sends the whole book; dYdX's feed derives its top of book from it);
//       2. top of book: bid 50000.5 x (i + 2), ask 50001.5 x (i + 2)
//          (none on dYdX; generic: {"symbol":S,"price":50000.5 + i,"ts":<ms>}, i.e. a Quote with
//          bid = ask = 50000.5 + i and zero sizes);
//       3. trade: price 50001.5, size 0.01, taker buy for even i and sell for odd i, trade id
//          1000 + i (none on generic);
//     then a heartbeat (Coinbase heartbeats, Kraken heartbeat, generic heartbeat, a ping frame
//     on Binance and dYdX). After the N ticks, only the heartbeats continue, every M ms.
//   * Binance's book events arrive when the client's REST snapshot does, which may be after
//     tick 0's quote and trade; all other venues send the snapshot before any tick.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <thread>

#include "sim/feeds/feed_sim.hpp"
#include "support/stop_signals.hpp"

using nzeza::Venue;
using nzeza::sim::feeds::FeedSim;
using nzeza::sim::feeds::SimLevel;

namespace {

int usage(const std::string& why) {
  std::cerr << "nzeza_sim_feed_server: " << why
            << "\nusage: nzeza_sim_feed_server --venue "
               "<binance|coinbase|kraken|hyperliquid|dydx|generic> [--events N] [--interval-ms "
               "M]\n";
  return 2;
}

bool parse_venue(const std::string& s, Venue& v) {
  if (s == "binance")
    v = Venue::binance;
  else if (s == "coinbase")
    v = Venue::coinbase;
  else if (s == "kraken")
    v = Venue::kraken;
  else if (s == "hyperliquid")
    v = Venue::hyperliquid;
  else if (s == "dydx")
    v = Venue::dydx;
  else if (s == "generic")
    v = Venue::generic;
  else
    return false;
  return true;
}

bool parse_count(const std::string& s, long& out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  out = std::stol(s);
  return true;
}

// The channels (the part before ':' or after '@') each venue's feed subscribes.
std::set<std::string> expected_channels(Venue v) {
  switch (v) {
    case Venue::binance:
      return {"bookTicker", "trade", "depth"};
    case Venue::coinbase:
      return {"heartbeats", "ticker", "market_trades", "level2"};
    case Venue::kraken:
      return {"ticker", "trade", "book"};
    case Venue::hyperliquid:
      return {"l2Book", "trades", "bbo"};
    case Venue::dydx:
      return {"v4_orderbook", "v4_trades"};
    default:
      return {"price"};
  }
}

// Channels and symbols subscribed over every session so far.
void scan(const FeedSim& sim, Venue venue, std::set<std::string>& channels,
          std::set<std::string>& symbols) {
  for (std::size_t i = 0; i < sim.connections(); ++i) {
    for (const std::string& k : sim.subscriptions(i)) {
      if (venue == Venue::binance) {
        const auto at = k.find('@');
        if (at == std::string::npos) continue;
        std::string ch = k.substr(at + 1);
        ch = ch.substr(0, ch.find('@'));
        channels.insert(ch);
        std::string sym = k.substr(0, at);
        for (char& c : sym) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        symbols.insert(sym);
      } else {
        const auto colon = k.find(':');
        channels.insert(k.substr(0, colon));
        if (colon + 1 < k.size()) symbols.insert(k.substr(colon + 1));
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  nzeza::testsupport::StopSignals stop;  // first: before any thread starts

  Venue venue = Venue::generic;
  bool have_venue = false;
  long events = 20;
  long interval_ms = 50;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage(a + " needs a value");
    const std::string v = argv[++i];
    if (a == "--venue") {
      if (!parse_venue(v, venue)) return usage("unknown venue '" + v + "'");
      have_venue = true;
    } else if (a == "--events") {
      if (!parse_count(v, events)) return usage("--events needs a count, got '" + v + "'");
    } else if (a == "--interval-ms") {
      if (!parse_count(v, interval_ms) || interval_ms == 0) {
        return usage("--interval-ms needs a positive count, got '" + v + "'");
      }
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (!have_venue) return usage("--venue is required");

  FeedSim sim(venue);
  std::cout << "listening " << sim.ws_url();
  if (venue == Venue::binance) std::cout << " rest " << sim.rest_url();
  std::cout << std::endl;

  std::atomic<bool> done{false};
  std::thread ticker([&] {
    const auto interval = std::chrono::milliseconds(interval_ms);
    const auto wanted = expected_channels(venue);
    std::set<std::string> symbols;
    // Wait for the subscriptions.
    std::chrono::steady_clock::time_point first{};
    while (!done) {
      std::set<std::string> channels;
      symbols.clear();
      scan(sim, venue, channels, symbols);
      const auto now = std::chrono::steady_clock::now();
      if (!symbols.empty() && first == std::chrono::steady_clock::time_point{}) first = now;
      bool all = !symbols.empty();
      for (const auto& w : wanted) all = all && channels.count(w) > 0;
      if (all || (!symbols.empty() && now - first >= std::chrono::seconds(1))) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (long i = 0; !done; ++i) {
      std::this_thread::sleep_for(interval);
      if (done) break;
      if (i < events) {
        const std::string size = std::to_string(i + 2);
        for (const auto& sym : symbols) {
          sim.publish_book_update(sym, {{"50000.5", size}}, {{"50001.5", size}});
          if (venue == Venue::generic) {
            sim.publish_quote(sym, {std::to_string(50000 + i) + ".5", "0"},
                              {std::to_string(50000 + i) + ".5", "0"});
          } else {
            sim.publish_quote(sym, {"50000.5", size}, {"50001.5", size});
          }
          sim.publish_trade(sym, "50001.5", "0.01", i % 2 == 0 ? "buy" : "sell",
                            1000 + static_cast<std::uint64_t>(i));
        }
      }
      sim.publish_heartbeat();
    }
  });

  stop.wait();
  done = true;
  ticker.join();
  sim.stop();
  return 0;
}
