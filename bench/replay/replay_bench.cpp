// Replay throughput: events/s read, decompressed, parsed and merged on one core.
//
//   bench_replay [--events N] [--sources K] [--runs R] [--dir D] [--keep]
//
// Writes once (to a temporary folder unless --dir) a generated recording of N events split over
// K sources (files), and the same number of rows as K Tardis incremental_book_L2/trades/quotes
// .csv.gz files; then, R times each, reads every file through its reader and an EventMerger,
// counting events. Also times each stage alone (lines only, one source without the merge) so a
// missed goal shows where the time goes. Prints its configuration first.

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "replay/event_merger.hpp"
#include "replay/line_reader.hpp"
#include "replay/recording_reader.hpp"
#include "replay/recording_writer.hpp"
#include "replay/tardis_csv_reader.hpp"

namespace fs = std::filesystem;
using namespace nzeza;
using namespace nzeza::replay;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this thread: on a shared, loaded machine the wall time also counts the time other
// tenants held the core; the CPU-time rate is what one core of our own achieves.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string first_line_of(const char* path, const char* key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (key == nullptr || line.rfind(key, 0) == 0) return line;
  return "?";
}

std::uint64_t file_bytes(const std::vector<fs::path>& files) {
  std::uint64_t n = 0;
  for (const auto& f : files) n += fs::file_size(f);
  return n;
}

struct Symbol {
  Venue venue;
  const char* venue_symbol;
  const char* base;
  const char* quote;
};
constexpr Symbol kSymbols[] = {{Venue::binance, "BTCUSDT", "BTC", "USDT"},
                               {Venue::binance, "ETHUSDT", "ETH", "USDT"},
                               {Venue::coinbase, "BTC-USD", "BTC", "USD"},
                               {Venue::coinbase, "ETH-USD", "ETH", "USD"}};

void add_instruments(InstrumentRegistry& registry) {
  for (const Symbol& s : kSymbols) {
    Instrument in;
    in.venue = s.venue;
    in.venue_symbol = s.venue_symbol;
    in.base = s.base;
    in.quote = s.quote;
    in.canonical = std::string(s.base) + "-" + s.quote;
    in.tick_size = Decimal::from_raw8(1'000'000);  // 0.01
    in.lot_size = Decimal::from_raw8(1'000);       // 0.00001
    in.min_size = in.lot_size;
    (void)registry.add(in);
  }
}

// A random walk of quotes (40 %), trades (30 %) and book changes (30 %), 50 µs apart per source.
struct Generator {
  explicit Generator(std::uint64_t seed) : rng(seed) {}
  std::mt19937_64 rng;
  std::int64_t mid8 = 45'000'00000000;  // 45000 in 1e-8 units
  std::uint64_t seq = 1;

  void next(MarketEvent& e, const InstrumentRegistry& registry, Venue venue, Timestamp t) {
    const std::uint64_t r = rng();
    const Symbol& s = kSymbols[(venue == Venue::coinbase ? 2 : 0) + (r & 1)];
    const Instrument* in = registry.find(s.venue, s.venue_symbol);
    e.venue = venue;
    e.instrument = in->id;
    e.symbol = in->symbol;
    e.receive_time = t;
    e.venue_time = t - Duration(static_cast<std::int64_t>(r % 900'000));
    mid8 += (static_cast<std::int64_t>((r >> 8) % 21) - 10) * 1'000'000;  // ±0.10
    const auto size8 = static_cast<std::int64_t>((r >> 16) % 500'000 + 1'000);
    const std::uint64_t kind = (r >> 40) % 10;
    if (kind < 4) {
      e.body = Quote{Decimal::from_raw8(mid8 - 1'000'000), Decimal::from_raw8(size8),
                     Decimal::from_raw8(mid8 + 1'000'000), Decimal::from_raw8(size8 * 2)};
    } else if (kind < 7) {
      Trade tr{Decimal::from_raw8(mid8),
               Decimal::from_raw8(size8),
               (r >> 50) & 1 ? Side::buy : Side::sell,
               {}};
      char id[24];
      auto [end, ec] = std::to_chars(id, id + sizeof id, seq++);
      (void)ec;
      (void)TradeId::assign(tr.trade_id, std::string_view(id, static_cast<std::size_t>(end - id)));
      e.body = tr;
    } else {
      e.body = BookChange{
          (r >> 50) & 1 ? Side::buy : Side::sell,
          Decimal::from_raw8(mid8 + (static_cast<std::int64_t>((r >> 52) % 40) - 20) * 1'000'000),
          (r >> 58) % 4 == 0 ? Decimal::zero() : Decimal::from_raw8(size8),
          seq++,
          false,
          false,
          false};
    }
  }
};

std::vector<fs::path> write_recordings(const fs::path& root, const InstrumentRegistry& registry,
                                       std::uint64_t events, int sources, int level,
                                       int window_log) {
  std::vector<fs::path> files;
  const Timestamp start = Timestamp::from_seconds(1'704'164'400);  // 2024-01-02T03:00:00Z
  for (int s = 0; s < sources; ++s) {
    RecordingWriterOptions o;
    o.dir = root / ("rec" + std::to_string(s));
    o.compression_level = level;
    o.window_log = window_log;
    o.frame_events = 16'384;
    o.frame_interval = std::chrono::hours(1);
    RecordingWriter writer(registry, o);
    Generator gen(42 + static_cast<std::uint64_t>(s));
    const Venue venue = s % 2 == 0 ? Venue::binance : Venue::coinbase;
    const std::uint64_t n = events / static_cast<std::uint64_t>(sources);
    MarketEvent e;
    // Sources interleave in time: source s starts s µs later, every source ticks every 50 µs...
    // kept within one hour so each source is one file.
    const std::int64_t step = 3'000'000'000'000LL / static_cast<std::int64_t>(n + 1);
    for (std::uint64_t i = 0; i < n; ++i) {
      gen.next(e, registry, venue,
               start + Duration(static_cast<std::int64_t>(i) * step + s * 1000));
      if (auto st = writer.append(e); !st) {
        std::fprintf(stderr, "write failed: %s\n", st.error().to_string().c_str());
        std::exit(1);
      }
    }
    (void)writer.close();
    for (const auto& f : writer.files()) files.push_back(f);
  }
  return files;
}

std::vector<fs::path> write_tardis(const fs::path& root, std::uint64_t events, int sources) {
  std::vector<fs::path> files;
  static const char* kHeaders[] = {
      "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n",
      "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n",
      "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n"};
  fs::create_directories(root / "tardis");
  const std::int64_t start_us = 1'704'164'400'000'000;
  for (int s = 0; s < sources; ++s) {
    const int type = s % 3;
    const fs::path p = root / "tardis" / ("src" + std::to_string(s) + ".csv.gz");
    gzFile f = gzopen(p.c_str(), "wb1");
    gzwrite(f, kHeaders[type], static_cast<unsigned>(std::strlen(kHeaders[type])));
    std::mt19937_64 rng(7 + static_cast<std::uint64_t>(s));
    const std::uint64_t n = events / static_cast<std::uint64_t>(sources);
    const std::int64_t step =
        std::max<std::int64_t>(1, 3'000'000'000LL / static_cast<std::int64_t>(n + 1));
    std::int64_t mid = 4'500'000;  // cents
    std::string buf;
    buf.reserve(1 << 20);
    char num[32];
    auto put_int = [&](std::int64_t v) {
      auto [end, ec] = std::to_chars(num, num + sizeof num, v);
      (void)ec;
      buf.append(num, static_cast<std::size_t>(end - num));
    };
    auto put_price = [&](std::int64_t cents) {
      put_int(cents / 100);
      buf.push_back('.');
      const std::int64_t c = cents % 100;
      buf.push_back(static_cast<char>('0' + c / 10));
      buf.push_back(static_cast<char>('0' + c % 10));
    };
    auto put_amount = [&](std::uint64_t r) {
      buf.append("0.");
      put_int(static_cast<std::int64_t>(r % 90'000 + 10'000));
    };
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t r = rng();
      mid += static_cast<std::int64_t>(r % 21) - 10;
      const std::int64_t t = start_us + static_cast<std::int64_t>(i) * step + s;
      buf.append(s % 2 == 0 ? "binance,BTCUSDT," : "binance,ETHUSDT,");
      put_int(t - static_cast<std::int64_t>(r % 900));
      buf.push_back(',');
      put_int(t);
      buf.push_back(',');
      if (type == 0) {
        buf.append(i < 50 ? "true," : "false,");
        buf.append((r >> 20) & 1 ? "bid," : "ask,");
        put_price(mid + static_cast<std::int64_t>((r >> 24) % 40) - 20);
        buf.push_back(',');
        if ((r >> 40) % 4 == 0) {
          buf.push_back('0');
        } else {
          put_amount(r >> 8);
        }
      } else if (type == 1) {
        put_int(static_cast<std::int64_t>(i + 1));
        buf.append((r >> 20) & 1 ? ",buy," : ",sell,");
        put_price(mid);
        buf.push_back(',');
        put_amount(r >> 8);
      } else {
        put_amount(r >> 8);
        buf.push_back(',');
        put_price(mid + 1);
        buf.push_back(',');
        put_price(mid - 1);
        buf.push_back(',');
        put_amount(r >> 28);
      }
      buf.push_back('\n');
      if (buf.size() > (1u << 20) - 256) {
        gzwrite(f, buf.data(), static_cast<unsigned>(buf.size()));
        buf.clear();
      }
    }
    gzwrite(f, buf.data(), static_cast<unsigned>(buf.size()));
    gzclose(f);
    files.push_back(p);
  }
  return files;
}

struct Run {
  std::uint64_t events = 0;
  double seconds = 0;  // wall
  double cpu = 0;      // this thread's CPU time
  [[nodiscard]] double rate() const { return static_cast<double>(events) / seconds; }
  [[nodiscard]] double cpu_rate() const { return static_cast<double>(events) / cpu; }
};

template <typename Open>
Run read_merged(const std::vector<fs::path>& files, Open open) {
  InstrumentRegistry registry;
  const auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  std::vector<std::unique_ptr<EventSource>> sources;
  for (const auto& f : files) sources.push_back(open(f, registry));
  EventMerger merger(std::move(sources));
  MarketEvent e;
  Run run;
  std::int64_t check = 0;
  ReadOutcome r;
  while ((r = merger.next(e)) == ReadOutcome::event) {
    ++run.events;
    check ^= e.receive_time.ns();
  }
  run.seconds = seconds_since(t0);
  run.cpu = thread_cpu_seconds() - c0;
  if (r == ReadOutcome::error) {
    std::fprintf(stderr, "read failed: %s\n", merger.error().to_string().c_str());
    std::exit(1);
  }
  if (check == 42) std::puts("");  // keeps the loop observable
  return run;
}

template <typename Open>
Run read_one(const fs::path& file, Open open) {
  InstrumentRegistry registry;
  const auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  auto source = open(file, registry);
  MarketEvent e;
  Run run;
  while (source->next(e) == ReadOutcome::event) ++run.events;
  run.seconds = seconds_since(t0);
  run.cpu = thread_cpu_seconds() - c0;
  return run;
}

Run lines_only(const fs::path& file) {
  const auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  auto lines = LineReader::open(file.string(), compression_for(file.string()));
  std::string_view line;
  Run run;
  std::uint64_t bytes = 0;
  while ((*lines)->next(line) == ReadOutcome::event) {
    ++run.events;
    bytes += line.size();
  }
  run.seconds = seconds_since(t0);
  run.cpu = thread_cpu_seconds() - c0;
  if (bytes == 1) std::puts("");
  return run;
}

void report(const char* what, const std::vector<Run>& runs) {
  std::printf("  %-46s wall", what);
  double best = 0;
  double best_cpu = 0;
  for (const Run& r : runs) {
    std::printf(" %6.2f", r.rate() / 1e6);
    best = std::max(best, r.rate());
  }
  std::printf(" | cpu");
  for (const Run& r : runs) {
    std::printf(" %6.2f", r.cpu_rate() / 1e6);
    best_cpu = std::max(best_cpu, r.cpu_rate());
  }
  std::printf("  M ev/s (best wall %.2f, cpu %.2f; %llu events)\n", best / 1e6, best_cpu / 1e6,
              static_cast<unsigned long long>(runs.front().events));
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 10'000'000;
  int sources = 4;
  int runs = 3;
  int level = 9;
  int window_log = 18;
  fs::path dir;
  bool keep = false;
  bool reuse = false;
  int only = 0;  // 1..6: run that measurement alone (for perf stat / perf record)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--events") {
      events = std::stoull(value());
    } else if (a == "--sources") {
      sources = std::stoi(value());
    } else if (a == "--runs") {
      runs = std::stoi(value());
    } else if (a == "--level") {
      level = std::stoi(value());
    } else if (a == "--window-log") {
      window_log = std::stoi(value());
    } else if (a == "--dir") {
      dir = value();
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--only") {
      only = std::stoi(value());
    } else if (a == "--reuse") {  // read the files a --keep run left in --dir
      reuse = true;
      keep = true;
    } else {
      std::fprintf(
          stderr,
          "usage: %s [--events N] [--sources K] [--runs R] [--level L] [--dir D] [--keep]\n",
          argv[0]);
      return 2;
    }
  }
  if (dir.empty())
    dir = fs::temp_directory_path() / ("nzeza-replay-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);

  std::printf(
      "bench_replay: %llu events in %d sources, zstd level %d window 2^%d, %d runs, dir %s\n",
      static_cast<unsigned long long>(events), sources, level, window_log, runs, dir.c_str());
  std::printf("cpu: %s; %u hardware threads; loadavg at start: %s\n",
              first_line_of("/proc/cpuinfo", "model name").c_str(),
              std::thread::hardware_concurrency(), first_line_of("/proc/loadavg", nullptr).c_str());

  InstrumentRegistry registry;
  add_instruments(registry);
  std::vector<fs::path> rec;
  std::vector<fs::path> csv;
  if (reuse) {
    for (const auto& f : fs::recursive_directory_iterator(dir)) {
      const std::string name = f.path().string();
      if (name.ends_with(".ndjson.zst")) rec.push_back(f.path());
      if (name.ends_with(".csv.gz")) csv.push_back(f.path());
    }
    std::sort(rec.begin(), rec.end());
    std::sort(csv.begin(), csv.end());
  } else {
    auto t0 = Clock::now();
    rec = write_recordings(dir, registry, events, sources, level, window_log);
    const double write_s = seconds_since(t0);
    std::printf("recording: written in %.1f s (%.2f M events/s)\n", write_s,
                static_cast<double>(events) / write_s / 1e6);
    t0 = Clock::now();
    csv = write_tardis(dir, events, sources);
    std::printf("tardis: written in %.1f s\n", seconds_since(t0));
  }
  std::printf(
      "recording: %zu files, %.1f MB; tardis: %zu .csv.gz files (book_L2, trades, quotes, "
      "book_L2...), %.1f MB\n",
      rec.size(), static_cast<double>(file_bytes(rec)) / 1e6, csv.size(),
      static_cast<double>(file_bytes(csv)) / 1e6);

  auto open_rec = [](const fs::path& f, InstrumentRegistry& reg) -> std::unique_ptr<EventSource> {
    auto r = RecordingReader::open(f.string(), reg);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      std::exit(1);
    }
    return std::move(*r);
  };
  auto open_csv = [](const fs::path& f, InstrumentRegistry& reg) -> std::unique_ptr<EventSource> {
    auto r = TardisCsvReader::open(f.string(), reg);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      std::exit(1);
    }
    return std::move(*r);
  };

  std::printf("results (one thread; each run reads every file from the page cache):\n");
  std::vector<Run> r;
  auto measure = [&](int which, const char* what, auto once) {
    if (only != 0 && only != which) return;
    r.clear();
    for (int i = 0; i < runs; ++i) r.push_back(once());
    report(what, r);
  };
  measure(1, "recording: read+decompress+parse+merge", [&] { return read_merged(rec, open_rec); });
  measure(2, "recording: one file, no merge", [&] { return read_one(rec.front(), open_rec); });
  measure(3, "recording: one file, zstd + lines only", [&] { return lines_only(rec.front()); });
  measure(4, "tardis csv.gz: read+inflate+parse+merge", [&] { return read_merged(csv, open_csv); });
  measure(5, "tardis csv.gz: one book_L2 file, no merge",
          [&] { return read_one(csv.front(), open_csv); });
  measure(6, "tardis csv.gz: one file, inflate + lines only",
          [&] { return lines_only(csv.front()); });
  std::printf("loadavg at end: %s\n", first_line_of("/proc/loadavg", nullptr).c_str());
  if (!keep) fs::remove_all(dir);
  return 0;
}
