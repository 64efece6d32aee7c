// kill -9 at a random instant: every intent the writer reported durable is in the journal.
//
// A forked child opens the journal, writes intents (each preceded by queued records that ride in
// its commit) and reports each sequence on a pipe only after write_intent() returned. The parent
// SIGKILLs it once it has read a seeded number of reports — the child is somewhere in its next
// commit, or between commits — reads what else was reported before the pipe closed, reopens the
// journal (the dead connection's WAL is recovered) and checks every reported sequence. Twenty
// seeded rounds on the same file, so each child also resumes after the previous one's crash.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): kill, SIGKILL
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>

#include "store/journal.hpp"
#include "unit/store/store_test_support.hpp"

namespace nzeza::store {
namespace {

using testing::event;
using testing::fill;
using testing::intent;
using testing::TempDir;

constexpr int kRounds = 20;
constexpr int kPollGuardMs = 10'000;  // a child that stops reporting fails the test, never hangs it

// The child: never returns. Exit codes other than death by SIGKILL mean it failed on its own.
[[noreturn]] void child(const std::filesystem::path& file, int out) {
  auto j = Journal::open(file);
  if (!j.ok()) ::_exit(2);
  Journal& journal = **j;
  std::uint64_t seq = journal.last_sequence();
  for (int i = 0; i < 100'000; ++i) {
    if (seq > 0) {
      journal.record(event(seq, OrderPhase::working, static_cast<std::int64_t>(seq)));
      journal.record(fill("T" + std::to_string(seq), seq, static_cast<std::int64_t>(seq)));
    }
    ++seq;
    if (!journal.write_intent(intent(seq)).ok()) ::_exit(3);
    if (::write(out, &seq, sizeof seq) != static_cast<ssize_t>(sizeof seq)) ::_exit(4);
  }
  ::_exit(5);  // never killed: the parent stopped reading
}

// Reads one report; false at end of stream. A silent child past the guard fails the test.
bool read_report(int in, std::uint64_t& seq, bool& timed_out) {
  pollfd p{in, POLLIN, 0};
  const int ready = ::poll(&p, 1, kPollGuardMs);
  if (ready <= 0) {
    timed_out = true;
    return false;
  }
  std::size_t got = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&seq);
  while (got < sizeof seq) {
    const ssize_t n = ::read(in, bytes + got, sizeof seq - got);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    got += static_cast<std::size_t>(n);
  }
  return true;
}

TEST(JournalCrash, every_intent_reported_durable_survives_sigkill_at_twenty_seeded_points) {
  TempDir dir;
  const auto file = dir.file();
  std::mt19937_64 rng(0x5eed'0018);
  std::uniform_int_distribution<int> kill_after(1, 40);
  std::set<std::uint64_t> reported;
  std::uint64_t last_reported = 0;

  for (int round = 0; round < kRounds; ++round) {
    const int reports_before_kill = kill_after(rng);
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0) << std::strerror(errno);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << std::strerror(errno);
    if (pid == 0) {
      ::close(fds[0]);
      child(file, fds[1]);
    }
    ::close(fds[1]);

    int seen = 0;
    bool killed = false;
    bool timed_out = false;
    std::uint64_t seq = 0;
    while (read_report(fds[0], seq, timed_out)) {
      reported.insert(seq);
      last_reported = std::max(last_reported, seq);
      if (++seen == reports_before_kill) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
    if (!killed) ::kill(pid, SIGKILL);  // it stopped early or went silent: make sure it is gone
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_FALSE(timed_out) << "round " << round << ": the child went silent";
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "round " << round << ": the child ended on its own, status " << status;
    ASSERT_GE(seen, reports_before_kill) << "round " << round;

    auto j = Journal::open(file);
    ASSERT_TRUE(j.ok()) << "round " << round << ": " << j.error().to_string();
    EXPECT_GE((*j)->last_sequence(), last_reported) << "round " << round;
    auto orders = (*j)->orders_since(Timestamp{}, std::numeric_limits<std::size_t>::max());
    ASSERT_TRUE(orders.ok()) << orders.error().to_string();
    std::set<std::uint64_t> present;
    for (const auto& o : *orders) present.insert(o.intent.sequence);
    for (std::uint64_t s : reported)
      ASSERT_TRUE(present.count(s) == 1) << "round " << round << ": sequence " << s << " lost";
    // Sequences are never reused: the journal's intents are exactly 1..last, none skipped.
    EXPECT_EQ(present.size(), (*j)->last_sequence()) << "round " << round;
    // The records queued before each reported intent rode in its commit.
    auto state = (*j)->load();
    ASSERT_TRUE(state.ok()) << state.error().to_string();
    std::set<std::string> trades;
    for (const auto& f : state->fills) trades.insert(f.fill.trade_id);
    for (std::uint64_t s : reported) {
      if (s == 1) continue;
      EXPECT_EQ(trades.count("T" + std::to_string(s - 1)), 1u)
          << "round " << round << ": fill queued before intent " << s << " lost";
    }
  }
  EXPECT_GE(reported.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace nzeza::store
