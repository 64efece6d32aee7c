// nzeza: the command-line entry point. Each subcommand's work lives in its own file behind a
// plain options struct and `run(options)`; this file alone binds the command line to those
// structs with CLI11 (a translation unit that includes CLI11 costs about 7 CPU-s to compile).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/backtest_command.hpp"
#include "cli/check_config_command.hpp"
#include "cli/feed_command.hpp"
#include "cli/keys_command.hpp"
#include "cli/order_command.hpp"
#include "cli/reconcile_command.hpp"
#include "cli/record_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/screen_command.hpp"
#include "venues/simd_kernel.hpp"

namespace nzeza::cli {
namespace {

// The options of every command, filled by the parse; each command's callback runs it.
struct Commands {
  RunOptions run;
  FeedOptions feed;
  OrderOptions order;
  CheckConfigOptions check_config;
  BacktestOptions backtest;
  RecordOptions record;
  ReconcileOptions reconcile;
  ReportOptions report;
  KeysOptions keys;
  ScreenOptions screen;
  int exit_code = 0;
};

// The subcommand `name` whose callback runs `opt` and keeps its exit code.
template <typename Options>
CLI::App* command(CLI::App& app, Commands& c, Options& opt, std::string name,
                  std::string description) {
  auto* cmd = app.add_subcommand(std::move(name), std::move(description));
  cmd->callback([&c, &opt] { c.exit_code = run(opt); });
  return cmd;
}

constexpr const char* kConfigOrDefault =
    "TOML configuration (default: config/paper.toml if it exists here, else the built-in "
    "defaults)";
constexpr const char* kDataDir =
    "Directory of the journal (data_dir/journal.sqlite); overrides the config's data_dir";
constexpr const char* kHistoryFiles =
    "Recording files (.ndjson.zst), Tardis CSV files (.csv, .csv.gz) or directories holding them";
constexpr const char* kCaFile = "Extra CA bundle (PEM) to trust";

void add_run(CLI::App& app, Commands& c) {
  RunOptions& o = c.run;
  auto* cmd = command(
      app, c, o, "run",
      "Run the trading server (paper trading on a simulated market by default): a status block "
      "and a line per order, fill and exit; Ctrl-C stops in order and prints a summary");
  cmd->add_option("--config", o.config_file, kConfigOrDefault);
  cmd->add_option("--duration", o.duration_s, "Seconds to run (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fast", o.fast,
                "Simulated time as fast as the CPU allows (needs --duration; simulated market)");
  cmd->add_flag("--json", o.json, "Events, status and summary as JSON lines only");
  cmd->add_option("--data-dir", o.data_dir, kDataDir);
  cmd->add_option("--status-every", o.status_every_s,
                  "Seconds between status blocks when stdout is not a terminal (a terminal "
                  "redraws every second)")
      ->capture_default_str();
}

void add_feed(CLI::App& app, Commands& c) {
  FeedOptions& o = c.feed;
  auto* cmd = command(app, c, o, "feed", "Stream one venue's normalised market data");
  cmd->add_option("--venue", o.venue, "binance, coinbase, kraken, hyperliquid, dydx or generic")
      ->required();
  cmd->add_option("--symbols", o.symbols, "Venue symbols, comma-separated (BTCUSDT, BTC-USD...)")
      ->delimiter(',')
      ->required();
  cmd->add_option("--url", o.url, "WebSocket URL (default: the venue's production feed)");
  cmd->add_option("--rest-url", o.rest_url,
                  "REST base for book snapshots (Binance; default https://api.binance.com)");
  cmd->add_option("--ca-file", o.ca_file, kCaFile)->check(CLI::ExistingFile);
  cmd->add_option("--count", o.count, "Stop after N market-data events (0 = until Ctrl-C)");
  cmd->add_flag("--json", o.json, "JSON lines, decimals as exact strings");
  cmd->add_option("--stale-s", o.stale_s, "Seconds without data before a symbol is STALE")
      ->check(CLI::NonNegativeNumber);
}

void add_order(CLI::App& app, Commands& c) {
  OrderOptions& o = c.order;
  auto* cmd =
      command(app, c, o, "order",
              "One order request to a venue: place, cancel, status, open, fills, balances (LIVE)");
  cmd->footer(kOrderExitCodes);
  cmd->add_option("action", o.action, "place, cancel, status, open, fills or balances")
      ->required()
      ->check(CLI::IsMember({"place", "cancel", "status", "open", "fills", "balances"}));
  cmd->add_option("--venue", o.venue, "binance, coinbase, kraken, hyperliquid or dydx")->required();
  cmd->add_option("--symbol", o.symbol,
                  "Venue symbol (BTCUSDT, XXBTZUSD or BTC/USD, BTC-USD, BTC)");
  cmd->add_option("--side", o.side, "buy or sell");
  cmd->add_option("--type", o.type, "market, limit, stop, take-profit, stop-limit")
      ->capture_default_str();
  cmd->add_option("--tif", o.tif, "gtc, ioc, fok or post-only")->capture_default_str();
  cmd->add_option("--price", o.price, "Limit price (exact decimal)");
  cmd->add_option("--stop-price", o.stop_price, "Trigger price (exact decimal)");
  cmd->add_option("--quantity", o.quantity, "Quantity in base units (exact decimal)");
  cmd->add_option("--client-id", o.client_id,
                  "Client order id (place: default a fresh one, printed before sending)");
  cmd->add_option("--order-id", o.order_id, "Venue order id");
  cmd->add_option("--since", o.since, "fills: from this UTC time (ISO 8601; default 24 h ago)");
  cmd->add_flag("--reduce-only", o.reduce_only, "Only reduce a position (perpetuals)");
  cmd->add_flag("--no-resolve", o.no_resolve,
                "place, cancel: on an unknown outcome exit 3 at once instead of asking the venue "
                "by client id after its window");
  cmd->add_option("--base-url", o.base_url,
                  "REST base URL: a testnet or a local http(s):// simulator");
  cmd->add_option("--ws-url", o.ws_url, "Private stream URL");
  cmd->add_option("--ca-file", o.ca_file, kCaFile)->check(CLI::ExistingFile);
  cmd->add_option("--credentials-file", o.credentials_file,
                  "Owner-only credentials file (else NZEZA_<VENUE>_* variables)");
  cmd->add_option("--timeout-s", o.timeout_s, "Per-request deadline in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--json", o.json, "JSON lines on stdout, error answers included");
}

void add_check_config(CLI::App& app, Commands& c) {
  CheckConfigOptions& o = c.check_config;
  auto* cmd = command(app, c, o, "check-config",
                      "Validate a configuration file and print every error (exit 1 if any)");
  cmd->add_option("file", o.file, "TOML configuration file")->capture_default_str();
}

void add_backtest(CLI::App& app, Commands& c) {
  BacktestOptions& o = c.backtest;
  auto* cmd = command(
      app, c, o, "backtest",
      "Replay recordings and Tardis CSV files through the trading pipeline on simulated time "
      "(paper venue), print the summary and write the report");
  cmd->add_option("files", o.inputs, kHistoryFiles)->required();
  cmd->add_option("--config", o.config_file,
                  "TOML configuration: strategies, risk, sizing, exits, paper fees and cash "
                  "(default: config/paper.toml if it exists here, else the built-in defaults)");
  cmd->add_option("--from", o.from, "First receive time replayed (unix seconds or ISO 8601)");
  cmd->add_option("--to", o.to, "Replay stops before this receive time");
  cmd->add_option("--report", o.report_dir, "Directory for report.json and report.html");
  cmd->add_flag("--json", o.json, "Print report.json instead of the summary");
}

void add_record(CLI::App& app, Commands& c) {
  RecordOptions& o = c.record;
  auto* cmd = command(
      app, c, o, "record",
      "Record the market data of the configured venues and symbols (or the simulated market) "
      "into hourly zstd NDJSON files; trades nothing");
  cmd->add_option("--config", o.config_file, "TOML configuration (default: built-in)");
  cmd->add_option("--out", o.out, "Directory of the recordings")->required();
  cmd->add_option("--duration", o.duration_s, "Seconds to record (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fast", o.fast,
                "Simulated market on simulated time, as fast as the CPU allows (needs --duration)");
  cmd->add_option("--start", o.start,
                  "With --fast: the simulated clock's start (unix seconds or ISO 8601; default "
                  "now)");
}

void add_reconcile(CLI::App& app, Commands& c) {
  ReconcileOptions& o = c.reconcile;
  auto* cmd = command(
      app, c, o, "reconcile",
      "Reconcile the journal with every venue as a start would, without trading, and print the "
      "report (exit 0: clean; 1: a symbol is blocked or a finding needs the operator; 2: config "
      "or journal error)");
  cmd->add_option("--config", o.config_file, kConfigOrDefault);
  cmd->add_option("--data-dir", o.data_dir, kDataDir);
  cmd->add_flag("--json", o.json, "The report as one JSON object");
  cmd->add_option("--accept", o.accept,
                  "The operator's decision for a blocked SYMBOL: adopt the venues' position as "
                  "nzeza's (an adjustment fill) and close its unresolved orders, in the journal "
                  "and its audit log; then reconcile again");
}

void add_report(CLI::App& app, Commands& c) {
  ReportOptions& o = c.report;
  auto* cmd =
      command(app, c, o, "report",
              "Write the HTML report of a backtest's report.json (opens from disk, no network)");
  cmd->add_option("--input", o.input, "report.json written by `nzeza backtest`")->required();
  cmd->add_option("--out", o.out, "Folder for report.html and report.json (created)")->required();
}

// `keys add|list|revoke` share one KeysOptions; each sets its action before it runs.
void add_keys(CLI::App& app, Commands& c) {
  KeysOptions& o = c.keys;
  auto* keys = app.add_subcommand("keys", "Manage the operator API's keys (stored hashed)");
  keys->require_subcommand(1);
  const auto action = [&](std::string name, std::string description, KeysOptions::Action a) {
    auto* cmd = keys->add_subcommand(std::move(name), std::move(description));
    cmd->callback([&c, &o, a] {
      o.action = a;
      c.exit_code = run(o);
    });
    return cmd;
  };
  const auto where = [&o](CLI::App* cmd) {
    cmd->add_option("--config", o.config_file,
                    "Configuration whose data_dir holds the keys (default config/paper.toml)");
    cmd->add_option("--data-dir", o.data_dir, "Data directory (overrides the config's data_dir)");
  };

  auto* add = action("add", "Create a key; it is printed once", KeysOptions::Action::add);
  add->add_option("--scope", o.scope, "read, trade or admin")->required();
  add->add_option("--name", o.name, "A label for list and revoke");
  where(add);

  where(action("list", "List the keys (never the keys themselves)", KeysOptions::Action::list));

  auto* revoke =
      action("revoke", "Revoke a key by id, or every key of a name", KeysOptions::Action::revoke);
  revoke->add_option("key", o.target, "Key id or name")->required();
  where(revoke);
}

void add_screen(CLI::App& app, Commands& c) {
  ScreenOptions& o = c.screen;
  auto* cmd = command(
      app, c, o, "screen",
      "Rank symbols by scalping potential, on recordings or Tardis CSV files, or live on the "
      "configured venues' feeds");
  cmd->add_option("files", o.inputs, kHistoryFiles);
  cmd->add_option(
      "--config", o.config_file,
      "Without files: TOML configuration whose [venues.<name>] feeds are screened live");
  cmd->add_option("--duration", o.duration_s,
                  "Without files: seconds of live data before ranking (default 900)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ca-file", o.ca_file, "Extra CA bundle (PEM) to trust (live)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", o.json, "Print JSON instead of the table");
  cmd->add_option("--top", o.top, "Show the best N symbols only (default: all)");
  cmd->add_option("--interval", o.interval_s,
                  "Candle interval in seconds (default 60: the formulas' windows are 1-minute "
                  "candles)")
      ->check(CLI::Range(1u, 86400u));
}

}  // namespace
}  // namespace nzeza::cli

int main(int argc, char** argv) {
  using namespace nzeza::cli;
  CLI::App app{
      "nzeza: automated multi-exchange crypto trading server (paper trading unless --live)"};
  app.require_subcommand(1);
  Commands commands;
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::cout << "nzeza 0.1.0\n"; });
  add_run(app, commands);
  add_feed(app, commands);
  add_order(app, commands);
  add_check_config(app, commands);
  add_backtest(app, commands);
  add_record(app, commands);
  add_reconcile(app, commands);
  add_report(app, commands);
  add_keys(app, commands);
  add_screen(app, commands);
  // simdjson's kernel for every parser (NZEZA_SIMD_KERNEL; unset: the widest this CPU runs).
  if (const auto kernel = nzeza::venues::use_simd_kernel_from_env(); !kernel.ok()) {
    std::cerr << "nzeza: " << kernel.error().message << '\n';
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return commands.exit_code;
}
