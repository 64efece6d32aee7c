// app::Config: defaults, every error kind with its key path, the bundled files and
// `nzeza check-config`.
#include "app/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace nzeza::app {
namespace {

using ::testing::HasSubstr;

const std::string kSourceDir = NZEZA_SOURCE_DIR;

ConfigResult parse(std::string_view text) {
  return parse_config(text, "test.toml");
}

// The only error of a refused text.
ConfigError only_error(std::string_view text) {
  const auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.errors().size(), 1u) << text;
  return r.errors().empty() ? ConfigError{} : r.errors().front();
}

std::string all_errors(const ConfigResult& r) {
  std::string out;
  for (const auto& e : r.errors()) out += e.to_string() + "\n";
  return out;
}

// Every field of a Config, for comparing two of them.
std::string describe(const Config& c) {
  std::ostringstream o;
  const auto opt = [](const std::optional<Decimal>& d) { return d ? d->to_string() : "none"; };
  o << to_string(c.mode) << '|' << to_string(c.market_data.source) << '|' << c.market_data.seed
    << '|' << c.market_data.step_interval.count() << '|' << c.venues.size() << '|';
  for (const auto& s : c.paper.symbols) o << s << ',';
  o << '|' << c.paper.quote_currency << '|' << c.paper.starting_cash << '|' << c.paper.taker_fee_bps
    << '|' << c.paper.maker_fee_bps << '|' << c.paper.slippage_bps << '|'
    << (c.paper.order_latency ? c.paper.order_latency->to_string() : "none") << '|'
    << (c.paper.cancel_latency ? c.paper.cancel_latency->to_string() : "none") << '|'
    << c.paper.latency_seed << '|' << static_cast<int>(c.paper.queue_cancels) << '|'
    << c.strategies.fast_scalping << '|' << c.strategies.momentum_scalping << '|'
    << c.strategies.conservative_scalping << '|' << c.strategies.mean_reversion << '|'
    << c.risk.trading_enabled << '|' << c.risk.max_trades_per_hour << '|'
    << c.risk.max_trades_per_day << '|' << c.risk.min_confidence << '|'
    << c.risk.max_positions_per_symbol << '|' << c.risk.max_total_positions << '|'
    << c.risk.max_portfolio_exposure << '|' << c.risk.max_order_notional << '|'
    << c.risk.max_daily_loss_fraction << '|' << c.risk.max_daily_loss_amount << '|'
    << c.risk.reset_daily_loss_at_utc_midnight << '|' << c.risk.max_drawdown_fraction << '|'
    << c.risk.max_leverage << '|' << c.sizing.exposure_per_trade << '|'
    << c.sizing.min_order_notional << '|' << c.sizing.leverage << '|' << c.candle_interval.count()
    << '|' << c.summary_interval.count() << '|' << opt(c.exits.stop_loss) << '|'
    << opt(c.exits.take_profit) << '|' << opt(c.exits.trailing_stop) << '|' << c.data_dir << '|'
    << c.record << '|' << c.api.bind_address << '|' << c.api.port << '|' << to_string(c.shutdown);
  return o.str();
}

class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text, mode_t mode)
      : path_((std::filesystem::temp_directory_path() /
               ("nzeza_config_test_" + std::to_string(::getpid()) + "_" + name))
                  .string()) {
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(AppConfig, empty_file_gives_the_documented_defaults_in_paper_mode) {
  const auto r = parse("");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Config& c = r.config();
  EXPECT_EQ(c.mode, Mode::paper);
  EXPECT_EQ(c.market_data.source, MarketDataSource::simulated);
  EXPECT_TRUE(c.venues.empty());
  EXPECT_EQ(c.paper.symbols, (std::vector<std::string>{"BTC-USD", "ETH-USD", "SOL-USD"}));
  EXPECT_EQ(c.risk.whitelist, c.paper.symbols);
  // Reference defaults (nzeza-reference.md §5).
  EXPECT_EQ(c.risk.max_trades_per_hour, 10u);
  EXPECT_EQ(c.risk.max_trades_per_day, 50u);
  EXPECT_DOUBLE_EQ(c.risk.min_confidence, 0.7);
  EXPECT_EQ(c.risk.max_positions_per_symbol, 1u);
  EXPECT_EQ(c.risk.max_total_positions, 5u);
  EXPECT_EQ(c.exits.stop_loss, Decimal::parse("0.05").value());
  EXPECT_EQ(c.exits.take_profit, Decimal::parse("0.10").value());
  EXPECT_FALSE(c.exits.trailing_stop.has_value());
  // The constants `nzeza run` used.
  EXPECT_EQ(c.paper.taker_fee_bps, Decimal::from_integer(10));
  EXPECT_EQ(c.paper.maker_fee_bps, Decimal::from_integer(5));
  EXPECT_EQ(c.paper.slippage_bps, Decimal::from_integer(2));
  EXPECT_EQ(c.paper.starting_cash, Decimal::from_integer(100'000));
  EXPECT_EQ(c.candle_interval, std::chrono::seconds(10));
  EXPECT_EQ(c.market_data.step_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.market_data.seed, 42u);
  EXPECT_DOUBLE_EQ(c.market_data.volatility, 0.0002);
  EXPECT_EQ(c.market_data.spread_ticks, 1);
  ASSERT_EQ(c.paper.instruments.size(), 6u);
  EXPECT_EQ(c.paper.instruments[0].symbol, "BTC-USD");
  EXPECT_EQ(c.paper.instruments[0].start_price, Decimal::from_integer(45'000));
  EXPECT_EQ(c.paper.instruments[0].lot, Decimal::parse("0.0001").value());
  EXPECT_EQ(c.summary_interval, std::chrono::seconds(60));
  EXPECT_EQ(c.sizing.exposure_per_trade, Decimal::parse("0.2").value());
  EXPECT_DOUBLE_EQ(c.strategies.fast_scalping, 0.4);
  EXPECT_DOUBLE_EQ(c.strategies.conservative_scalping, 0.2);
  EXPECT_EQ(c.api.bind_address, "127.0.0.1");
  EXPECT_EQ(c.shutdown, ShutdownPolicy::cancel_resting);
  EXPECT_FALSE(c.record);
}

TEST(AppConfig, every_schema_default_parses_back_to_the_struct_default) {
  // Writing each documented default explicitly must give the same Config as leaving it out.
  const Config defaults = parse("").config();
  for (const auto& key : config_schema()) {
    if (key.default_value.empty() || key.path.find('<') != std::string_view::npos) continue;
    const std::string path(key.path);
    const auto dot = path.rfind('.');
    const std::string text = dot == std::string::npos
                                 ? path + " = " + std::string(key.default_value) + "\n"
                                 : "[" + path.substr(0, dot) + "]\n" + path.substr(dot + 1) +
                                       " = " + std::string(key.default_value) + "\n";
    const auto r = parse(text);
    ASSERT_TRUE(r.ok()) << text << all_errors(r);
    EXPECT_EQ(describe(r.config()), describe(defaults)) << text;
  }
}

TEST(AppConfig, wrong_type_names_the_key_the_value_and_what_is_allowed) {
  const auto e = only_error("[risk]\nmax_trades_per_hour = \"ten\"\n");
  EXPECT_EQ(e.key, "risk.max_trades_per_hour");
  EXPECT_EQ(e.found, "\"ten\"");
  EXPECT_THAT(e.allowed, HasSubstr("[1, 100]"));
  EXPECT_EQ(e.where, "test.toml:2:23");
  EXPECT_THAT(e.to_string(), HasSubstr("risk.max_trades_per_hour: found \"ten\"; allowed:"));
}

TEST(AppConfig, a_table_where_a_value_belongs_is_a_wrong_type) {
  const auto e = only_error("[risk.min_confidence]\nx = 1\n");
  EXPECT_EQ(e.key, "risk.min_confidence");
  EXPECT_EQ(e.found, "a table");
}

TEST(AppConfig, out_of_range_value_is_refused_with_its_range) {
  const auto e = only_error("[risk]\nmax_trades_per_day = 501\n");
  EXPECT_EQ(e.key, "risk.max_trades_per_day");
  EXPECT_EQ(e.found, "501");
  EXPECT_THAT(e.allowed, HasSubstr("[1, 500]"));
  const auto e2 = only_error("[risk]\nmax_daily_loss_fraction = \"1.5\"\n");
  EXPECT_EQ(e2.key, "risk.max_daily_loss_fraction");
  EXPECT_EQ(e2.found, "\"1.5\"");
  EXPECT_EQ(only_error("candle_interval = 7\n").key, "candle_interval");  // does not divide a day
}

TEST(AppConfig, unknown_key_is_an_error_listing_the_keys_of_its_table) {
  const auto e = only_error("[risk]\nmax_daly_loss_fraction = \"0.05\"\n");
  EXPECT_EQ(e.key, "risk.max_daly_loss_fraction");
  EXPECT_THAT(e.allowed, HasSubstr("max_daily_loss_fraction"));
  EXPECT_EQ(only_error("moed = \"paper\"\n").key, "moed");
  EXPECT_EQ(only_error("[riks]\nx = 1\n").key, "riks");
  EXPECT_EQ(only_error("[venues.binanse]\nsymbols = [\"BTCUSDT\"]\n").key, "venues.binanse");
  EXPECT_EQ(only_error("[venues.paper]\nsymbols = [\"BTC-USD\"]\n").key, "venues.paper");
}

TEST(AppConfig, missing_required_keys_are_named) {
  const auto live_without_venue = only_error("mode = \"live\"\n");
  EXPECT_EQ(live_without_venue.key, "venues");
  EXPECT_EQ(live_without_venue.found, "(missing)");
  EXPECT_EQ(only_error("[market_data]\nsource = \"live\"\n").key, "venues");
  EXPECT_EQ(only_error("[venues.kraken]\nrest_url = \"https://x\"\n").key, "venues.kraken.symbols");
  const auto no_credentials =
      only_error("mode = \"live\"\n[venues.coinbase]\nsymbols = [\"BTC-USD\"]\n");
  EXPECT_EQ(no_credentials.key, "venues.coinbase.credentials");
  EXPECT_EQ(no_credentials.found, "(missing)");
  // A refused value is reported once, as refused, not also as missing.
  EXPECT_EQ(only_error("mode = \"live\"\n[venues.coinbase]\nsymbols = [\"BTC-USD\"]\n"
                       "credentials = \"env:lower\"\n")
                .found,
            "\"env:lower\"");
}

TEST(AppConfig, bad_enum_value_lists_the_allowed_names) {
  const auto e = only_error("mode = \"Live\"\n");
  EXPECT_EQ(e.key, "mode");
  EXPECT_EQ(e.found, "\"Live\"");
  EXPECT_THAT(e.allowed, HasSubstr("\"paper\" or \"live\""));
  EXPECT_EQ(only_error("shutdown = \"flatten\"\n").key, "shutdown");
  EXPECT_EQ(only_error("[market_data]\nsource = \"replay\"\n").key, "market_data.source");
}

TEST(AppConfig, money_written_as_a_float_is_refused_as_inexact) {
  const auto e = only_error("[paper]\ntaker_fee_bps = 0.1\n");
  EXPECT_EQ(e.key, "paper.taker_fee_bps");
  EXPECT_THAT(e.allowed, HasSubstr("inexact"));
  // More places than a Decimal holds is refused, never rounded.
  EXPECT_EQ(only_error("[exits]\nstop_loss = \"0.12345678901234567\"\n").key, "exits.stop_loss");
  EXPECT_EQ(only_error("[risk]\nmax_order_notional = \"12abc\"\n").key, "risk.max_order_notional");
}

TEST(AppConfig, money_from_strings_and_integers_is_exact) {
  const auto r = parse(
      "[risk]\nmax_order_notional = 2500\nmax_daily_loss_amount = \"12345e-4\"\nmax_leverage = "
      "\"2.0000000000000001\"\n"
      "[exits]\nstop_loss = \"0\"\ntrailing_stop = \"0.015\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config().risk.max_order_notional, Decimal::from_integer(2500));
  EXPECT_EQ(r.config().risk.max_daily_loss_amount, Decimal::parse("1.2345").value());
  EXPECT_EQ(r.config().risk.max_leverage.to_string(), "2.0000000000000001");
  EXPECT_FALSE(r.config().exits.stop_loss.has_value());
  EXPECT_EQ(r.config().exits.trailing_stop, Decimal::parse("0.015").value());
}

TEST(AppConfig, several_errors_are_all_reported_with_their_key_paths) {
  const auto r = parse(
      "mode = \"Paper\"\n"
      "colour = \"blue\"\n"
      "[risk]\nmax_trades_per_hour = 0\nmin_confidence = \"high\"\n"
      "[paper]\nslippage_bps = 0.5\n"
      "[api]\nport = 70000\n");
  ASSERT_FALSE(r.ok());
  std::set<std::string> keys;
  for (const auto& e : r.errors()) keys.insert(e.key);
  EXPECT_EQ(keys, (std::set<std::string>{"mode", "colour", "risk.max_trades_per_hour",
                                         "risk.min_confidence", "paper.slippage_bps", "api.port"}))
      << all_errors(r);
  // Listed top to bottom, as the operator reads the file.
  for (std::size_t i = 1; i < r.errors().size(); ++i) {
    EXPECT_LE(r.errors()[i - 1].line, r.errors()[i].line) << all_errors(r);
  }
}

TEST(AppConfig, paper_fill_model_latencies_and_queue_cancels_are_read_and_checked) {
  const auto r = parse(
      "[paper]\norder_latency = \"uniform(10ms, 50ms)\"\ncancel_latency = \"20ms\"\n"
      "latency_seed = 7\nqueue_cancels = \"from_back\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_TRUE(r.config().paper.order_latency.has_value());
  EXPECT_EQ(*r.config().paper.order_latency,
            venues::paper::LatencyModel::uniform(std::chrono::milliseconds(10),
                                                 std::chrono::milliseconds(50)));
  EXPECT_EQ(r.config().paper.cancel_latency,
            venues::paper::LatencyModel::constant(std::chrono::milliseconds(20)));
  EXPECT_EQ(r.config().paper.latency_seed, 7U);
  EXPECT_EQ(r.config().paper.queue_cancels, venues::paper::QueueCancels::from_back);

  const auto bad = only_error("[paper]\norder_latency = \"uniform(50ms, 10ms)\"\n");
  EXPECT_EQ(bad.key, "paper.order_latency");
  EXPECT_NE(bad.allowed.find("uniform"), std::string::npos) << bad.allowed;
  EXPECT_EQ(only_error("[paper]\ncancel_latency = 20\n").key, "paper.cancel_latency");
  EXPECT_EQ(only_error("[paper]\nqueue_cancels = \"front\"\n").key, "paper.queue_cancels");
  EXPECT_EQ(only_error("[paper]\nlatency_seed = -1\n").key, "paper.latency_seed");
}

TEST(AppConfig, rules_across_keys_name_the_key_to_change) {
  EXPECT_EQ(only_error("[risk]\nmax_trades_per_hour = 20\nmax_trades_per_day = 10\n").key,
            "risk.max_trades_per_day");
  EXPECT_EQ(only_error("[risk]\nmax_order_notional = 5\n[sizing]\nmin_order_notional = 6\n").key,
            "sizing.min_order_notional");
  EXPECT_EQ(only_error("[strategies]\nfast_scalping = 0\nmomentum_scalping = 0\n"
                       "conservative_scalping = 0\n")
                .key,
            "strategies");
}

TEST(AppConfig, paper_symbols_need_an_instrument_and_a_table_defines_one_wholly) {
  const auto unknown = only_error("[paper]\nsymbols = [\"DOGE-USD\"]\n");
  EXPECT_EQ(unknown.key, "paper.symbols");
  EXPECT_EQ(unknown.found, "\"DOGE-USD\"");
  EXPECT_THAT(unknown.allowed, HasSubstr("BTC-USD"));

  const auto r = parse(
      "[paper]\nsymbols = [\"DOGE-USD\", \"BTC-USD\"]\n"
      "[paper.instruments.DOGE-USD]\nstart_price = \"0.15\"\ntick = \"0.00001\"\nlot = 1\n"
      "[paper.instruments.BTC-USD]\nstart_price = 60000\ntick = \"0.1\"\nlot = \"0.001\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto find = [&](const std::string& symbol) {
    for (const auto& i : r.config().paper.instruments) {
      if (i.symbol == symbol) return i;
    }
    return PaperInstrumentConfig{};
  };
  EXPECT_EQ(find("DOGE-USD").start_price, Decimal::parse("0.15").value());
  EXPECT_EQ(find("DOGE-USD").lot, Decimal::one());
  EXPECT_EQ(find("BTC-USD").tick, Decimal::parse("0.1").value());
  EXPECT_EQ(find("ETH-USD").start_price, Decimal::from_integer(3000));  // built-in kept

  const auto partial =
      only_error("[paper.instruments.BTC-USD]\nstart_price = 60000\ntick = \"0.1\"\n");
  EXPECT_EQ(partial.key, "paper.instruments.BTC-USD.lot");
  EXPECT_EQ(partial.found, "(missing)");
  EXPECT_EQ(only_error("[paper.instruments.BTC-USD]\nstart_price = \"60000.05\"\ntick = \"0.1\"\n"
                       "lot = 1\n")
                .key,
            "paper.instruments.BTC-USD.start_price");
  EXPECT_EQ(only_error("[paper.instruments.BTCUSD]\nstart_price = 1\ntick = 1\nlot = 1\n").key,
            "paper.instruments.BTCUSD");
}

TEST(AppConfig, invalid_toml_is_one_error_with_its_position) {
  const auto r = parse("mode = \n");
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].key, "");
  EXPECT_THAT(r.errors()[0].where, HasSubstr("test.toml:1:"));
}

TEST(AppConfig, credentials_file_readable_by_group_or_others_is_refused) {
  const TempFile open_file("open.key", "key\nsecret\n", 0644);
  const auto e = only_error("[venues.kraken]\nsymbols = [\"BTC/USD\"]\ncredentials = \"file:" +
                            open_file.path() + "\"\n");
  EXPECT_EQ(e.key, "venues.kraken.credentials");
  EXPECT_THAT(e.allowed, HasSubstr("0644"));
  EXPECT_THAT(e.found, HasSubstr(open_file.path()));

  const TempFile owner_file("owner.key", "key\nsecret\n", 0600);
  const auto r = parse(
      "mode = \"live\"\n[venues.kraken]\nsymbols = [\"BTC/USD\"]\n"
      "credentials = \"file:" +
      owner_file.path() + "\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.config().venues.size(), 1u);
  EXPECT_EQ(r.config().venues[0].credentials.kind, CredentialsSource::Kind::file);
  EXPECT_EQ(r.config().venues[0].credentials.value, owner_file.path());
  EXPECT_EQ(only_error("[venues.kraken]\nsymbols = [\"BTC/USD\"]\n"
                       "credentials = \"file:/nonexistent/nzeza.key\"\n")
                .key,
            "venues.kraken.credentials");
  EXPECT_EQ(only_error("[venues.kraken]\nsymbols = [\"BTC/USD\"]\ncredentials = \"s3cr3t\"\n").key,
            "venues.kraken.credentials");
}

TEST(AppConfig, credentials_alone_never_switch_on_live_mode) {
  const auto r =
      parse("[venues.binance]\nsymbols = [\"BTCUSDT\"]\ncredentials = \"env:NZEZA_BN\"\n");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config().mode, Mode::paper);
  EXPECT_EQ(r.config().venues[0].credentials.kind, CredentialsSource::Kind::env);
  EXPECT_EQ(r.config().venues[0].credentials.value, "NZEZA_BN");
}

TEST(AppConfig, paper_toml_is_valid_paper_mode_on_simulated_data_with_three_symbols) {
  const auto r = load_config(kSourceDir + "/config/paper.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config().mode, Mode::paper);
  EXPECT_EQ(r.config().market_data.source, MarketDataSource::simulated);
  EXPECT_EQ(r.config().paper.symbols, (std::vector<std::string>{"BTC-USD", "ETH-USD", "SOL-USD"}));
}

TEST(AppConfig, live_example_is_valid_and_live) {
  const auto r = load_config(kSourceDir + "/config/live.example.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.config().mode, Mode::live);
  EXPECT_FALSE(r.config().venues.empty());
}

// Keys the example documents: `key = ...` lines, commented out or not, under their table
// header, with venue names read as <venue>; each must follow a comment naming its default.
TEST(AppConfig, live_example_documents_every_schema_key_with_its_default) {
  std::ifstream in(kSourceDir + "/config/live.example.toml");
  ASSERT_TRUE(in);
  std::set<std::string> documented;
  std::set<std::string> with_default;
  std::string section;
  std::string comments;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[")) {
      section = line.substr(1, line.find(']') - 1);
      if (section.starts_with("venues.")) section = "venues.<venue>";
      if (section.starts_with("paper.instruments.")) section = "paper.instruments.<symbol>";
      comments.clear();
      continue;
    }
    std::string body = line;
    const bool commented = body.starts_with("# ");
    if (commented) body = body.substr(2);
    const auto eq = body.find(" = ");
    const bool is_key = eq != std::string::npos && eq > 0 && body.find_first_of(" #") == eq;
    if (is_key) {
      const std::string key = (section.empty() ? "" : section + ".") + body.substr(0, eq);
      documented.insert(key);
      if (comments.find("efault") != std::string::npos) with_default.insert(key);
      comments.clear();
    } else if (commented || line.starts_with("#")) {
      comments += line;
    } else {
      comments.clear();
    }
  }
  for (const auto& key : config_schema()) {
    EXPECT_TRUE(documented.contains(std::string(key.path))) << key.path << " is not documented";
    EXPECT_TRUE(with_default.contains(std::string(key.path)))
        << key.path << " has no comment naming its default";
  }
}

// Runs the real binary; returns its exit code and puts stdout+stderr in `output`.
int run_cli(const std::string& args, std::string& output) {
  const std::string cmd = std::string(NZEZA_CLI) + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(AppConfig, check_config_prints_every_error_and_exits_1_or_a_summary_and_exits_0) {
  std::string good;
  EXPECT_EQ(run_cli("check-config " + kSourceDir + "/config/paper.toml", good), 0) << good;
  EXPECT_THAT(good, HasSubstr("valid (mode paper, market data simulated"));

  const TempFile bad("bad.toml", "mode = \"Live\"\n[risk]\nmax_trades_per_hour = 0\n", 0600);
  std::string out;
  EXPECT_EQ(run_cli("check-config " + bad.path(), out), 1);
  EXPECT_THAT(out, HasSubstr("mode: found \"Live\""));
  EXPECT_THAT(out, HasSubstr("risk.max_trades_per_hour: found 0"));
  EXPECT_THAT(out, HasSubstr("2 errors"));

  std::string missing;
  EXPECT_EQ(run_cli("check-config /nonexistent/nzeza.toml", missing), 1);
  EXPECT_THAT(missing, HasSubstr("/nonexistent/nzeza.toml"));
}

}  // namespace
}  // namespace nzeza::app
