// The store actor on a manual clock and a manual dispatcher: it flushes on its timer, on
// FlushNow and on stop, answers its status, and reports a failed flush while keeping the records.
#include "store/store_actor.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "actor/actor.hpp"
#include "core/clock.hpp"
#include "unit/store/store_test_support.hpp"

namespace nzeza::store {
namespace {

using testing::at_ms;
using testing::TempDir;

AuditRecord line(const char* text) {
  AuditRecord a;
  a.at = at_ms(1);
  a.kind = "signal";
  a.text = text;
  return a;
}

struct StoreRig {
  TempDir dir;
  ManualClock clock;
  std::unique_ptr<Journal> journal = Journal::open(dir.file()).value();
  actor::ActorSystem system{clock, actor::ActorSystemOptions::with_threads(0)};
  std::vector<std::pair<Error, std::uint64_t>> failures;
  StoreActor::Ref store;

  StoreRig() {
    StoreActorOptions o;
    o.flush_every = std::chrono::milliseconds(50);
    o.on_flush_failed = [this](const Error& e, std::uint64_t n) { failures.emplace_back(e, n); };
    store = spawn_store_actor(system, *journal, o).value();
    system.dispatcher().poll();
  }
  void advance(Duration d) {
    clock.advance(d);
    system.dispatcher().poll();
  }
  Result<std::size_t> flush_now() {
    std::optional<Result<std::size_t>> out;
    store.ask(FlushNow{}, actor::kNoTimeout, [&](Result<std::size_t> r) { out = std::move(r); });
    system.dispatcher().poll();
    return std::move(out).value();
  }
  StoreStatus status() {
    std::optional<StoreStatus> out;
    store.ask(StoreStatusQuery{}, actor::kNoTimeout, [&](Result<StoreStatus> r) { out = *r; });
    system.dispatcher().poll();
    return out.value();
  }
  void rename_audit(const char* from, const char* to) {
    SQLite::Database raw(dir.file(), SQLite::OPEN_READWRITE);
    raw.exec(std::string("ALTER TABLE ") + from + " RENAME TO " + to);
  }
};

TEST(StoreActor, flushes_the_queue_flush_every_after_a_record_lands_in_an_empty_queue) {
  StoreRig rig;
  EXPECT_EQ(rig.clock.pending_timers(), 0u);  // idle: no timer at all
  rig.journal->record(line("one"));
  rig.system.dispatcher().poll();  // the wake-up arms the timer
  EXPECT_EQ(rig.clock.pending_timers(), 1u);
  rig.advance(std::chrono::milliseconds(49));
  EXPECT_EQ(rig.journal->stats().queued, 1u);
  rig.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(rig.journal->stats().queued, 0u);
  EXPECT_EQ(rig.journal->stats().flushes, 1u);
  EXPECT_EQ(rig.clock.pending_timers(), 0u);  // nothing left: no new round

  rig.journal->record(line("two"));
  rig.journal->record(line("three"));
  rig.system.dispatcher().poll();
  rig.advance(std::chrono::milliseconds(50));
  const StoreStatus s = rig.status();
  EXPECT_EQ(s.journal.queued, 0u);
  EXPECT_EQ(s.journal.flushes, 2u);
  EXPECT_EQ(s.journal.written, 3u);
  EXPECT_EQ(s.last_flush_records, 2u);
  EXPECT_EQ(s.last_flush_at, rig.clock.now());
  EXPECT_FALSE(s.last_error.has_value());
  EXPECT_TRUE(rig.failures.empty());
}

TEST(StoreActor, an_idle_period_writes_nothing_and_counts_no_flush) {
  StoreRig rig;
  rig.advance(std::chrono::milliseconds(200));
  const StoreStatus s = rig.status();
  EXPECT_EQ(s.journal.flushes, 0u);
  EXPECT_EQ(s.last_flush_records, 0u);
  EXPECT_EQ(s.last_flush_at, Timestamp{});
}

TEST(StoreActor, flush_now_answers_the_records_written_before_the_timer) {
  StoreRig rig;
  for (const char* t : {"a", "b", "c"}) rig.journal->record(line(t));
  auto n = rig.flush_now();
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, 3u);
  auto lines = rig.journal->audit_since(at_ms(0), 10);
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(lines->size(), 3u);
  auto again = rig.flush_now();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST(StoreActor, a_failed_flush_is_reported_keeps_its_records_and_the_next_tick_writes_them) {
  StoreRig rig;
  rig.journal->record(line("kept"));
  rig.rename_audit("audit", "audit_away");
  auto n = rig.flush_now();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find(rig.dir.file().string()), std::string::npos);
  rig.advance(std::chrono::milliseconds(50));  // the timer's flush fails too
  ASSERT_EQ(rig.failures.size(), 2u);
  EXPECT_EQ(rig.failures[0].second, 1u);
  EXPECT_EQ(rig.failures[1].second, 2u);
  StoreStatus s = rig.status();
  ASSERT_TRUE(s.last_error.has_value());
  EXPECT_EQ(s.last_error->message, rig.failures[1].first.message);
  EXPECT_EQ(s.consecutive_failures, 2u);
  EXPECT_EQ(s.journal.queued, 1u);
  EXPECT_EQ(s.journal.failures, 2u);

  rig.rename_audit("audit_away", "audit");
  rig.advance(std::chrono::milliseconds(50));
  s = rig.status();
  EXPECT_FALSE(s.last_error.has_value());
  EXPECT_EQ(s.consecutive_failures, 0u);
  EXPECT_EQ(s.journal.queued, 0u);
  EXPECT_EQ(s.last_flush_records, 1u);
  auto lines = rig.journal->audit_since(at_ms(0), 10);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].text, "kept");
}

TEST(StoreActor, a_graceful_stop_flushes_what_is_queued_and_cancels_its_timer) {
  StoreRig rig;
  rig.journal->record(line("last words"));
  rig.system.dispatcher().poll();
  ASSERT_EQ(rig.clock.pending_timers(), 1u);  // the store's flush timer
  rig.system.shutdown(actor::kNoTimeout);
  rig.system.dispatcher().poll();
  ASSERT_TRUE(rig.system.stopped());
  EXPECT_EQ(rig.journal->stats().queued, 0u);
  EXPECT_EQ(rig.journal->stats().flushes, 1u);
  EXPECT_EQ(rig.clock.pending_timers(), 0u);
  rig.advance(std::chrono::milliseconds(500));  // no tick reaches a stopped store
  EXPECT_EQ(rig.system.dead_letters(), 0u);
}

TEST(StoreActor, a_second_store_under_the_same_name_is_refused) {
  StoreRig rig;
  auto second = spawn_store_actor(rig.system, *rig.journal);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::already_exists);
}

TEST(StoreActor, the_journal_lives_in_the_data_dir_as_journal_sqlite) {
  EXPECT_EQ(journal_path("/var/lib/nzeza"), std::filesystem::path("/var/lib/nzeza/journal.sqlite"));
  EXPECT_EQ(journal_path("data"), std::filesystem::path("data") / "journal.sqlite");
}

}  // namespace
}  // namespace nzeza::store
