// The backtest's HTML report: what the page holds, how data is escaped, which inputs are
// refused and how the refusal reads. The page's drawing is tested in a browser (tests/browser).
#include "app/backtest_report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/decimal.hpp"

namespace nzeza::app {
namespace {

namespace json = boost::json;

constexpr std::string_view kReport = R"({
  "nzeza_version": "0.1.0",
  "generated_at": "2026-01-02T03:04:05Z",
  "config": {"file": "config/paper.toml", "symbols": ["BTC-USD", "ETH-USD"]},
  "range": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T01:00:00Z"},
  "events": {"quote": 10, "trade": 20, "book": 30, "status": 1, "total": 61},
  "summary": {"starting_equity": "10000", "final_equity": "10012.34567", "pnl": "12.34567",
              "realized_pnl": "12.34567", "fees": "0.75", "trades": 2, "wins": 1,
              "win_rate": 0.5, "max_drawdown": "4.5", "max_drawdown_fraction": 0.00045,
              "sharpe": 1.2, "sortino": null, "exposure_time_fraction": 0.3},
  "equity": [{"t": 1767225600, "equity": "10000"}, {"t": 1767225660, "equity": "10003.5"},
             {"t": 1767225660, "equity": "10004.5"}],
  "drawdown": [{"t": 1767225600, "fraction": 0}, {"t": 1767225660, "fraction": 0.00045}],
  "candles": {"BTC-USD": [{"t": 1767225600, "o": "100", "h": "101", "l": "99.5", "c": "100.5",
                           "v": "3.25"},
                          {"t": 1767225660, "o": "100.5", "h": "102", "l": "100", "c": "101.75"}]},
  "trades": [{"symbol": "BTC-USD", "side": "buy", "entry_time": 1767225600,
              "entry_price": "100.25", "exit_time": 1767225660, "exit_price": "101.5",
              "quantity": "0.5", "pnl": "0.625", "fees": "0.1", "strategy": "fast_scalping",
              "exit_reason": "take_profit"},
             {"symbol": "ETH-USD", "side": "sell", "entry_time": 1767225600,
              "entry_price": "3000", "quantity": "1"}],
  "attribution": [{"strategy": "fast_scalping", "trades": 2, "wins": 1, "pnl": "12.34567"}]
})";

json::object report() {
  return json::parse(kReport).as_object();
}

std::string text(const json::value& v) {
  return json::serialize(v);
}

std::string data_of(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="nzeza-report-data">)";
  const auto from = html.find(open);
  if (from == std::string::npos) return {};
  const auto begin = from + open.size();
  const auto end = html.find("</script>", begin);
  return end == std::string::npos ? std::string{} : html.substr(begin, end - begin);
}

std::string refusal(std::string_view report_json) {
  const auto page = render_html_report(report_json);
  return page.ok() ? std::string("(accepted)") : page.error().message;
}

TEST(BacktestReport, page_holds_the_data_the_library_and_our_script) {
  const auto page = render_html_report(kReport);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  const auto data = json::parse(data_of(*page));
  EXPECT_EQ(data, json::parse(kReport));
  EXPECT_NE(page->find("TradingView Lightweight Charts"), std::string::npos);  // its licence banner
  EXPECT_NE(page->find("createSeriesMarkers"), std::string::npos);             // library code
  EXPECT_NE(page->find("nzeza-report-data"), std::string::npos);
  EXPECT_NE(page->find("function symbolChart"), std::string::npos);  // web/report/report.js
  EXPECT_NE(page->find(".chart-candles"), std::string::npos);        // web/report/report.css
  EXPECT_EQ(page->find("<!--nzeza:"), std::string::npos);            // every placeholder filled
}

TEST(BacktestReport, page_loads_nothing_from_the_network) {
  const auto page = render_html_report(kReport);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_NE(page->find("default-src 'none'"), std::string::npos);
  // The library's own text names two URLs that are never fetched (its licence and the link
  // of its attribution logo); outside it, the page has no URL at all.
  const auto library_start = page->find("/*!\n * @license");
  ASSERT_NE(library_start, std::string::npos);
  const auto library_end = page->find("</script>", library_start);
  ASSERT_NE(library_end, std::string::npos);
  const auto ours = page->substr(0, library_start) + page->substr(library_end);
  EXPECT_EQ(ours.find("http://"), std::string::npos);
  EXPECT_EQ(ours.find("https://"), std::string::npos);
  for (const auto* loader : {" src=", " href=", "@import", "url("})
    EXPECT_EQ(ours.find(loader), std::string::npos) << loader;
}

TEST(BacktestReport, a_symbol_that_closes_the_script_stays_data) {
  auto r = report();
  const std::string evil = "</script><script>window.pwned=1</script><!--&amp;";
  r["config"].as_object()["symbols"] = json::array{evil};
  r["trades"].as_array()[0].as_object()["symbol"] = evil;
  r["candles"].as_object()[evil] = r["candles"].as_object()["BTC-USD"];
  const auto page = render_html_report(text(r));
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  const auto data = data_of(*page);
  EXPECT_EQ(data.find('<'), std::string::npos);
  EXPECT_EQ(data.find('>'), std::string::npos);
  EXPECT_EQ(data.find('&'), std::string::npos);
  const auto data_at = page->find(data);
  EXPECT_GT(page->find("window.pwned"), data_at);  // the evil text is only inside the data
  EXPECT_LT(page->rfind("window.pwned"), data_at + data.size());
  EXPECT_EQ(json::parse(data), json::value(r));  // and JSON reads it back unchanged
}

TEST(BacktestReport, missing_optional_arrays_still_make_a_page) {
  const auto page = render_html_report(R"({"nzeza_version": "0.1.0", "summary": {}})");
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(json::parse(data_of(*page)), json::parse(R"({"nzeza_version":"0.1.0","summary":{}})"));
}

TEST(BacktestReport, text_that_is_not_json_is_refused_with_its_line_and_column) {
  const auto page = render_html_report("{\n  \"nzeza_version\": \"0.1.0\",\n  \"summary\": {,}\n}");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::parse_error);
  EXPECT_NE(page.error().message.find("line 3, column 15"), std::string::npos)
      << page.error().message;
  EXPECT_EQ(refusal("").find("not JSON at line 1, column 1"), 0U) << refusal("");
  EXPECT_EQ(refusal(R"({"summary": {}} trailing)").find("not JSON at line 1"), 0U);
}

TEST(BacktestReport, a_field_of_the_wrong_type_is_refused_naming_its_path) {
  auto r = report();
  r["trades"].as_array()[1].as_object()["entry_price"] = 3000.5;
  const auto page = render_html_report(text(r));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(page.error().message,
            "trades[1].entry_price: expected a decimal string such as \"101.25\", got a number");
}

TEST(BacktestReport, each_kind_of_malformed_report_names_what_and_where) {
  const auto with = [](auto change) {
    auto r = report();
    change(r);
    return refusal(text(r));
  };
  EXPECT_EQ(refusal("[1, 2]"), "the top level: expected an object, got an array");
  EXPECT_EQ(with([](json::object& r) { r.erase("nzeza_version"); }), "nzeza_version: missing");
  EXPECT_EQ(with([](json::object& r) { r.erase("summary"); }), "summary: missing");
  EXPECT_EQ(with([](json::object& r) { r["summary"].as_object()["pnl"] = "12,5"; }),
            "summary.pnl: \"12,5\" is not an exact decimal (" +
                Decimal::parse("12,5").error().message + ")");
  EXPECT_EQ(with([](json::object& r) { r["summary"].as_object()["trades"] = -1; }),
            "summary.trades: expected an integer >= 0, got an integer");
  EXPECT_EQ(with([](json::object& r) { r["equity"] = json::object{}; }),
            "equity: expected an array, got an object");
  EXPECT_EQ(with([](json::object& r) { r["equity"].as_array()[1].as_object()["t"] = 1.5; }),
            "equity[1].t: expected unix seconds (an integer >= 0), got a number");
  EXPECT_EQ(with([](json::object& r) { r["drawdown"].as_array()[1].as_object()["t"] = 5; }),
            "drawdown[1].t: 5 is before the previous element's 1767225600 (times must be in "
            "ascending order)");
  EXPECT_EQ(with([](json::object& r) {
              auto& candles = r["candles"].as_object()["BTC-USD"].as_array();
              candles[1].as_object()["t"] = candles[0].as_object()["t"];
            }),
            "candles[\"BTC-USD\"][1].t: 1767225600 is not after the previous element's "
            "1767225600 (times must be in ascending order)");
  EXPECT_EQ(with([](json::object& r) {
              r["candles"].as_object()["BTC-USD"].as_array()[0].as_object().erase("h");
            }),
            "candles[\"BTC-USD\"][0].h: missing");
  EXPECT_EQ(with([](json::object& r) { r["trades"].as_array()[0].as_object()["side"] = "long"; }),
            "trades[0].side: expected \"buy\" or \"sell\"");
  EXPECT_EQ(
      with([](json::object& r) { r["trades"].as_array()[0].as_object().erase("exit_price"); }),
      "trades[0].exit_price: missing");
  EXPECT_EQ(with([](json::object& r) { r["trades"].as_array()[0].as_object()["exit_time"] = 1; }),
            "trades[0].exit_time: 1 is before entry_time 1767225600");
  EXPECT_EQ(with([](json::object& r) { r["attribution"].as_array()[0] = "fast_scalping"; }),
            "attribution[0]: expected an object, got a string");
  EXPECT_EQ(with([](json::object& r) { r["config"].as_object()["symbols"] = json::array{1}; }),
            "config.symbols[0]: expected a string, got an integer");
}

TEST(BacktestReport, validate_agrees_with_render) {
  EXPECT_TRUE(validate_backtest_report(kReport).ok());
  const auto st = validate_backtest_report(R"({"nzeza_version": 1, "summary": {}})");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "nzeza_version: expected a string, got an integer");
}

class BacktestReportFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("nzeza_report_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path dir_;
};

TEST_F(BacktestReportFiles, writes_the_page_and_the_input_into_a_new_folder) {
  const auto page = write_html_report(kReport, dir_ / "nested" / "out");
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(*page, dir_ / "nested" / "out" / "report.html");
  EXPECT_EQ(read(*page), *render_html_report(kReport));
  EXPECT_EQ(read(dir_ / "nested" / "out" / "report.json"), kReport);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nested" / "out" / "report.html.tmp"));
}

TEST_F(BacktestReportFiles, a_refused_report_writes_nothing) {
  const auto page = write_html_report(R"({"summary": {}})", dir_);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().message, "nzeza_version: missing");
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(BacktestReportFiles, a_folder_that_cannot_be_made_is_an_error_naming_it) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  const auto page = write_html_report(kReport, dir_ / "file" / "sub");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::unavailable);
  EXPECT_NE(page.error().message.find((dir_ / "file" / "sub").string()), std::string::npos)
      << page.error().message;
}

}  // namespace
}  // namespace nzeza::app
