// Journal's thread-safety contract: producers enqueue from several threads while another
// flushes and another writes intents; every record lands once, each producer's in its order.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "store/journal.hpp"
#include "unit/store/store_test_support.hpp"

namespace nzeza::store {
namespace {

using testing::at_ms;
using testing::intent;
using testing::TempDir;

TEST(JournalConcurrency, records_from_many_threads_land_once_each_in_their_producers_order) {
  TempDir dir;
  auto opened = Journal::open(dir.file());
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  Journal& j = **opened;
  constexpr int kProducers = 3;
  constexpr int kPerProducer = 3'000;
  constexpr std::uint64_t kIntents = 30;
  std::atomic<int> producing{kProducers};
  std::atomic<bool> intents_ok{true};

  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&j, &producing, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        AuditRecord a;
        a.at = at_ms(i);
        a.kind = "p" + std::to_string(p);
        a.text = std::to_string(i);
        j.record(std::move(a));
      }
      producing.fetch_sub(1);
    });
  }
  threads.emplace_back([&j, &intents_ok] {
    for (std::uint64_t seq = 1; seq <= kIntents; ++seq)
      if (!j.write_intent(intent(seq)).ok()) intents_ok = false;
  });
  threads.emplace_back([&j, &producing] {
    while (producing.load() > 0) (void)j.flush();
  });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(intents_ok.load());
  auto last = j.flush();
  ASSERT_TRUE(last.ok()) << last.error().to_string();

  auto lines = j.audit_since(Timestamp{}, kProducers * kPerProducer + 1);
  ASSERT_TRUE(lines.ok()) << lines.error().to_string();
  ASSERT_EQ(lines->size(), static_cast<std::size_t>(kProducers * kPerProducer));
  std::map<std::string, int> next;
  for (const auto& a : *lines) {
    ASSERT_EQ(a.text, std::to_string(next[a.kind])) << a.kind;
    ++next[a.kind];
  }
  EXPECT_EQ(j.last_sequence(), kIntents);
  const JournalStats s = j.stats();
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.written, static_cast<std::uint64_t>(kProducers * kPerProducer));
  EXPECT_EQ(s.intents, kIntents);
  EXPECT_EQ(s.failures, 0u);
}

}  // namespace
}  // namespace nzeza::store
