// Backtest throughput: events/s end to end (read and decompress, merge, the trading pipeline, the
// paper venue, the accounting) on one core, on a generated recording.
//
//   bench_backtest [--events N] [--dir D] [--keep] [--level L] [--skip-full]
//                  [--stages read,paper,full,one]
//
// Writes once (into D, or a temporary folder removed at the end unless --keep) a recording of N
// events (default 10 M): three Binance symbols, a random walk of quotes (60 %) and trades
// (40 %), 1 ms of receive time apart, hourly files. Then times each stage on its own, so a missed
// goal shows where the time goes:
//   read      RecordingReaders + EventMerger only
//   paper     read + the paper venue's book and matching (no actors, no strategies)
//   full      run_backtest(): the whole pipeline with the paper demo's strategies (three, the
//             config/paper.toml weights: they trade)
//   one       run_backtest() with one strategy (fast_scalping alone)
// Rates are events per second of this thread's CPU time (wall time on a shared machine also
// counts other tenants). Prints its configuration first.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "app/backtest.hpp"
#include "replay/event_merger.hpp"
#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "venues/paper/paper_venue.hpp"

namespace fs = std::filesystem;
using namespace nzeza;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string first_line_of(const char* path, const char* key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return line;
  return "?";
}

struct Sym {
  const char* venue_symbol;
  const char* base;
  std::int64_t start8;  // price in 1e-8 units
};
constexpr Sym kSyms[] = {{"BTCUSDT", "BTC", 45'000'00000000},
                         {"ETHUSDT", "ETH", 3'000'00000000},
                         {"SOLUSDT", "SOL", 150'00000000}};
constexpr std::int64_t kStart = 1'767'225'600;  // 2026-01-01T00:00:00Z

void add_instruments(InstrumentRegistry& registry, Venue venue) {
  for (const Sym& s : kSyms) {
    Instrument in;
    in.venue = venue;
    in.venue_symbol = venue == Venue::paper ? std::string(s.base) + "-USDT" : s.venue_symbol;
    in.base = s.base;
    in.quote = "USDT";
    in.canonical = std::string(s.base) + "-USDT";
    in.tick_size = Decimal::from_raw8(1'000'000);  // 0.01
    in.lot_size = Decimal::from_raw8(1'000);       // 0.00001
    in.min_size = in.lot_size;
    (void)registry.add(in);
  }
}

std::vector<std::string> generate(const fs::path& dir, std::uint64_t events, int level) {
  InstrumentRegistry registry;
  add_instruments(registry, Venue::binance);
  replay::RecordingWriterOptions wo;
  wo.dir = dir;
  wo.compression_level = level;
  std::vector<std::string> files;
  {
    replay::RecordingWriter w(registry, wo);
    std::mt19937_64 rng(42);
    std::int64_t mid8[3] = {kSyms[0].start8, kSyms[1].start8, kSyms[2].start8};
    std::uint64_t trade_id = 1;
    MarketEvent e;
    e.venue = Venue::binance;
    for (std::uint64_t i = 0; i < events; ++i) {
      const std::uint64_t r = rng();
      const std::size_t k = (r & 0xff) % 3;
      const Instrument* in = registry.find(Venue::binance, kSyms[k].venue_symbol);
      e.instrument = in->id;
      e.symbol = in->symbol;
      e.receive_time =
          Timestamp::from_seconds(kStart) + std::chrono::milliseconds(static_cast<std::int64_t>(i));
      e.venue_time = e.receive_time - std::chrono::microseconds(300);
      // A walk of about 1 bp a step, in whole ticks.
      const std::int64_t step = std::max<std::int64_t>(mid8[k] / 10'000 / 1'000'000, 1) * 1'000'000;
      mid8[k] += (static_cast<std::int64_t>((r >> 8) % 3) - 1) * step;
      const auto size8 = static_cast<std::int64_t>((r >> 16) % 500'000 + 10'000);
      if ((r >> 40) % 10 < 6) {
        e.body = Quote{Decimal::from_raw8(mid8[k] - 1'000'000), Decimal::from_raw8(size8),
                       Decimal::from_raw8(mid8[k] + 1'000'000), Decimal::from_raw8(size8 * 2)};
      } else {
        Trade t{Decimal::from_raw8(mid8[k]),
                Decimal::from_raw8(size8),
                (r >> 50) & 1 ? Side::buy : Side::sell,
                {}};
        (void)TradeId::assign(t.trade_id, std::to_string(trade_id++));
        e.body = t;
      }
      if (auto st = w.append(e); !st) {
        std::fprintf(stderr, "write: %s\n", st.error().message.c_str());
        std::exit(1);
      }
    }
    (void)w.close();
    for (const auto& f : w.files()) files.push_back(f.string());
  }
  return files;
}

struct Rate {
  std::uint64_t events = 0;
  double cpu = 0;
  double wall = 0;
};
void print(const char* stage, const Rate& r, const std::string& extra = "") {
  std::printf(
      "%-6s %11llu events  cpu %7.2f s  %6.3f M events/s (cpu)  wall %7.2f s  %6.3f M/s%s\n", stage,
      static_cast<unsigned long long>(r.events), r.cpu, r.events / r.cpu / 1e6, r.wall,
      r.events / r.wall / 1e6, extra.c_str());
  std::fflush(stdout);
}

Rate read_only(const std::vector<std::string>& files, bool paper) {
  InstrumentRegistry registry;
  add_instruments(registry, Venue::paper);
  ManualClock clock(Timestamp::from_seconds(kStart));
  venues::paper::PaperVenue venue(clock, registry);
  std::vector<std::unique_ptr<replay::EventSource>> sources;
  for (const auto& f : files) {
    auto opened = replay::RecordingReader::open(f, registry);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().message.c_str());
      std::exit(1);
    }
    sources.push_back(std::move(*opened));
  }
  replay::EventMerger merger(std::move(sources));
  MarketEvent e;
  Rate r;
  const double c0 = cpu_seconds();
  const double w0 = wall_seconds();
  while (merger.next(e) == replay::ReadOutcome::event) {
    ++r.events;
    if (paper) venue.on_market_event(e);
  }
  r.cpu = cpu_seconds() - c0;
  r.wall = wall_seconds() - w0;
  return r;
}

Rate full(const std::vector<std::string>& files, const app::Config& config, std::string* extra) {
  app::BacktestOptions o;
  o.files = files;
  o.config = config;
  Rate r;
  const double c0 = cpu_seconds();
  const double w0 = wall_seconds();
  auto result = app::run_backtest(o);
  r.cpu = cpu_seconds() - c0;
  r.wall = wall_seconds() - w0;
  if (!result) {
    std::fprintf(stderr, "backtest: %s\n", result.error().message.c_str());
    std::exit(1);
  }
  r.events = result->events.total;
  *extra = "  trades " + std::to_string(result->summary.trades) + ", equity " +
           result->summary.final_equity.to_string();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 10'000'000;
  std::string dir_arg;
  bool keep = false;
  bool skip_full = false;
  std::string stages = "read,paper,full,one";
  int level = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--events" && i + 1 < argc)
      events = std::stoull(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir_arg = argv[++i];
    else if (a == "--keep")
      keep = true;
    else if (a == "--skip-full")
      skip_full = true;
    else if (a == "--level" && i + 1 < argc)
      level = std::stoi(argv[++i]);
    else if (a == "--stages" && i + 1 < argc)
      stages = argv[++i];
    else {
      std::fprintf(stderr,
                   "usage: bench_backtest [--events N] [--dir D] [--keep] [--level L] "
                   "[--skip-full] [--stages read,paper,full,one]\n");
      return 2;
    }
  }
  const bool temporary = dir_arg.empty();
  fs::path dir =
      temporary ? fs::temp_directory_path() / ("nzeza-bench-backtest-" + std::to_string(::getpid()))
                : fs::path(dir_arg);
  std::printf(
      "bench_backtest: %llu events, 3 symbols, quotes 60 %% / trades 40 %%, 1 ms apart, "
      "zstd level %d\n%s\n",
      static_cast<unsigned long long>(events), level,
      first_line_of("/proc/cpuinfo", "model name").c_str());
  std::vector<std::string> files;
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    std::printf("recording: %zu files in %s (reused)\n", files.size(), dir.c_str());
  } else {
    const double w0 = wall_seconds();
    files = generate(dir, events, level);
    std::printf("recording: %zu files in %s, written in %.1f s\n", files.size(), dir.c_str(),
                wall_seconds() - w0);
  }
  std::uintmax_t bytes = 0;
  for (const auto& f : files) bytes += fs::file_size(f);
  std::printf("recording: %.1f MB compressed\n", static_cast<double>(bytes) / 1e6);

  // A stage runs when its name is in the --stages list (profiles of one stage).
  auto wanted = [&](std::string_view stage) {
    std::string_view list = stages;
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      if (list.substr(0, comma) == stage) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return false;
  };
  if (wanted("read")) print("read", read_only(files, false));
  if (wanted("paper")) print("paper", read_only(files, true));
  if (!skip_full) {
    app::Config demo;
    demo.strategies.fast_scalping = 0.65;
    demo.strategies.momentum_scalping = 0.25;
    demo.strategies.conservative_scalping = 0.1;
    demo.risk.min_confidence = 0.5;
    std::string extra;
    if (wanted("full")) print("full", full(files, demo, &extra), extra);
    app::Config one = demo;
    one.strategies.fast_scalping = 1.0;
    one.strategies.momentum_scalping = 0.0;
    one.strategies.conservative_scalping = 0.0;
    one.strategies.mean_reversion = 0.0;
    if (wanted("one")) print("one", full(files, one, &extra), extra);
  }
  if (temporary && !keep) fs::remove_all(dir);
  return 0;
}
