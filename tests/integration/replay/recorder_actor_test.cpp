// RecorderActor on a manual dispatcher and clock: a feed that tells faster than the recorder
// drains loses the oldest events (counted), never waits; FlushTick makes the open file readable;
// stopping closes every file.

#include "replay/recorder_actor.hpp"

#include <gtest/gtest.h>

#include "actor/actor.hpp"
#include "replay/recording_reader.hpp"
#include "unit/replay/replay_test_support.hpp"

namespace nzeza::replay::testing {
namespace {

class Recorder : public ::testing::Test {
 protected:
  void SetUp() override { add_test_instruments(registry); }
  void TearDown() override {
    system.shutdown(std::chrono::seconds(1));
    for (int i = 0; i < 100 && !system.stopped(); ++i) {
      system.dispatcher().poll();
      clock.advance(std::chrono::milliseconds(100));
    }
  }

  RecorderActor::Self spawn(std::size_t capacity, bool timed) {
    holder = std::make_shared<RecorderActor::Self>();
    RecorderActor::Deps deps;
    deps.registry = &registry;
    deps.writer.dir = dir.path();
    deps.writer.frame_interval = std::chrono::hours(1);  // frames end on FlushTick or stop here
    if (timed) deps.self = holder;
    deps.flush_every = std::chrono::seconds(1);
    auto ref = system.spawn<RecorderActor>(recorder_spawn_options("recorder", capacity), [deps] {
      return std::make_unique<RecorderActor>(deps);
    });
    EXPECT_TRUE(ref.ok());
    *holder = ref.value();
    return ref.value();
  }

  MarketEvent tick(int i) {
    return trade(registry, Venue::binance, "BTCUSDT", at(i * 1000LL), "45000.5", "0.1", Side::buy,
                 std::to_string(i));
  }

  std::vector<std::string> ids_in(const fs::path& p) {
    auto reader = RecordingReader::open(p.string(), registry);
    EXPECT_TRUE(reader.ok()) << reader.error().to_string();
    std::vector<std::string> ids;
    if (!reader.ok()) return ids;
    for (const auto& e : read_all(**reader))
      ids.emplace_back(std::get<Trade>(e.body).trade_id.view());
    return ids;
  }

  RecordingWriterStats stats(const RecorderActor::Self& ref) {
    std::optional<RecordingWriterStats> out;
    ref.ask(RecorderStatsQuery{}, std::chrono::seconds(5), [&](Result<RecordingWriterStats> r) {
      if (r) out = *r;
    });
    for (int i = 0; i < 10 && !out; ++i) system.dispatcher().poll();
    EXPECT_TRUE(out.has_value());
    return out.value_or(RecordingWriterStats{});
  }

  fs::path hour_file() const {
    return RecordingWriter::hour_path(dir.path(), Venue::binance, at(0));
  }

  TempDir dir;
  InstrumentRegistry registry;
  std::shared_ptr<RecorderActor::Self> holder;  // what the actor's FlushTick timer tells through
  ManualClock clock{at(0)};
  actor::ActorSystem system{clock, actor::ActorSystemOptions::with_threads(0)};
};

TEST_F(Recorder, a_full_mailbox_drops_the_oldest_events_and_counts_them_without_refusing_a_tell) {
  auto ref = spawn(4, false);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(ref.tell(RecordEvent{tick(i)}).ok()) << i;
  EXPECT_EQ(ref.metrics().dropped, 6u);
  system.dispatcher().poll();
  EXPECT_EQ(stats(ref).written, 4u);

  system.shutdown(std::chrono::seconds(1));
  for (int i = 0; i < 10 && !system.stopped(); ++i) system.dispatcher().poll();
  ASSERT_TRUE(system.stopped());
  EXPECT_EQ(ids_in(hour_file()), (std::vector<std::string>{"6", "7", "8", "9"}));
}

TEST_F(Recorder, a_flush_tick_ends_the_frame_so_the_open_file_reads_back_while_recording) {
  auto ref = spawn(1024, true);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ref.tell(RecordEvent{tick(i)}).ok());
  system.dispatcher().poll();
  ASSERT_EQ(stats(ref).written, 3u);
  EXPECT_EQ(stats(ref).frames, 0u);  // still in the compressor

  clock.advance(std::chrono::seconds(1));  // the FlushTick timer fires...
  system.dispatcher().poll();              // ...and the actor ends the frame
  EXPECT_EQ(stats(ref).frames, 1u);
  EXPECT_EQ(ids_in(hour_file()), (std::vector<std::string>{"0", "1", "2"}));

  ASSERT_TRUE(ref.tell(RecordEvent{tick(3)}).ok());
  system.dispatcher().poll();
  clock.advance(std::chrono::seconds(1));
  system.dispatcher().poll();
  EXPECT_EQ(ids_in(hour_file()), (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST_F(Recorder, stopping_the_recorder_closes_its_files_with_every_event_it_took) {
  auto ref = spawn(1024, true);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(ref.tell(RecordEvent{tick(i)}).ok());
  system.shutdown(std::chrono::seconds(1));
  for (int i = 0; i < 10 && !system.stopped(); ++i) system.dispatcher().poll();
  ASSERT_TRUE(system.stopped());
  EXPECT_EQ(ids_in(hour_file()).size(), 50u);
  EXPECT_EQ(ref.metrics().dropped, 0u);
}

}  // namespace
}  // namespace nzeza::replay::testing
