// nzeza_sim_feed_server as a process: its one-line output contract and the deterministic stream
// documented in tests/sim/feeds/sim_feed_server_main.cpp, read by a real FeedSession (system
// clock: the server stamps venue times with the system clock). This is what the `nzeza feed`
// CLI tests see.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "integration/feeds/feed_harness.hpp"

namespace nzeza::venues::feed::test {
namespace {

// The server process with a pipe on its stdin (closing it stops the server) and its stdout.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(in[1]);
      ::close(out[0]);
      std::vector<char*> argv;
      std::string exe = NZEZA_SIM_FEED_SERVER;
      argv.push_back(exe.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = ::fdopen(out[0], "r");
  }
  ~ServerProcess() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      (void)wait_exit();
    }
    if (stdout_ != nullptr) ::fclose(stdout_);
  }
  std::string read_line() {
    std::string line;
    int c = 0;
    while (stdout_ != nullptr && (c = std::fgetc(stdout_)) != EOF && c != '\n') {
      line += static_cast<char>(c);
    }
    return line;
  }
  // Closes stdin and returns the exit status (-1 if it did not exit normally).
  int close_stdin_and_wait() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    return wait_exit();
  }

 private:
  int wait_exit() {
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return -1;
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
  bool waited_ = false;
};

struct UrlLine {
  bool ok = false;
  std::string ws;
  std::string rest;
};

// True when `url` is "<scheme>://127.0.0.1:<digits>" followed by `tail` (one of `tails`).
bool loopback_url(std::string_view url, std::string_view scheme,
                  std::initializer_list<std::string_view> tails) {
  const std::string prefix = std::string(scheme) + "://127.0.0.1:";
  if (!url.starts_with(prefix)) return false;
  url.remove_prefix(prefix.size());
  std::size_t digits = 0;
  while (digits < url.size() && url[digits] >= '0' && url[digits] <= '9') ++digits;
  if (digits == 0) return false;
  url.remove_prefix(digits);
  for (std::string_view t : tails) {
    if (url == t) return true;
  }
  return false;
}

UrlLine parse_listening_line(const std::string& line) {
  UrlLine out;
  std::istringstream in(line);
  std::string word;
  std::string extra;
  if (!(in >> word) || word != "listening" || !(in >> out.ws)) return out;
  if (!loopback_url(out.ws, "ws", {"/", "/stream"})) return out;
  if (in >> word) {
    if (word != "rest" || !(in >> out.rest) || !loopback_url(out.rest, "http", {""})) return out;
  }
  out.ok = !(in >> extra);
  return out;
}

class SimServerProcess : public ::testing::TestWithParam<VenueCase> {};

TEST_P(SimServerProcess, prints_its_urls_and_serves_the_documented_stream) {
  const Venue venue = GetParam().venue;
  ServerProcess server({"--venue", GetParam().name, "--events", "3", "--interval-ms", "20"});
  const std::string line = server.read_line();
  // "listening ws://127.0.0.1:<port>/[stream][ rest http://127.0.0.1:<port>]" (read by hand:
  // g++ 12 warns inside <regex> under -O1 sanitizer builds).
  const UrlLine parsed = parse_listening_line(line);
  ASSERT_TRUE(parsed.ok) << line;
  EXPECT_EQ(!parsed.rest.empty(), venue == Venue::binance) << line;
  if (venue == Venue::binance) {
    EXPECT_TRUE(parsed.ws.ends_with("/stream")) << line;
  }

  SystemClock clock;
  net::NetContext net;
  net.start();
  net::HttpClient http(net, clock);
  InstrumentRegistry registry;
  const InstrumentId id = registry.add(instrument_for(venue)).value();
  SyncSink sink;
  FeedOptions o;
  o.venue = venue;
  o.instruments = {id};
  o.url = parsed.ws;
  o.rest_url = parsed.rest;
  o.rules = quiet_rules(venue);
  {
    FeedSession session(net, clock, registry, o, protocol_factory(venue, registry).value(), sink,
                        &http);
    ASSERT_TRUE(session.start().ok());
    const std::size_t want_quotes = venue == Venue::dydx ? 4 : 3;  // dYdX: + the snapshot's
    const std::size_t want_trades = venue == Venue::generic ? 0 : 3;
    ASSERT_TRUE(wait_until([&] {
      return sink.count<Quote>() >= want_quotes && sink.count<Trade>() >= want_trades;
    })) << "quotes "
        << sink.count<Quote>() << " trades " << sink.count<Trade>();
    session.stop();
    EXPECT_EQ(session.stats().rejected, 0u);
  }
  auto quotes = sink.bodies<Quote>();
  if (venue == Venue::dydx) {
    // The subscribe snapshot's top of book comes first.
    EXPECT_EQ(quotes[0].bid_size, d("1"));
    quotes.erase(quotes.begin());
  }
  for (std::size_t i = 0; i < 3; ++i) {
    const Quote& q = quotes[i];
    if (venue == Venue::generic) {
      const Decimal price = d("50000.5") + Decimal::from_integer(static_cast<std::int64_t>(i));
      EXPECT_EQ(q.bid, price) << i;
      EXPECT_EQ(q.ask, price) << i;
      continue;
    }
    const Decimal size = Decimal::from_integer(static_cast<std::int64_t>(i + 2));
    EXPECT_EQ(q.bid, d("50000.5")) << i;
    EXPECT_EQ(q.bid_size, size) << i;
    EXPECT_EQ(q.ask, d("50001.5")) << i;
    EXPECT_EQ(q.ask_size, size) << i;
  }
  const auto trades = sink.bodies<Trade>();
  for (std::size_t i = 0; i < trades.size() && i < 3; ++i) {
    EXPECT_EQ(trades[i].price, d("50001.5")) << i;
    EXPECT_EQ(trades[i].size, d("0.01")) << i;
    EXPECT_EQ(trades[i].aggressor, i % 2 == 0 ? Side::buy : Side::sell) << i;
    EXPECT_EQ(trades[i].trade_id.view(), std::to_string(1000 + i)) << i;
  }
  if (venue != Venue::generic) {
    // The book: the snapshot, then tick updates setting 50000.5 and 50001.5 to i + 2.
    std::vector<BookChange> snap;
    for (const auto& c : sink.bodies<BookChange>()) {
      if (c.snapshot && snap.size() < 4) snap.push_back(c);
    }
    ASSERT_EQ(snap.size(), 4u);
    // Binance's REST snapshot may already include tick 0: its sizes are not fixed.
    if (venue != Venue::binance) {
      EXPECT_EQ(level_set(snap), (std::multiset<LevelKey>{{Side::buy, d("50000.5"), d("1")},
                                                          {Side::buy, d("49999.5"), d("2")},
                                                          {Side::sell, d("50001.5"), d("1")},
                                                          {Side::sell, d("50002.5"), d("2")}}));
    }
  }
  EXPECT_EQ(server.close_stdin_and_wait(), 0);
}

TEST(SimServerArguments, unknown_venue_exits_2) {
  ServerProcess server({"--venue", "mtgox"});
  EXPECT_EQ(server.read_line(), "");
  EXPECT_EQ(server.close_stdin_and_wait(), 2);
}

const VenueCase kVenues[] = {
    {Venue::binance, "binance", "BTCUSDT"}, {Venue::coinbase, "coinbase", "BTC-USD"},
    {Venue::kraken, "kraken", "BTC/USD"},   {Venue::hyperliquid, "hyperliquid", "BTC"},
    {Venue::dydx, "dydx", "BTC-USD"},       {Venue::generic, "generic", "BTC-USD"},
};

INSTANTIATE_TEST_SUITE_P(Feeds, SimServerProcess, ::testing::ValuesIn(kVenues),
                         [](const ::testing::TestParamInfo<VenueCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace nzeza::venues::feed::test
