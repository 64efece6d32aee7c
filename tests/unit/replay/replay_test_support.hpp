#pragma once
// Helpers of the replay tests: a per-test temporary folder, files written plain, gzip or cut,
// the instruments the tests record, and event builders. The data is the tests' own.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "replay/event_source.hpp"

namespace nzeza::replay::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("nzeza-replay-" + std::to_string(::getpid()) + "-" +
                                         info->test_suite_name() + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }
  [[nodiscard]] fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_gz(const fs::path& path, std::string_view text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

inline Instrument spot(Venue venue, std::string venue_symbol, std::string base, std::string quote,
                       Decimal tick, Decimal lot) {
  Instrument in;
  in.venue = venue;
  in.kind = InstrumentKind::spot;
  in.venue_symbol = std::move(venue_symbol);
  in.base = std::move(base);
  in.quote = std::move(quote);
  in.canonical = in.base + "-" + in.quote;
  in.tick_size = tick;
  in.lot_size = lot;
  in.min_size = lot;
  return in;
}

// Binance BTCUSDT and ETHUSDT, Coinbase BTC-USD.
inline void add_test_instruments(InstrumentRegistry& registry) {
  Instrument btc = spot(Venue::binance, "BTCUSDT", "BTC", "USDT", Decimal::parse("0.01").value(),
                        Decimal::parse("0.00001").value());
  btc.ws_symbol = "btcusdt";
  btc.min_notional = Decimal::from_integer(5);
  btc.max_size = Decimal::from_integer(9000);
  ASSERT_TRUE(registry.add(btc).ok());
  ASSERT_TRUE(registry
                  .add(spot(Venue::binance, "ETHUSDT", "ETH", "USDT",
                            Decimal::parse("0.01").value(), Decimal::parse("0.0001").value()))
                  .ok());
  ASSERT_TRUE(registry
                  .add(spot(Venue::coinbase, "BTC-USD", "BTC", "USD",
                            Decimal::parse("0.01").value(), Decimal::parse("0.00000001").value()))
                  .ok());
}

inline Decimal dec(std::string_view s) {
  return Decimal::parse(s).value();
}

// 2024-01-02T03:00:00Z plus `offset_ns`.
inline Timestamp at(std::int64_t offset_ns) {
  return Timestamp::from_seconds(1'704'164'400) + Duration(offset_ns);
}

inline MarketEvent event_of(const InstrumentRegistry& registry, Venue venue,
                            std::string_view symbol, Timestamp receive, Timestamp venue_time) {
  MarketEvent e;
  e.venue = venue;
  if (!symbol.empty()) {
    const Instrument* in = registry.find(venue, symbol);
    e.instrument = in->id;
    e.symbol = in->symbol;
  }
  e.receive_time = receive;
  e.venue_time = venue_time;
  return e;
}

inline MarketEvent quote(const InstrumentRegistry& r, Venue v, std::string_view s, Timestamp rt,
                         std::string_view bid, std::string_view bid_size, std::string_view ask,
                         std::string_view ask_size, Timestamp vt = {}) {
  MarketEvent e = event_of(r, v, s, rt, vt);
  e.body = Quote{dec(bid), dec(bid_size), dec(ask), dec(ask_size)};
  return e;
}

inline MarketEvent trade(const InstrumentRegistry& r, Venue v, std::string_view s, Timestamp rt,
                         std::string_view price, std::string_view size, Side aggressor,
                         std::string_view id, Timestamp vt = {}) {
  MarketEvent e = event_of(r, v, s, rt, vt);
  Trade t{dec(price), dec(size), aggressor, {}};
  EXPECT_TRUE(TradeId::assign(t.trade_id, id));
  e.body = t;
  return e;
}

inline MarketEvent book(const InstrumentRegistry& r, Venue v, std::string_view s, Timestamp rt,
                        Side side, std::string_view price, std::string_view size,
                        std::uint64_t sequence = 0, bool snapshot = false, bool reset = false,
                        bool last = false, Timestamp vt = {}) {
  MarketEvent e = event_of(r, v, s, rt, vt);
  e.body = BookChange{side, dec(price), dec(size), sequence, snapshot, reset, last};
  return e;
}

// Every event of a source until its end; fails the test on an error.
inline std::vector<MarketEvent> read_all(EventSource& source) {
  std::vector<MarketEvent> out;
  MarketEvent e;
  for (;;) {
    const ReadOutcome r = source.next(e);
    if (r == ReadOutcome::end) break;
    if (r == ReadOutcome::error) {
      ADD_FAILURE() << source.error().to_string();
      break;
    }
    out.push_back(e);
  }
  return out;
}

// Reads until the end or an error; returns the events read and the error (code internal with an
// empty message when the source ended cleanly).
inline std::pair<std::vector<MarketEvent>, Error> read_until_error(EventSource& source) {
  std::vector<MarketEvent> out;
  MarketEvent e;
  for (;;) {
    const ReadOutcome r = source.next(e);
    if (r == ReadOutcome::end) return {out, Error{}};
    if (r == ReadOutcome::error) return {out, source.error()};
    out.push_back(e);
  }
}

inline bool same_event(const MarketEvent& a, const MarketEvent& b) {
  if (a.venue != b.venue || a.instrument != b.instrument || a.symbol != b.symbol ||
      a.venue_time != b.venue_time || a.receive_time != b.receive_time ||
      a.body.index() != b.body.index())
    return false;
  if (const auto* x = std::get_if<Quote>(&a.body)) {
    const auto& y = std::get<Quote>(b.body);
    return x->bid == y.bid && x->bid_size == y.bid_size && x->ask == y.ask &&
           x->ask_size == y.ask_size;
  }
  if (const auto* x = std::get_if<Trade>(&a.body)) {
    const auto& y = std::get<Trade>(b.body);
    return x->price == y.price && x->size == y.size && x->aggressor == y.aggressor &&
           x->trade_id == y.trade_id;
  }
  if (const auto* x = std::get_if<BookChange>(&a.body)) {
    const auto& y = std::get<BookChange>(b.body);
    return x->side == y.side && x->price == y.price && x->size == y.size &&
           x->sequence == y.sequence && x->snapshot == y.snapshot && x->reset == y.reset &&
           x->last == y.last;
  }
  const auto& x = std::get<VenueStatus>(a.body);
  const auto& y = std::get<VenueStatus>(b.body);
  return x.state == y.state && x.trading == y.trading;
}

}  // namespace nzeza::replay::testing
