#pragma once
// The trading server's state as Prometheus metrics: the text exposition format 0.0.4, written by
// hand (no client library: every value is read from one ServerStatus snapshot at scrape time, so
// there is nothing to register or keep in sync).
//
// The contract of the text:
//   - every family has one `# HELP` and one `# TYPE` line, before its samples, and appears once;
//   - counters (monotonic since the process started) end in `_total`; gauges never do;
//   - times are seconds, money is in the quote currency, sizes in the instrument's base unit;
//   - label values are escaped (backslash, double quote, line feed) as the format demands;
//   - money is written from the exact Decimal's text: a scrape never rounds it through a double.
// Served at GET /metrics by ApiService (scope read); names and labels are listed in docs/api.md.
//
// Beast-free, and no I/O: a pure function of the snapshot.

#include <string>
#include <string_view>

namespace nzeza::app {
struct ServerStatus;
}

namespace nzeza::api {

struct StreamStats;

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// A label value as the text format wants it: `\` → `\\`, `"` → `\"`, line feed → `\n`.
[[nodiscard]] std::string escape_label_value(std::string_view value);
// A HELP text: `\` → `\\`, line feed → `\n`.
[[nodiscard]] std::string escape_help(std::string_view text);

// The whole exposition of one snapshot, ending with a line feed.
[[nodiscard]] std::string prometheus_text(const app::ServerStatus& status);

// The live stream's families (nzeza_api_stream_*), appended to the server's exposition.
[[nodiscard]] std::string stream_prometheus_text(const StreamStats& stats);

}  // namespace nzeza::api
