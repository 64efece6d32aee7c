#pragma once
// app::Config: everything `nzeza run` needs to know, read from one TOML file.
//
// The one rule: a file is either accepted whole or refused with EVERY problem listed, each
// naming its key path (`risk.max_daily_loss_fraction`), the value found and what is allowed.
// Nothing is guessed: an unknown key is an error (a typo must not silently fall back to a
// default), money and quantities are exact Decimals written as strings or integers (a TOML
// float such as 0.1 is refused: it is a double before we ever see it), and `mode = "live"`
// is the only way to trade for real — credentials alone never switch it on.
//
// Secrets never enter this struct: a venue's credentials are a source (an environment variable
// prefix, or the path of a file only its owner may read), resolved by whoever signs requests.
//
// The schema (config_schema()) is the single list of keys: the parser, `check-config` and the
// test that checks config/live.example.toml documents every key all read it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/risk_config.hpp"
#include "venues/paper/latency_model.hpp"
#include "venues/paper/queue_position.hpp"

namespace nzeza::app {

enum class Mode : std::uint8_t { paper, live };
enum class MarketDataSource : std::uint8_t { simulated, live };
enum class ShutdownPolicy : std::uint8_t { cancel_resting, keep_resting };
[[nodiscard]] std::string_view to_string(Mode m) noexcept;
[[nodiscard]] std::string_view to_string(MarketDataSource s) noexcept;
[[nodiscard]] std::string_view to_string(ShutdownPolicy p) noexcept;

// Where a venue's key and secret come from; never the secret itself.
struct CredentialsSource {
  enum class Kind : std::uint8_t { none, env, file };
  Kind kind = Kind::none;
  // env: variable prefix (NZEZA_BINANCE → NZEZA_BINANCE_API_KEY, ...); file: path of a file
  // readable by its owner only (checked when the config is read).
  std::string value;
};

struct VenueConfig {
  Venue venue = Venue::binance;
  std::vector<std::string> symbols;  // as the venue writes them ("BTCUSDT", "BTC/USD", "BTC")
  std::string rest_url;              // empty: the client's production URL
  std::string ws_url;                // market data; empty: the venue's production feed
  // The private stream (orders, fills); empty: the client's own (production, or derived from a
  // simulator's rest_url).
  std::string private_ws_url;
  CredentialsSource credentials;
};

struct MarketDataConfig {
  MarketDataSource source = MarketDataSource::simulated;
  std::uint64_t seed = 42;                                  // of the simulated market
  Duration step_interval = std::chrono::milliseconds(250);  // of the simulated market
  double volatility = 0.0002;  // simulated: standard deviation of log-return per step
  int spread_ticks = 1;        // simulated: ask - bid in ticks
};

// One instrument of the paper venue and the simulated market.
struct PaperInstrumentConfig {
  std::string symbol;   // canonical BASE-QUOTE
  Decimal start_price;  // > 0, a multiple of tick (the simulated market's first price)
  Decimal tick;         // > 0
  Decimal lot;          // > 0 (also the minimum size)
};
// BTC-USD, ETH-USD, SOL-USD, BTC-USDT, BTC-USDC, ETH-USDT with `nzeza run`'s prices and steps.
[[nodiscard]] std::vector<PaperInstrumentConfig> builtin_paper_instruments();

// The paper venue (orders in paper mode).
struct PaperConfig {
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD", "SOL-USD"};  // canonical
  // Built-in ones, replaced (same symbol) or extended by [paper.instruments."SYMBOL"] tables;
  // every entry of `symbols` has one.
  std::vector<PaperInstrumentConfig> instruments = builtin_paper_instruments();
  std::string quote_currency = "USD";
  Decimal starting_cash = Decimal::from_integer(100'000);  // quote units
  Decimal taker_fee_bps = Decimal::from_integer(10);
  Decimal maker_fee_bps = Decimal::from_integer(5);  // negative: rebate
  Decimal slippage_bps = Decimal::from_integer(2);
  // The fill model's simulated network (docs/backtest.md): a place's and a cancel's request
  // latency ("20ms", "uniform(10ms, 50ms)", "normal(20ms, 5ms)"; unset: none), drawn from
  // latency_seed so a run repeats; where cancels at a resting order's level fall in its queue.
  std::optional<venues::paper::LatencyModel> order_latency;
  std::optional<venues::paper::LatencyModel> cancel_latency;  // unset: order_latency
  std::uint64_t latency_seed = 1;
  venues::paper::QueueCancels queue_cancels = venues::paper::QueueCancels::pro_rata;
};

// Weights of the signal combiner; 0 disables a strategy, not all may be 0.
struct StrategyWeights {
  double fast_scalping = 0.4;
  double momentum_scalping = 0.4;
  double conservative_scalping = 0.2;
  double mean_reversion = 0.0;
};

struct SizingConfig {
  Decimal exposure_per_trade = Decimal::from_raw8(20'000'000);  // notional / equity per order
  Decimal min_order_notional = Decimal::from_integer(10);       // quote units
  Decimal leverage = Decimal::one();                            // requested leverage, >= 1
  // nullopt: entries are market IOC orders. Set: entries are limit IOC orders at the reference
  // price moved this many basis points against us — the worst price accepted; what the book
  // does not show at or better than it is not bought (a partial fill, protected like a whole one).
  std::optional<Decimal> max_entry_slippage_bps;
};

// Exit levels as fractions of the entry price (reference STOP_LOSS_PERCENTAGE 0.05,
// TAKE_PROFIT_PERCENTAGE 0.10); nullopt = no such exit.
struct ExitConfig {
  std::optional<Decimal> stop_loss = Decimal::from_raw8(5'000'000);
  std::optional<Decimal> take_profit = Decimal::from_raw8(10'000'000);
  std::optional<Decimal> trailing_stop;
};

// What the reconciliation does with an open order at a venue that nzeza did not place.
enum class ExternalOrders : std::uint8_t { leave, cancel };
[[nodiscard]] std::string_view to_string(ExternalOrders e) noexcept;

// Reconciliation with the venues: at start (before any order) and every `interval` after.
struct ReconciliationSettings {
  ExternalOrders external_orders = ExternalOrders::leave;
  Duration interval = std::chrono::seconds(60);
  Duration fills_lookback = std::chrono::hours(24);  // venue fills asked for at start
};

struct ApiConfig {
  bool enabled = true;  // `nzeza run` serves the operator's API (src/api/)
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8080;
  // TLS when both are set (PEM files): the certificate chain and its private key.
  std::string cert_file;
  std::string key_file;
  // Each key's token bucket (requests at once, refill per second); 429 beyond it.
  std::int64_t key_burst = 50;
  std::int64_t key_requests_per_second = 25;
};

struct Config {
  Mode mode = Mode::paper;
  MarketDataConfig market_data;
  std::vector<VenueConfig> venues;  // one per [venues.<name>] table, by name
  PaperConfig paper;
  StrategyWeights strategies;
  // whitelist: paper.symbols in paper mode; in live mode the run wiring fills it with the
  // canonical symbols of the venues' instruments.
  domain::RiskConfig risk;
  SizingConfig sizing;
  Duration candle_interval = std::chrono::seconds(10);
  Duration summary_interval = std::chrono::seconds(60);
  ExitConfig exits;
  std::string data_dir = "data";
  bool record = false;  // record market data and orders under data_dir
  ApiConfig api;
  ShutdownPolicy shutdown = ShutdownPolicy::cancel_resting;
  ReconciliationSettings reconciliation;
};

struct ConfigError {
  std::string key;         // dotted path ("risk.max_trades_per_hour"); "" for a syntax error
  std::string found;       // the value as written, or "(missing)"
  std::string allowed;     // what the key accepts
  std::string where;       // "origin:line:column" when known
  std::uint32_t line = 0;  // 0: not at one place in the file (a missing key, a rule across keys)
  [[nodiscard]] std::string to_string() const;
};

// Either a Config (ok()) or every error found; never both.
class ConfigResult {
 public:
  explicit ConfigResult(Config config) : config_(std::move(config)) {}
  explicit ConfigResult(std::vector<ConfigError> errors) : errors_(std::move(errors)) {}
  [[nodiscard]] bool ok() const noexcept { return errors_.empty(); }
  // Precondition: ok().
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  // In file order; errors that belong to no line (missing keys, rules across keys) last.
  [[nodiscard]] const std::vector<ConfigError>& errors() const noexcept { return errors_; }

 private:
  Config config_;
  std::vector<ConfigError> errors_;
};

// One key of the schema. `<venue>` in a path stands for each venue name, `<symbol>` for each
// paper instrument's symbol.
struct ConfigKey {
  std::string_view path;           // "risk.max_trades_per_hour", "venues.<venue>.symbols"
  std::string_view allowed;        // type, unit and range, as error messages print it
  std::string_view default_value;  // as TOML would write it; "" when none
};
[[nodiscard]] std::span<const ConfigKey> config_schema() noexcept;

// `origin` names the text in errors (a file path, "<string>").
[[nodiscard]] ConfigResult parse_config(std::string_view text, std::string_view origin);
// Reads the file (an unreadable file is one error naming it) and parses it.
[[nodiscard]] ConfigResult load_config(const std::string& path);

// One line: mode, market data, venues and symbols, limits.
[[nodiscard]] std::string summary(const Config& config);

}  // namespace nzeza::app
