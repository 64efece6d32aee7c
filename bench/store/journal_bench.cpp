// The journal on this machine's disk (issue 18).
//
// - BM_WriteIntent/<queued>: write_intent() at synchronous=FULL — the one disk wait on the order
//   path — with <queued> records (order events, fills) riding in the same commit. p50/p99/max in
//   microseconds over every iteration.
// - BM_FsyncBaseline: append 4 KiB and fdatasync, the disk's floor for any durable commit.
// - BM_Flush{Fills,OrderEvents}/<batch>: one flush() of <batch> queued records at NORMAL;
//   records_per_s counts the records written per wall-clock second.
// - BM_JournalGrowth: bytes the file grows per 1,000 orders, an order being an intent, 3 order
//   events, 1 fill and 1 audit line (checkpointed: the WAL folded into the file). The first 1,000
//   include the empty schema; the marginal figure is measured over the next 10,000.
// - BM_OpenAndLoad/<orders>: open a journal holding <orders> orders (a tenth still live) and
//   load() it — the journal's part of restart-to-trading.
//
// The journal lives in a fresh directory under $NZEZA_BENCH_DIR, else the system temp directory
// (on this machine the root disk, not tmpfs); the directory and filesystem type are printed.
#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): mkdtemp
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/journal.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::store;

std::filesystem::path bench_root() {
  if (const char* d = std::getenv("NZEZA_BENCH_DIR"); d != nullptr && *d != '\0') return d;
  return std::filesystem::temp_directory_path();
}

class BenchDir {
 public:
  BenchDir() {
    std::string tmpl = (bench_root() / "nzeza-journal-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  [[nodiscard]] std::filesystem::path file() const { return path_ / "journal.sqlite"; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<Journal> open_journal(const std::filesystem::path& file) {
  auto j = Journal::open(file);
  if (!j.ok()) {
    std::fprintf(stderr, "%s\n", j.error().to_string().c_str());
    std::abort();
  }
  return std::move(*j);
}

Decimal dec(const char* text) {
  return Decimal::parse(text).value();
}

IntentRecord make_intent(std::uint64_t seq) {
  IntentRecord i;
  i.sequence = seq;
  i.canonical = "BTC-USDT";
  i.side = seq % 2 == 0 ? Side::buy : Side::sell;
  i.type = domain::OrderType::limit;
  i.quantity = dec("0.00125");
  i.price = dec("45012.37");
  i.purpose = "entry";
  i.at = Timestamp::from_ns(1'700'000'000'000'000'000 + static_cast<std::int64_t>(seq) * 1'000'000);
  return i;
}

OrderEventRecord make_event(std::uint64_t seq, OrderPhase phase) {
  OrderEventRecord e;
  e.sequence = seq;
  e.phase = phase;
  e.venue = Venue::binance;
  e.client_order_id = "nzeza-" + std::to_string(seq) + "-0000";
  e.venue_order_id = std::to_string(8'000'000'000 + seq);
  e.venue_symbol = "BTCUSDT";
  e.status =
      phase == OrderPhase::done ? domain::VenueOrderStatus::filled : domain::VenueOrderStatus::open;
  e.filled = phase == OrderPhase::done ? dec("0.00125") : Decimal{};
  e.detail = phase == OrderPhase::done ? "filled" : "";
  e.at = make_intent(seq).at + std::chrono::milliseconds(3);
  return e;
}

FillRecord make_fill(std::uint64_t seq) {
  FillRecord f;
  f.fill.venue = Venue::binance;
  f.fill.venue_symbol = "BTCUSDT";
  f.fill.trade_id = std::to_string(3'000'000'000 + seq);
  f.fill.client_order_id = "nzeza-" + std::to_string(seq) + "-0000";
  f.fill.side = Side::buy;
  f.fill.price = dec("45012.37");
  f.fill.quantity = dec("0.00125");
  f.fill.fee = dec("0.0000000125");
  f.fill.fee_currency = "BTC";
  f.fill.time = make_intent(seq).at + std::chrono::milliseconds(4);
  f.sequence = seq;
  f.recorded = f.fill.time;
  return f;
}

AuditRecord make_audit(std::uint64_t seq) {
  AuditRecord a;
  a.at = make_intent(seq).at;
  a.kind = "order";
  a.text = "buy 0.00125 BTC-USDT limit 45012.37 at binance (momentum 0.82)";
  a.fields = {{"sequence", std::to_string(seq)}, {"venue", "binance"}, {"confidence", "0.82"}};
  return a;
}

// One order's life: intent (durable), then its events, fill and audit line (queued).
void journal_order(Journal& j, std::uint64_t seq) {
  if (!j.write_intent(make_intent(seq)).ok()) std::abort();
  j.record(make_audit(seq));
  j.record(make_event(seq, OrderPhase::pending));
  j.record(make_event(seq, OrderPhase::working));
  j.record(make_fill(seq));
  j.record(make_event(seq, OrderPhase::done));
}

std::int64_t percentile(std::vector<std::int64_t>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

void BM_WriteIntent(benchmark::State& state) {
  const auto queued = static_cast<std::uint64_t>(state.range(0));
  BenchDir dir;
  auto j = open_journal(dir.file());
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 16);
  std::uint64_t seq = 0;
  for (auto _ : state) {
    ++seq;
    state.PauseTiming();
    for (std::uint64_t i = 0; i < queued; ++i)
      j->record(i % 2 == 0 ? make_event(seq, OrderPhase::working)
                           : make_event(seq, OrderPhase::done));
    const IntentRecord in = make_intent(seq);
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    if (!j->write_intent(in).ok()) {
      state.SkipWithError("write_intent failed");
      break;
    }
    samples.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
  }
  state.counters["p50_us"] = static_cast<double>(percentile(samples, 0.50)) / 1e3;
  state.counters["p99_us"] = static_cast<double>(percentile(samples, 0.99)) / 1e3;
  state.counters["max_us"] = static_cast<double>(samples.empty() ? 0 : samples.back()) / 1e3;
}
BENCHMARK(BM_WriteIntent)->Arg(0)->Arg(5)->Iterations(2'000)->Unit(benchmark::kMicrosecond);

// The disk's floor: append 4 KiB to a file and fdatasync it (what one durable commit cannot
// beat). Same percentiles as BM_WriteIntent.
void BM_FsyncBaseline(benchmark::State& state) {
  BenchDir dir;
  const std::string path = dir.file().string() + ".raw";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) {
    state.SkipWithError("open failed");
    return;
  }
  const std::string page(4096, 'j');
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 16);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (::write(fd, page.data(), page.size()) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    samples.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
  }
  ::close(fd);
  state.counters["p50_us"] = static_cast<double>(percentile(samples, 0.50)) / 1e3;
  state.counters["p99_us"] = static_cast<double>(percentile(samples, 0.99)) / 1e3;
  state.counters["max_us"] = static_cast<double>(samples.empty() ? 0 : samples.back()) / 1e3;
}
BENCHMARK(BM_FsyncBaseline)->Iterations(2'000)->UseRealTime()->Unit(benchmark::kMicrosecond);

template <typename Make>
void flush_batches(benchmark::State& state, Make make) {
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  BenchDir dir;
  auto j = open_journal(dir.file());
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::uint64_t i = 0; i < batch; ++i) j->record(make(++n));
    state.ResumeTiming();
    auto w = j->flush();
    if (!w.ok() || *w != batch) {
      state.SkipWithError("flush failed");
      break;
    }
  }
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_FlushFills(benchmark::State& state) {
  flush_batches(state, [](std::uint64_t n) { return make_fill(n); });
}
BENCHMARK(BM_FlushFills)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_FlushOrderEvents(benchmark::State& state) {
  flush_batches(state, [](std::uint64_t n) { return make_event(n, OrderPhase::working); });
}
BENCHMARK(BM_FlushOrderEvents)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The file's size once the WAL is folded into it.
std::uintmax_t checkpointed_size(const std::filesystem::path& file) {
  SQLite::Database db(file, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return std::filesystem::file_size(file);
}

void BM_JournalGrowth(benchmark::State& state) {
  double first = 0;
  double marginal = 0;
  for (auto _ : state) {
    BenchDir dir;
    std::uint64_t seq = 0;
    {
      auto j = open_journal(dir.file());
      for (int i = 0; i < 1'000; ++i) journal_order(*j, ++seq);
      if (!j->flush().ok()) std::abort();
    }
    const auto empty_size = [&] {
      BenchDir other;
      { auto e = open_journal(other.file()); }
      return checkpointed_size(other.file());
    }();
    const auto after_1k = checkpointed_size(dir.file());
    {
      auto j = open_journal(dir.file());
      for (int i = 0; i < 10'000; ++i) journal_order(*j, ++seq);
      if (!j->flush().ok()) std::abort();
    }
    const auto after_11k = checkpointed_size(dir.file());
    first = static_cast<double>(after_1k - empty_size);
    marginal = static_cast<double>(after_11k - after_1k) / 10.0;
  }
  state.counters["bytes_first_1000_orders"] = first;
  state.counters["bytes_per_1000_orders"] = marginal;
}
BENCHMARK(BM_JournalGrowth)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_OpenAndLoad(benchmark::State& state) {
  const auto orders = static_cast<std::uint64_t>(state.range(0));
  BenchDir dir;
  {
    auto j = open_journal(dir.file());
    for (std::uint64_t seq = 1; seq <= orders; ++seq) {
      if (seq % 10 == 0) {  // a tenth still working
        if (!j->write_intent(make_intent(seq)).ok()) std::abort();
        j->record(make_event(seq, OrderPhase::working));
      } else {
        journal_order(*j, seq);
      }
    }
    if (!j->flush().ok()) std::abort();
  }
  std::size_t live = 0;
  for (auto _ : state) {
    auto j = open_journal(dir.file());
    auto s = j->load();
    if (!s.ok()) {
      state.SkipWithError("load failed");
      break;
    }
    live = s->orders.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["live_orders"] = static_cast<double>(live);
}
BENCHMARK(BM_OpenAndLoad)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

std::string filesystem_type(const std::filesystem::path& p) {
  struct statfs s {};
  if (::statfs(p.c_str(), &s) != 0) return "unknown";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0x01021994UL:
      return "tmpfs";
    case 0xEF53UL:
      return "ext2/3/4";
    case 0x58465342UL:
      return "xfs";
    case 0x9123683EUL:
      return "btrfs";
    case 0x794c7630UL:
      return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(s.f_type));
      return buf;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const auto root = bench_root();
  benchmark::AddCustomContext("journal_dir", root.string());
  benchmark::AddCustomContext("journal_fs", filesystem_type(root));
  benchmark::AddCustomContext("sqlite", SQLite::VERSION);
  benchmark::AddCustomContext("schema_version", std::to_string(schema_version()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
