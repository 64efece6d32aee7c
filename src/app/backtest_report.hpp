#pragma once
// The backtest's HTML report. It takes a report.json (the format of docs/backtest-report.md) and
// writes, into one folder, report.json (the input, byte for byte) and report.html: a single
// self-contained page holding the charting library (TradingView's lightweight-charts, installed
// from npm by the build and embedded in this binary), our page script and style (web/report/),
// and the data as JSON in a <script type="application/json">. The page opens from disk and
// loads nothing (its Content-Security-Policy forbids every fetch).
//
// The one rule: whatever its text, data stays data. Every '<', '>' and '&' of the inlined JSON is
// written as a \u escape, so a symbol named "</script>" cannot end the script element, and the
// page builds its DOM with textContent only.
//
// Errors (nothing is written when the report is refused):
//   parse_error       the text is not JSON; the message names line and column
//   invalid_argument  a field is missing, of the wrong type or out of order; the message starts
//                     with its path (`trades[3].entry_price: expected ...`)
//   unavailable       the folder or a file could not be written; the message names the path
// Optional arrays (equity, drawdown, candles, trades, attribution) may be absent: the page
// shows "no data" in their place.
// Thread: free functions without shared state; call them from any thread.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::app {

// Checks report_json against the format of docs/backtest-report.md.
[[nodiscard]] Status validate_backtest_report(std::string_view report_json);

// The self-contained page for report_json (validated first).
[[nodiscard]] Result<std::string> render_html_report(std::string_view report_json);

// Writes dir/report.html and dir/report.json (creating dir) and returns dir/report.html.
[[nodiscard]] Result<std::filesystem::path> write_html_report(std::string_view report_json,
                                                              const std::filesystem::path& dir);

}  // namespace nzeza::app
