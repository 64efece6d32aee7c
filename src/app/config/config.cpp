#include "app/config/config.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <utility>

namespace nzeza::app {
namespace {

constexpr std::string_view kVenueSlot = "<venue>";
constexpr std::string_view kSymbolSlot = "<symbol>";

// BASE-QUOTE, both parts non-empty.
bool is_canonical_symbol(std::string_view s) {
  const auto dash = s.find('-');
  return dash != 0 && dash != std::string_view::npos && dash + 1 < s.size() &&
         s.find_first_of(" \t") == std::string_view::npos;
}

// The value as the file wrote it, strings in double quotes, for error messages.
std::string node_text(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (const auto* s = node.as_string()) {
    std::string out = "\"";
    for (char c : s->get()) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  if (const auto* arr = node.as_array()) {
    std::string out = "[";
    for (const auto& item : *arr) out += (out.size() > 1 ? ", " : "") + node_text(item);
    return out + "]";
  }
  std::ostringstream out;
  node.visit([&out](const auto& v) {
    if constexpr (!toml::is_table<decltype(v)> && !toml::is_array<decltype(v)>) out << v;
  });
  return out.str();
}

std::string where_text(const toml::node& node, std::string_view origin) {
  const auto& b = node.source().begin;
  if (b.line == 0) return {};
  return std::string(origin) + ':' + std::to_string(b.line) + ':' + std::to_string(b.column);
}

// Reads one value for one key; every refusal is recorded with the key's allowed text.
class Reader {
 public:
  Reader(const toml::node& node, std::string path, std::string_view allowed,
         std::string_view origin, std::vector<ConfigError>& errors)
      : node_(node), path_(std::move(path)), allowed_(allowed), origin_(origin), errors_(errors) {}

  void fail(std::string_view note = {}) {
    std::string allowed(allowed_);
    if (!note.empty()) allowed += std::string(" (") + std::string(note) + ")";
    errors_.push_back({path_, node_text(node_), std::move(allowed), where_text(node_, origin_),
                       node_.source().begin.line});
  }

  std::optional<bool> boolean() {
    if (auto v = node_.value_exact<bool>()) return *v;
    fail();
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(std::int64_t lo, std::int64_t hi) {
    if (auto v = node_.value_exact<std::int64_t>(); v && *v >= lo && *v <= hi) return *v;
    fail();
    return std::nullopt;
  }

  // A dimensionless number (weights, confidence): a TOML integer or float.
  std::optional<double> number(double lo, double hi) {
    std::optional<double> v;
    if (auto i = node_.value_exact<std::int64_t>()) v = static_cast<double>(*i);
    if (auto d = node_.value_exact<double>()) v = *d;
    if (v && std::isfinite(*v) && *v >= lo && *v <= hi) return v;
    fail();
    return std::nullopt;
  }

  // Money and quantities: exact, from a string or an integer; a TOML float was already a double.
  // A decimal in [lo, hi] (upper bound open if hi_open) where 0 means none: a valid value is
  // stored in `into`, a zero as nullopt; `into` is left alone when the value is refused.
  void decimal_or_none(std::optional<Decimal>& into, Decimal lo, Decimal hi, bool hi_open) {
    if (auto v = decimal(lo, hi, false, hi_open)) into = v->is_zero() ? std::nullopt : v;
  }

  std::optional<Decimal> decimal(std::optional<Decimal> lo, std::optional<Decimal> hi,
                                 bool lo_open = false, bool hi_open = false) {
    std::optional<Decimal> v;
    if (node_.is_floating_point()) {
      fail("a TOML float is inexact: write it as a string, e.g. \"0.05\"");
      return std::nullopt;
    }
    if (auto i = node_.value_exact<std::int64_t>()) {
      if (auto d = Decimal::from_int(*i)) v = *d;
    } else if (auto s = node_.value_exact<std::string>()) {
      if (auto d = Decimal::parse(*s)) {
        v = *d;
      } else {
        fail(std::string(d.error().message));
        return std::nullopt;
      }
    }
    const bool in_range =
        v && (!lo || (lo_open ? *v > *lo : *v >= *lo)) && (!hi || (hi_open ? *v < *hi : *v <= *hi));
    if (in_range) return v;
    fail();
    return std::nullopt;
  }

  std::optional<std::string> string() {
    if (auto v = node_.value_exact<std::string>(); v && !v->empty()) return *v;
    fail();
    return std::nullopt;
  }

  // Any string, the empty one included ("" = not set).
  std::optional<std::string> string_or_empty() {
    if (auto v = node_.value_exact<std::string>()) return *v;
    fail();
    return std::nullopt;
  }

  std::optional<std::string> url(std::initializer_list<std::string_view> schemes) {
    auto v = node_.value_exact<std::string>();
    if (v) {
      for (auto scheme : schemes) {
        if (v->size() > scheme.size() && v->starts_with(scheme)) return *v;
      }
    }
    fail();
    return std::nullopt;
  }

  // Non-empty array of distinct non-empty strings without spaces.
  std::optional<std::vector<std::string>> string_list() {
    const auto* arr = node_.as_array();
    if (arr == nullptr || arr->empty()) {
      fail();
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : *arr) {
      auto s = item.value_exact<std::string>();
      if (!s || s->empty() || s->find_first_of(" \t") != std::string::npos ||
          std::find(out.begin(), out.end(), *s) != out.end()) {
        fail();
        return std::nullopt;
      }
      out.push_back(*s);
    }
    return out;
  }

  template <typename E>
  std::optional<E> choice(std::initializer_list<std::pair<std::string_view, E>> names) {
    if (auto v = node_.value_exact<std::string>()) {
      for (const auto& [name, value] : names) {
        if (*v == name) return value;
      }
    }
    fail();
    return std::nullopt;
  }

  // A paper latency model in its text form (venues::paper::LatencyModel::parse).
  std::optional<venues::paper::LatencyModel> latency() {
    auto v = node_.value_exact<std::string>();
    if (!v) {
      fail();
      return std::nullopt;
    }
    auto m = venues::paper::LatencyModel::parse(*v);
    if (!m) {
      fail(m.error().message);
      return std::nullopt;
    }
    return *m;
  }

  std::optional<Duration> seconds(std::int64_t lo, std::int64_t hi) {
    if (auto v = integer(lo, hi)) return std::chrono::seconds(*v);
    return std::nullopt;
  }

  // "env:PREFIX" (A-Z, 0-9, _) or "file:PATH" of a regular file we own and only we can read
  // (the rule venues::Credentials applies when it reads it).
  std::optional<CredentialsSource> credentials() {
    auto v = node_.value_exact<std::string>();
    if (v && v->starts_with("env:")) {
      const std::string prefix = v->substr(4);
      const bool valid = !prefix.empty() && (prefix[0] < '0' || prefix[0] > '9') &&
                         std::all_of(prefix.begin(), prefix.end(), [](char c) {
                           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                         });
      if (valid) return CredentialsSource{CredentialsSource::Kind::env, prefix};
    } else if (v && v->starts_with("file:") && v->size() > 5) {
      const std::string file = v->substr(5);
      struct stat st {};
      if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        fail("the file does not exist or is not a regular file");
        return std::nullopt;
      }
      if (st.st_uid != ::geteuid()) {
        fail("the file belongs to another user");
        return std::nullopt;
      }
      if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        fail(std::string("the file has mode ") + mode +
             ": group and others may read it; chmod 600 it");
        return std::nullopt;
      }
      return CredentialsSource{CredentialsSource::Kind::file, file};
    }
    fail();
    return std::nullopt;
  }

 private:
  const toml::node& node_;
  std::string path_;
  std::string_view allowed_;
  std::string_view origin_;
  std::vector<ConfigError>& errors_;
};

// The table a keyed entry belongs to ([venues.kraken], [paper.instruments."BTC-USD"]).
struct Slot {
  VenueConfig* venue = nullptr;
  PaperInstrumentConfig* instrument = nullptr;
};
using Apply = void (*)(Reader&, Config&, Slot&);
struct Field {
  ConfigKey key;
  Apply apply;
};

Decimal dec(std::string_view text) {
  return *Decimal::parse(text);
}

// THE schema. Ranges follow ../shared/nzeza-reference.md §5 where the reference had one
// (trades per hour 1–100, per day 1–500, confidence [0, 1], stop-loss (0, 1)).
const Field kFields[] = {
    {{"mode", "\"paper\" or \"live\"", "\"paper\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.choice<Mode>({{"paper", Mode::paper}, {"live", Mode::live}})) c.mode = *v;
     }},
    {{"data_dir", "a non-empty path (journal, recordings)", "\"data\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.string()) c.data_dir = *v;
     }},
    {{"record", "true or false (record market data and orders under data_dir)", "false"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.boolean()) c.record = *v;
     }},
    {{"candle_interval", "an integer number of seconds in [1, 86400] that divides a day", "10"},
     [](Reader& r, Config& c, Slot&) {
       auto v = r.integer(1, 86'400);
       if (v && 86'400 % *v != 0) {
         r.fail();
       } else if (v) {
         c.candle_interval = std::chrono::seconds(*v);
       }
     }},
    {{"summary_interval", "an integer number of seconds in [1, 86400]", "60"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.seconds(1, 86'400)) c.summary_interval = *v;
     }},
    {{"shutdown", "\"cancel\" or \"keep\" (resting orders on an orderly stop)", "\"cancel\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.choice<ShutdownPolicy>({{"cancel", ShutdownPolicy::cancel_resting},
                                              {"keep", ShutdownPolicy::keep_resting}}))
         c.shutdown = *v;
     }},
    {{"reconciliation.external_orders",
      "\"leave\" or \"cancel\" (open orders at a venue that nzeza did not place)", "\"leave\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.choice<ExternalOrders>(
               {{"leave", ExternalOrders::leave}, {"cancel", ExternalOrders::cancel}}))
         c.reconciliation.external_orders = *v;
     }},
    {{"reconciliation.interval",
      "an integer number of seconds in [10, 86400] between reconciliations while trading", "60"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.seconds(10, 86'400)) c.reconciliation.interval = *v;
     }},
    {{"reconciliation.fills_lookback_hours",
      "an integer number of hours in [1, 720] of venue fills asked for at start", "24"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 720)) c.reconciliation.fills_lookback = std::chrono::hours(*v);
     }},
    {{"market_data.source", "\"simulated\" or \"live\"", "\"simulated\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.choice<MarketDataSource>(
               {{"simulated", MarketDataSource::simulated}, {"live", MarketDataSource::live}}))
         c.market_data.source = *v;
     }},
    {{"market_data.seed", "an integer >= 0 (seed of the simulated market)", "42"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(0, INT64_MAX)) c.market_data.seed = static_cast<std::uint64_t>(*v);
     }},
    {{"market_data.step_ms",
      "an integer number of milliseconds in [1, 60000] between simulated steps", "250"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 60'000))
         c.market_data.step_interval = std::chrono::milliseconds(*v);
     }},
    {{"market_data.volatility",
      "a number in [0, 0.1]: standard deviation of the simulated log-return per step", "0.0002"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 0.1)) c.market_data.volatility = *v;
     }},
    {{"market_data.spread_ticks", "an integer in [1, 1000]: simulated ask - bid in ticks", "1"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 1000)) c.market_data.spread_ticks = static_cast<int>(*v);
     }},
    {{"venues.<venue>.symbols", "a non-empty list of distinct venue symbols, e.g. [\"BTCUSDT\"]",
      ""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto s = r.string_list()) slot.venue->symbols = *s;
     }},
    {{"venues.<venue>.rest_url", "an http:// or https:// URL (default: the venue's production URL)",
      "\"\""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto s = r.url({"https://", "http://"})) slot.venue->rest_url = *s;
     }},
    {{"venues.<venue>.ws_url", "a ws:// or wss:// URL (default: the venue's production URL)",
      "\"\""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto s = r.url({"wss://", "ws://"})) slot.venue->ws_url = *s;
     }},
    {{"venues.<venue>.private_ws_url",
      "a ws:// or wss:// URL of the private stream (default: the client's own, from rest_url)",
      "\"\""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto s = r.url({"wss://", "ws://"})) slot.venue->private_ws_url = *s;
     }},
    {{"venues.<venue>.credentials",
      "\"env:PREFIX\" (PREFIX of A-Z, 0-9, _) or \"file:PATH\" of an owner-only file; required "
      "when mode = \"live\"",
      ""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto s = r.credentials()) slot.venue->credentials = *s;
     }},
    {{"paper.symbols", "a non-empty list of distinct canonical symbols BASE-QUOTE",
      "[\"BTC-USD\", \"ETH-USD\", \"SOL-USD\"]"},
     [](Reader& r, Config& c, Slot&) {
       auto v = r.string_list();
       if (v && !std::all_of(v->begin(), v->end(),
                             [](const std::string& s) { return is_canonical_symbol(s); })) {
         r.fail();
       } else if (v) {
         c.paper.symbols = *v;
       }
     }},
    {{"paper.quote_currency", "a non-empty currency code", "\"USD\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.string()) c.paper.quote_currency = *v;
     }},
    {{"paper.starting_cash", "a decimal > 0 in quote units, as a string or integer", "\"100000\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt, true)) c.paper.starting_cash = *v;
     }},
    {{"paper.taker_fee_bps", "a decimal in [0, 1000] basis points, as a string or integer",
      "\"10\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), dec("1000"))) c.paper.taker_fee_bps = *v;
     }},
    {{"paper.maker_fee_bps",
      "a decimal in [-1000, 1000] basis points (negative: rebate), as a string or integer",
      "\"5\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(dec("-1000"), dec("1000"))) c.paper.maker_fee_bps = *v;
     }},
    {{"paper.slippage_bps", "a decimal in [0, 1000] basis points, as a string or integer", "\"2\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), dec("1000"))) c.paper.slippage_bps = *v;
     }},
    {{"paper.order_latency",
      "a latency: \"20ms\", \"uniform(10ms, 50ms)\" or \"normal(20ms, 5ms)\" (units ns, us, ms, "
      "s); how long a place takes to reach the paper venue; unset: none",
      ""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.latency()) c.paper.order_latency = *v;
     }},
    {{"paper.cancel_latency", "a latency, as paper.order_latency; a cancel's; unset: order_latency",
      ""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.latency()) c.paper.cancel_latency = *v;
     }},
    {{"paper.latency_seed", "an integer >= 0: the seed of the latency draws (same seed, same run)",
      "1"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(0, std::numeric_limits<std::int64_t>::max()))
         c.paper.latency_seed = static_cast<std::uint64_t>(*v);
     }},
    {{"paper.queue_cancels",
      "\"pro_rata\" or \"from_back\": where cancels at a resting order's level fall in its queue",
      "\"pro_rata\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.choice<venues::paper::QueueCancels>(
               {{"pro_rata", venues::paper::QueueCancels::pro_rata},
                {"from_back", venues::paper::QueueCancels::from_back}}))
         c.paper.queue_cancels = *v;
     }},
    {{"paper.instruments.<symbol>.start_price",
      "a decimal > 0, a multiple of tick, in quote units, as a string or integer; required in "
      "each [paper.instruments.\"SYMBOL\"] table",
      ""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt, true))
         slot.instrument->start_price = *v;
     }},
    {{"paper.instruments.<symbol>.tick",
      "a decimal > 0: price step, as a string; required in each [paper.instruments.\"SYMBOL\"] "
      "table",
      ""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt, true)) slot.instrument->tick = *v;
     }},
    {{"paper.instruments.<symbol>.lot",
      "a decimal > 0: size step and minimum size in base units, as a string; required in each "
      "[paper.instruments.\"SYMBOL\"] table",
      ""},
     [](Reader& r, Config&, Slot& slot) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt, true)) slot.instrument->lot = *v;
     }},
    {{"strategies.fast_scalping", "a weight in [0, 1000] (0 disables it)", "0.4"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 1000)) c.strategies.fast_scalping = *v;
     }},
    {{"strategies.momentum_scalping", "a weight in [0, 1000] (0 disables it)", "0.4"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 1000)) c.strategies.momentum_scalping = *v;
     }},
    {{"strategies.conservative_scalping", "a weight in [0, 1000] (0 disables it)", "0.2"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 1000)) c.strategies.conservative_scalping = *v;
     }},
    {{"strategies.mean_reversion", "a weight in [0, 1000] (0 disables it)", "0.0"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 1000)) c.strategies.mean_reversion = *v;
     }},
    {{"risk.trading_enabled", "true or false (false refuses opening orders)", "true"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.boolean()) c.risk.trading_enabled = *v;
     }},
    {{"risk.max_trades_per_hour", "an integer in [1, 100]", "10"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 100)) c.risk.max_trades_per_hour = static_cast<std::size_t>(*v);
     }},
    {{"risk.max_trades_per_day", "an integer in [1, 500], >= risk.max_trades_per_hour", "50"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 500)) c.risk.max_trades_per_day = static_cast<std::size_t>(*v);
     }},
    {{"risk.min_confidence", "a number in [0, 1]", "0.7"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.number(0, 1)) c.risk.min_confidence = *v;
     }},
    {{"risk.max_positions_per_symbol", "an integer in [1, 1000]", "1"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 1000))
         c.risk.max_positions_per_symbol = static_cast<std::size_t>(*v);
     }},
    {{"risk.max_total_positions", "an integer in [1, 10000], >= risk.max_positions_per_symbol",
      "5"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 10'000)) c.risk.max_total_positions = static_cast<std::size_t>(*v);
     }},
    {{"risk.max_portfolio_exposure",
      "a decimal in (0, 100]: gross notional / equity, as a string or integer", "\"0.8\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), dec("100"), true))
         c.risk.max_portfolio_exposure = *v;
     }},
    {{"risk.max_order_notional", "a decimal > 0 in quote units, as a string or integer",
      "\"10000\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt, true)) c.risk.max_order_notional = *v;
     }},
    {{"risk.max_daily_loss_fraction",
      "a decimal in (0, 1]: loss since 00:00 UTC / start-of-day equity, as a string", "\"0.05\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), Decimal::one(), true))
         c.risk.max_daily_loss_fraction = *v;
     }},
    {{"risk.max_daily_loss_amount",
      "a decimal >= 0 in quote units (0: no absolute limit), as a string or integer", "\"0\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt)) c.risk.max_daily_loss_amount = *v;
     }},
    {{"risk.reset_daily_loss_at_utc_midnight",
      "true or false (false: only an explicit reset lifts the daily-loss halt)", "false"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.boolean()) c.risk.reset_daily_loss_at_utc_midnight = *v;
     }},
    {{"risk.max_drawdown_fraction",
      "a decimal in (0, 1]: fall from the equity high-water mark, as a string", "\"0.1\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), Decimal::one(), true))
         c.risk.max_drawdown_fraction = *v;
     }},
    {{"risk.max_leverage", "a decimal in [1, 200], as a string or integer", "\"10\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::one(), dec("200"))) c.risk.max_leverage = *v;
     }},
    {{"sizing.exposure_per_trade",
      "a decimal in (0, 100]: order notional / equity, as a string or integer", "\"0.2\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), dec("100"), true)) c.sizing.exposure_per_trade = *v;
     }},
    {{"sizing.min_order_notional",
      "a decimal >= 0 in quote units, <= risk.max_order_notional, as a string or integer",
      "\"10\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::zero(), std::nullopt)) c.sizing.min_order_notional = *v;
     }},
    {{"sizing.leverage", "a decimal in [1, risk.max_leverage], as a string or integer", "\"1\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.decimal(Decimal::one(), dec("200"))) c.sizing.leverage = *v;
     }},
    {{"sizing.max_entry_slippage_bps",
      "a decimal in [0, 1000] basis points, or \"0\" for market entries, as a string or integer",
      "\"0\""},
     [](Reader& r, Config& c, Slot&) {
       r.decimal_or_none(c.sizing.max_entry_slippage_bps, Decimal::zero(), dec("1000"), false);
     }},
    {{"exits.stop_loss",
      "a decimal in (0, 1): fraction of the entry price, or \"0\" for none, as a string",
      "\"0.05\""},
     [](Reader& r, Config& c, Slot&) {
       r.decimal_or_none(c.exits.stop_loss, Decimal::zero(), Decimal::one(), true);
     }},
    {{"exits.take_profit",
      "a decimal in (0, 1): fraction of the entry price, or \"0\" for none, as a string",
      "\"0.1\""},
     [](Reader& r, Config& c, Slot&) {
       r.decimal_or_none(c.exits.take_profit, Decimal::zero(), Decimal::one(), true);
     }},
    {{"exits.trailing_stop",
      "a decimal in (0, 1): fraction below the best price, or \"0\" for none, as a string",
      "\"0\""},
     [](Reader& r, Config& c, Slot&) {
       r.decimal_or_none(c.exits.trailing_stop, Decimal::zero(), Decimal::one(), true);
     }},
    {{"api.enabled", "true or false", "true"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.boolean()) c.api.enabled = *v;
     }},
    {{"api.bind_address", "a non-empty IP address or host name", "\"127.0.0.1\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.string()) c.api.bind_address = *v;
     }},
    {{"api.port", "an integer TCP port in [1, 65535]", "8080"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 65'535)) c.api.port = static_cast<std::uint16_t>(*v);
     }},
    {{"api.cert_file", "a PEM certificate chain file (TLS with api.key_file), or \"\" for none",
      "\"\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.string_or_empty()) c.api.cert_file = *v;
     }},
    {{"api.key_file", "the PEM private key of api.cert_file, or \"\" for none", "\"\""},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.string_or_empty()) c.api.key_file = *v;
     }},
    {{"api.key_burst", "an integer in [1, 1000000]: requests one key may make at once", "50"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 1'000'000)) c.api.key_burst = *v;
     }},
    {{"api.key_requests_per_second",
      "an integer in [1, 1000000]: the rate one key's bucket refills at", "25"},
     [](Reader& r, Config& c, Slot&) {
       if (auto v = r.integer(1, 1'000'000)) c.api.key_requests_per_second = *v;
     }},
};

const std::vector<ConfigKey>& schema_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& f : kFields) out.push_back(f.key);
    return out;
  }();
  return keys;
}

const Field* find_field(std::string_view path) {
  for (const auto& f : kFields) {
    if (f.key.path == path) return &f;
  }
  return nullptr;
}

// A table path the schema has keys under ("risk", "venues", "venues.<venue>").
bool is_section(std::string_view path) {
  for (const auto& f : kFields) {
    if (f.key.path.size() > path.size() && f.key.path.starts_with(path) &&
        f.key.path[path.size()] == '.')
      return true;
  }
  return false;
}

std::string keys_under(std::string_view section) {
  std::vector<std::string_view> names;
  for (const auto& f : kFields) {
    std::string_view p = f.key.path;
    if (!section.empty()) {
      if (!(p.size() > section.size() && p.starts_with(section) && p[section.size()] == '.'))
        continue;
      p.remove_prefix(section.size() + 1);
    }
    p = p.substr(0, p.find('.'));
    if (std::find(names.begin(), names.end(), p) == names.end()) names.push_back(p);
  }
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view origin, Config& config, std::vector<ConfigError>& errors)
      : origin_(origin), config_(config), errors_(errors) {}

  // `path` is the real path (errors), `schema_path` the same with a venue name or an
  // instrument symbol replaced by its slot (<venue>, <symbol>).
  void walk(const toml::table& table, const std::string& path, const std::string& schema_path,
            Slot slot) {
    for (const auto& [k, node] : table) {
      const std::string key(k.str());
      const std::string real = path.empty() ? key : path + "." + key;
      std::string schema = schema_path.empty() ? key : schema_path + "." + key;
      Slot sub_slot = slot;
      if (schema_path == "venues") {
        const auto parsed = parse_venue(key);
        if (!parsed || *parsed == Venue::paper || *parsed == Venue::generic ||
            key != to_string(*parsed)) {
          error(real, node, "a venue table: binance, coinbase, kraken, hyperliquid or dydx");
          continue;
        }
        schema = schema_path + "." + std::string(kVenueSlot);
        config_.venues.push_back(VenueConfig{*parsed, {}, {}, {}, {}, {}});
        sub_slot.venue = &config_.venues.back();
        venue_keys_.emplace_back();
      } else if (schema_path == "paper.instruments") {
        if (!is_canonical_symbol(key)) {
          error(real, node, "an instrument table named by a canonical symbol BASE-QUOTE");
          continue;
        }
        schema = schema_path + "." + std::string(kSymbolSlot);
        auto& list = config_.paper.instruments;
        auto it = std::find_if(list.begin(), list.end(),
                               [&](const PaperInstrumentConfig& i) { return i.symbol == key; });
        // A table replaces the built-in entry wholly: all its keys are required.
        if (it == list.end()) it = list.insert(list.end(), PaperInstrumentConfig{key, {}, {}, {}});
        *it = PaperInstrumentConfig{key, {}, {}, {}};
        instrument_tables_.push_back({key, real, {}});
        sub_slot.instrument = &*it;
      }
      if (const Field* f = find_field(schema)) {
        Reader r(node, real, f->key.allowed, origin_, errors_);
        f->apply(r, config_, sub_slot);
        // Keys given in a keyed table, also when refused: "missing" is only for absent keys.
        const std::string leaf = schema.substr(schema.rfind('.') + 1);
        if (sub_slot.venue != nullptr) venue_keys_.back().push_back(leaf);
        if (sub_slot.instrument != nullptr) instrument_tables_.back().keys.push_back(leaf);
        continue;
      }
      if (is_section(schema)) {
        if (const auto* sub = node.as_table()) {
          walk(*sub, real, schema, sub_slot);
        } else {
          error(real, node, "a table of: " + keys_under(schema));
        }
        continue;
      }
      error(real, node,
            "no such key; " +
                (schema_path.empty() ? std::string("top-level keys") : "keys of [" + path + "]") +
                ": " + keys_under(schema_path));
    }
  }

  struct InstrumentTable {
    std::string symbol;
    std::string path;  // "paper.instruments.BTC-USD", as errors name it
    std::vector<std::string> keys;
  };
  bool venue_has(std::size_t i, std::string_view key) const {
    const auto& keys = venue_keys_.at(i);
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
  const std::vector<InstrumentTable>& instrument_tables() const { return instrument_tables_; }

  void error(std::string key, const toml::node& node, std::string allowed) {
    errors_.push_back({std::move(key), node_text(node), std::move(allowed),
                       where_text(node, origin_), node.source().begin.line});
  }

 private:
  std::string_view origin_;
  Config& config_;
  std::vector<ConfigError>& errors_;
  std::vector<std::vector<std::string>> venue_keys_;  // per config_.venues entry
  std::vector<InstrumentTable> instrument_tables_;
};

void missing(std::vector<ConfigError>& errors, std::string key, std::string allowed) {
  errors.push_back({std::move(key), "(missing)", std::move(allowed), {}});
}

// Rules across keys, each reported on the key that has to change.
void check_across(const Config& c, const Parser& parser, std::vector<ConfigError>& errors) {
  for (std::size_t i = 0; i < c.venues.size(); ++i) {
    const auto& v = c.venues[i];
    const std::string base = "venues." + std::string(to_string(v.venue));
    if (!parser.venue_has(i, "symbols")) {
      missing(errors, base + ".symbols", "required: a non-empty list of the venue's symbols");
    }
    if (c.mode == Mode::live && !parser.venue_has(i, "credentials")) {
      missing(errors, base + ".credentials",
              "required when mode = \"live\": \"env:PREFIX\" or \"file:PATH\"");
    }
  }
  if (c.venues.empty() && c.mode == Mode::live) {
    missing(errors, "venues", "required when mode = \"live\": at least one [venues.<venue>] table");
  } else if (c.venues.empty() && c.market_data.source == MarketDataSource::live) {
    missing(errors, "venues",
            "required when market_data.source = \"live\": at least one [venues.<venue>] table");
  }
  for (const auto& t : parser.instrument_tables()) {
    for (const char* key : {"start_price", "tick", "lot"}) {
      if (std::find(t.keys.begin(), t.keys.end(), key) == t.keys.end()) {
        missing(errors, t.path + "." + key,
                "required in each [paper.instruments.\"SYMBOL\"] table: a decimal > 0");
      }
    }
  }
  for (const auto& i : c.paper.instruments) {
    if (i.tick.is_positive() && i.start_price.is_positive() &&
        i.start_price.raw16() % i.tick.raw16() != 0) {
      errors.push_back({"paper.instruments." + i.symbol + ".start_price",
                        "\"" + i.start_price.to_string() + "\"",
                        "a multiple of tick (" + i.tick.to_string() + ")",
                        {},
                        0});
    }
  }
  for (const auto& symbol : c.paper.symbols) {
    const bool known =
        std::any_of(c.paper.instruments.begin(), c.paper.instruments.end(),
                    [&](const PaperInstrumentConfig& i) { return i.symbol == symbol; });
    if (!known) {
      std::string names;
      for (const auto& i : c.paper.instruments) names += (names.empty() ? "" : ", ") + i.symbol;
      errors.push_back({"paper.symbols",
                        "\"" + symbol + "\"",
                        "symbols of paper instruments (" + names +
                            ") or one described by a [paper.instruments.\"" + symbol + "\"] table",
                        {},
                        0});
    }
  }
  const auto& s = c.strategies;
  if (s.fast_scalping + s.momentum_scalping + s.conservative_scalping + s.mean_reversion <= 0) {
    errors.push_back({"strategies", "every weight 0", "at least one weight > 0", {}});
  }
  if (c.risk.max_trades_per_day < c.risk.max_trades_per_hour) {
    errors.push_back(
        {"risk.max_trades_per_day",
         std::to_string(c.risk.max_trades_per_day),
         ">= risk.max_trades_per_hour (" + std::to_string(c.risk.max_trades_per_hour) + ")",
         {}});
  }
  if (c.risk.max_total_positions < c.risk.max_positions_per_symbol) {
    errors.push_back({"risk.max_total_positions",
                      std::to_string(c.risk.max_total_positions),
                      ">= risk.max_positions_per_symbol (" +
                          std::to_string(c.risk.max_positions_per_symbol) + ")",
                      {}});
  }
  if (c.sizing.min_order_notional > c.risk.max_order_notional) {
    errors.push_back({"sizing.min_order_notional",
                      "\"" + c.sizing.min_order_notional.to_string() + "\"",
                      "<= risk.max_order_notional (" + c.risk.max_order_notional.to_string() + ")",
                      {}});
  }
  if (c.sizing.leverage > c.risk.max_leverage) {
    errors.push_back({"sizing.leverage",
                      "\"" + c.sizing.leverage.to_string() + "\"",
                      "<= risk.max_leverage (" + c.risk.max_leverage.to_string() + ")",
                      {}});
  }
  if (errors.empty()) {
    // The gate's own rules; the checks above mirror them, so this only catches a drift.
    if (auto st = c.risk.validate(); !st) {
      errors.push_back({"risk", "(see message)", st.error().message, {}});
    }
  }
}

}  // namespace

std::vector<PaperInstrumentConfig> builtin_paper_instruments() {
  const auto d = [](std::string_view text) { return *Decimal::parse(text); };
  return {
      {"BTC-USD", d("45000"), d("0.01"), d("0.0001")},
      {"ETH-USD", d("3000"), d("0.01"), d("0.001")},
      {"SOL-USD", d("150"), d("0.001"), d("0.01")},
      {"BTC-USDT", d("45010"), d("0.01"), d("0.00001")},
      {"BTC-USDC", d("44990"), d("0.01"), d("0.00001")},
      {"ETH-USDT", d("3001"), d("0.01"), d("0.0001")},
  };
}

std::string_view to_string(Mode m) noexcept {
  return m == Mode::live ? "live" : "paper";
}
std::string_view to_string(MarketDataSource s) noexcept {
  return s == MarketDataSource::live ? "live" : "simulated";
}
std::string_view to_string(ExternalOrders e) noexcept {
  return e == ExternalOrders::cancel ? "cancel" : "leave";
}

std::string_view to_string(ShutdownPolicy p) noexcept {
  return p == ShutdownPolicy::keep_resting ? "keep" : "cancel";
}

std::string ConfigError::to_string() const {
  std::string out = where.empty() ? std::string() : where + ": ";
  out += key.empty() ? std::string("syntax") : key;
  out += ": found " + found + "; allowed: " + allowed;
  return out;
}

std::span<const ConfigKey> config_schema() noexcept {
  return schema_keys();
}

ConfigResult parse_config(std::string_view text, std::string_view origin) {
  std::vector<ConfigError> errors;
  toml::table doc;
  try {
    doc = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    errors.push_back(
        {"", "invalid TOML", std::string(e.description()),
         std::string(origin) + ':' + std::to_string(b.line) + ':' + std::to_string(b.column)});
    return ConfigResult(std::move(errors));
  }
  Config config;
  Parser parser(origin, config, errors);
  parser.walk(doc, "", "", Slot{});
  if (config.mode == Mode::paper) config.risk.whitelist = config.paper.symbols;
  check_across(config, parser, errors);
  if (!errors.empty()) {
    // toml++ walks a table by key name; the operator reads the file top to bottom.
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
      return (a.line == 0 ? UINT32_MAX : a.line) < (b.line == 0 ? UINT32_MAX : b.line);
    });
    return ConfigResult(std::move(errors));
  }
  return ConfigResult(std::move(config));
}

ConfigResult load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ConfigResult(std::vector<ConfigError>{
        {"", "\"" + path + "\"", "a readable TOML file (cannot open it)", path}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::string summary(const Config& c) {
  std::ostringstream out;
  out << "mode " << to_string(c.mode) << ", market data " << to_string(c.market_data.source);
  if (c.mode == Mode::paper) {
    out << ", paper symbols";
    for (const auto& s : c.paper.symbols) out << ' ' << s;
  }
  for (const auto& v : c.venues) {
    out << ", " << to_string(v.venue) << ' ' << v.symbols.size() << " symbol"
        << (v.symbols.size() == 1 ? "" : "s");
  }
  out << ", max order " << c.risk.max_order_notional.to_string() << ", daily loss "
      << c.risk.max_daily_loss_fraction.to_string() << ", "
      << std::chrono::duration_cast<std::chrono::seconds>(c.candle_interval).count()
      << " s candles";
  return out.str();
}

}  // namespace nzeza::app
