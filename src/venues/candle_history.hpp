#pragma once
// Candle history for the warm-up (VenueClient::candles): what every venue's REST history shares —
// the table of intervals a venue publishes, the checks every candle read from a venue passes, and
// the pager that fetches the last N closed candles by time windows, newest window first.
//
// A history candle (what every venue parser returns, what candles() answers):
//   * `start` is a multiple of `interval` since the epoch (market::Candle's contract), so only
//     intervals whose candles the venue starts that way are offered: a week (Binance's starts on
//     Monday, the epoch was a Thursday) or a month is not;
//   * 0 < low <= open, close <= high; volume >= 0; the series strictly increases by `start`;
//   * closed: the venue's current candle is never returned;
//   * `gap` only when the venue says nobody traded in it (its trade count is 0). An interval the
//     venue publishes nothing for is absent: the series then jumps (Coinbase publishes nothing for
//     an interval without trades); `series_break` is never set — the consumer sees the jump in
//     `start` and decides, like the live CandleBuilder, how many gap candles to fill in.
//   * `trades` and `price_updates` are the venue's trade count when it gives one; a venue without
//     one (Coinbase) gives trades 0 and price_updates 1 (a published candle had a price).
//
// Threading: pure functions and a pager whose state lives in the callbacks it chains.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "market/candle.hpp"

namespace nzeza::venues::history {

// Most candles one candles() call fetches by paging (Binance, Coinbase): 5000 one-minute candles
// are three and a half days, far more than any indicator's warm-up needs.
inline constexpr std::size_t kMaxPagedCandles = 5000;

// One interval a venue publishes and how its API spells it ("1m", "ONE_MINUTE", "1").
struct CandleInterval {
  Duration length;
  std::string_view wire;
};

// "1s", "15m", "4h", "1d"; "1500ms" or "90s" when no larger unit divides it.
[[nodiscard]] inline std::string interval_text(Duration d) {
  using std::chrono::duration_cast;
  struct Unit {
    Duration length;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{std::chrono::hours(24), "d"},
                                    {std::chrono::hours(1), "h"},
                                    {std::chrono::minutes(1), "m"},
                                    {std::chrono::seconds(1), "s"},
                                    {std::chrono::milliseconds(1), "ms"}};
  if (d.count() > 0) {
    for (const auto& u : kUnits)
      if (d.count() % u.length.count() == 0)
        return std::to_string(d.count() / u.length.count()) + u.suffix;
  }
  return std::to_string(d.count()) + "ns";
}

// The wire spelling of `interval` among the intervals a venue offers; nullopt for any other.
[[nodiscard]] constexpr std::optional<std::string_view> find_wire(
    std::span<const CandleInterval> offered, Duration interval) noexcept {
  for (const auto& i : offered)
    if (i.length == interval) return i.wire;
  return std::nullopt;
}

// "1m, 5m, 1h": the intervals a venue offers, in our names, for a refusal.
[[nodiscard]] inline std::string intervals_text(std::span<const CandleInterval> offered) {
  std::string list;
  for (const auto& i : offered) {
    if (!list.empty()) list += ", ";
    list += interval_text(i.length);
  }
  return list;
}

// The wire spelling of `interval`, or invalid_argument naming every interval `venue_name` offers.
[[nodiscard]] inline Result<std::string_view> wire_interval(std::string_view venue_name,
                                                            std::span<const CandleInterval> offered,
                                                            Duration interval) {
  if (auto wire = find_wire(offered, interval)) return *wire;
  return Error(ErrorCode::invalid_argument, "interval " + interval_text(interval) +
                                                " is not offered; " + std::string(venue_name) +
                                                " publishes " + intervals_text(offered));
}

// A candle's five decimals, each with the venue's key for it (a member name, a row field), in
// the order open, high, low, close, volume: a venue parser reads `*to` from `key` for each.
template <class Key>
[[nodiscard]] std::array<std::pair<Key, Decimal*>, 5> candle_decimals(
    market::Candle& c, const std::array<Key, 5>& keys) {
  return {{{keys[0], &c.open},
           {keys[1], &c.high},
           {keys[2], &c.low},
           {keys[3], &c.close},
           {keys[4], &c.volume}}};
}

// The venue's trade count of a candle: its trades and price updates, a gap when nobody traded.
inline void set_trade_count(market::Candle& c, std::uint32_t trades) noexcept {
  c.trades = trades;
  c.price_updates = trades;
  c.gap = trades == 0;
}

// One candle read from a venue (prices, volume, alignment); the message says what is wrong and
// the caller names the candle.
[[nodiscard]] inline Status check_candle(const market::Candle& c) {
  if (c.interval.count() <= 0) return fail(ErrorCode::protocol, "no interval");
  if (c.start.ns() < 0 || c.start.ns() % c.interval.count() != 0)
    return fail(ErrorCode::protocol, "start " + c.start.to_iso8601() + " is not a multiple of " +
                                         interval_text(c.interval) + " since the epoch");
  if (!c.low.is_positive()) return fail(ErrorCode::protocol, "low is not positive");
  if (c.high < c.low) return fail(ErrorCode::protocol, "high is below low");
  if (c.open < c.low || c.open > c.high)
    return fail(ErrorCode::protocol, "open is outside low..high");
  if (c.close < c.low || c.close > c.high)
    return fail(ErrorCode::protocol, "close is outside low..high");
  if (c.volume.is_negative()) return fail(ErrorCode::protocol, "volume is negative");
  return {};
}

// `candles` strictly increasing by start (the message names the first one that is not).
[[nodiscard]] inline Status check_increasing(const std::vector<market::Candle>& candles) {
  for (std::size_t i = 1; i < candles.size(); ++i) {
    if (candles[i].start <= candles[i - 1].start)
      return fail(ErrorCode::protocol, "candle " + std::to_string(i) + " (" +
                                           candles[i].start.to_iso8601() +
                                           ") does not follow the one before it");
  }
  return {};
}

// Drops the candles still open at `now` (end() > now): only the newest can be, so from the back.
inline void drop_open(std::vector<market::Candle>& candles, Timestamp now) {
  while (!candles.empty() && candles.back().end() > now) candles.pop_back();
}

// ---- paging ------------------------------------------------------------------------------------

// A time window of whole intervals, [from, to), and how many candles it holds at most.
struct Window {
  Timestamp from;
  Timestamp to;
  std::size_t limit = 0;
};
using CandlesDone = std::function<void(Result<std::vector<market::Candle>>)>;
// Asks the venue for the candles of one window (any order it likes is the parser's business;
// candles outside the window are ignored: Coinbase may answer some before `from`).
using FetchWindow = std::function<void(const Window&, CandlesDone)>;

// The last `count` closed candles before `cutoff` (the start of the venue's open candle), by
// windows of whole intervals, newest window first: while every interval so far held a candle,
// each window asks for what is still missing (at most `per_page`), so a venue that publishes
// every interval costs count / per_page requests rounded up; once an interval came back empty
// (Coinbase publishes nothing for an interval without trades) each window is a full `per_page`.
// Stops when `count` candles are in, at the first window the venue has nothing for (the start of
// its history, or an outage that long), or after count / per_page + 3 windows. `done` gets the
// newest `count` (or fewer) oldest first, or the first error of a window.
inline void fetch_last(Timestamp cutoff, Duration interval, std::size_t count, std::size_t per_page,
                       FetchWindow fetch, CandlesDone done) {
  struct State {
    Duration interval;
    std::size_t count;
    std::size_t per_page;
    std::size_t windows_left;
    Timestamp end;
    std::size_t have = 0;                            // candles received
    std::size_t scanned = 0;                         // intervals asked for
    std::vector<std::vector<market::Candle>> pages;  // newest first
    FetchWindow fetch;
    CandlesDone done;

    void finish() {
      std::vector<market::Candle> out;
      out.reserve(have);
      for (auto it = pages.rbegin(); it != pages.rend(); ++it)
        out.insert(out.end(), it->begin(), it->end());
      if (out.size() > count)
        out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out.size() - count));
      done(std::move(out));
    }

    static void step(const std::shared_ptr<State>& s) {
      const std::size_t want =
          s->have == s->scanned ? std::min(s->per_page, s->count - s->have) : s->per_page;
      const Window w{s->end - s->interval * static_cast<std::int64_t>(want), s->end, want};
      auto fetch = s->fetch;  // the callback below may end the state's last owner
      fetch(w, [s, w](Result<std::vector<market::Candle>> r) {
        if (!r) {
          s->done(std::move(r).error());
          return;
        }
        std::vector<market::Candle> page;
        for (auto& c : *r)
          if (c.start >= w.from && c.start < w.to) page.push_back(std::move(c));
        s->end = w.from;
        s->scanned += w.limit;
        --s->windows_left;
        if (page.empty()) return s->finish();
        s->have += page.size();
        s->pages.push_back(std::move(page));
        if (s->have >= s->count || s->windows_left == 0) return s->finish();
        step(s);
      });
    }
  };
  if (count == 0 || per_page == 0) {
    done(std::vector<market::Candle>{});
    return;
  }
  auto s = std::make_shared<State>();
  s->interval = interval;
  s->count = count;
  s->per_page = per_page;
  s->windows_left = count / per_page + 3;
  s->end = cutoff;
  s->fetch = std::move(fetch);
  s->done = std::move(done);
  State::step(s);
}

}  // namespace nzeza::venues::history
