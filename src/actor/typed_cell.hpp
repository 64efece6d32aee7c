#pragma once
// TypedCell<Ms...>: an actor's bounded mailbox for exactly the messages Ms, with the overflow
// policies of MailboxOptions. The hot path is one short critical section per push and one per
// batch of up to kMaxBatch messages taken by the actor's turn.
//
// The hand-off slot: a message sent to an idle actor with nothing queued does not enter the ring.
// It waits in `handoff_`, and the turn that send starts handles it in place, without the lock, a
// ring slot or a batch — so a request/response chain (ping-pong, ask and reply) costs one lock
// per message for the push and one for the end of the turn. It is the oldest message of the
// mailbox (the ring was empty and stays behind it), counts against the capacity until its turn
// takes it, and is dropped with the rest on a kill or a stop. Mailboxes whose policy drops or
// replaces queued messages (drop_oldest, conflate) never use it.

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <typeindex>
#include <unordered_map>
#include <variant>
#include <vector>

#include "actor/ask_state.hpp"
#include "actor/cell.hpp"
#include "actor/messages.hpp"
#include "actor/seq_ring.hpp"
#include "actor/system_core.hpp"

namespace nzeza::actor {

template <typename M>
using SlotOf = std::conditional_t<Request<M>, AskSlot<M>, M>;

template <typename... Ms>
class TypedCell : public CellBase {
  static_assert(sizeof...(Ms) > 0, "an actor accepts at least one message type");
  static_assert(distinct_v<Ms...>, "an actor's message list names a type twice");

 public:
  using Envelope = std::variant<std::monostate, SlotOf<Ms>...>;
  static constexpr std::size_t kMaxBatch = 64;

  explicit TypedCell(CellInit init)
      : CellBase(init), ring_(std::min<std::size_t>(init.options.mailbox.capacity, 64)) {
    const MailboxOptions& mo = init.options.mailbox;
    const std::array<std::type_index, sizeof...(Ms)> types{std::type_index(typeid(Ms))...};
    for (std::size_t i = 0; i < types.size(); ++i) {
      rules_[i].policy = mo.policy;
      for (const auto& r : mo.rules) {
        if (r.type != types[i]) continue;
        rules_[i].policy = r.policy;
        rules_[i].key = r.key;
      }
      if (rules_[i].key) any_conflate_ = true;
      // Dropping or replacing a queued message must reach every queued message; the hand-off
      // slot is out of the ring's reach, so such mailboxes queue everything in the ring.
      if (rules_[i].key || rules_[i].policy == OverflowPolicy::drop_oldest ||
          rules_[i].policy == OverflowPolicy::conflate)
        handoff_ok_ = false;
    }
    batch_.reserve(kMaxBatch);
  }

  // Offers a message of type M. Moves from `slot` only when it is accepted. The common cases
  // take the lock once: an idle actor with nothing queued gets the message in its hand-off slot;
  // otherwise a message with room and no conflation key goes to the back of the ring. The rest
  // (a full mailbox, a conflation key) is decided again from scratch by offer_slow.
  template <typename M>
  Offer offer(SlotOf<M>& slot, std::uint64_t* epoch = nullptr) {
    constexpr std::size_t kI = index_of<M, Ms...>();
    bool wake = false;
    bool slow = false;
    {
      std::lock_guard lock(mu_);
      if (!accepting_) return Offer::dead;
      if (!scheduled_ && user_runnable_ && handoff_ok_ && live() == 0 &&
          !handoff_full_.load(std::memory_order_relaxed)) {
        handoff_.template emplace<kI + 1>(std::move(slot));
        handoff_full_.store(true, std::memory_order_relaxed);
        scheduled_ = true;
        wake = true;
      } else if ((!any_conflate_ || !rules_[kI].key) && live() + handoff_count() < capacity_) {
        ring_.push_with([&slot](Envelope& e) { e.template emplace<kI + 1>(std::move(slot)); });
        set_live(live() + 1);
        if (!scheduled_ && user_runnable_) {
          scheduled_ = true;
          wake = true;
        }
      } else {
        slow = true;
      }
    }
    if (slow) return offer_slow<M>(slot, epoch);
    if (wake) schedule();
    return Offer::accepted;
  }

 protected:
  // The turn's user part, for BehaviorCell's drain_user: `handle(Envelope&)` runs one message
  // through the behaviour (inlined there, no virtual call per message) and may throw: the
  // failure is the actor's.
  template <typename Handler>
  bool drain_with(std::size_t budget, Handler&& handle) {
    std::size_t done = 0;
    bool failed = false;
    bool emptied = false;  // the last refill left the ring empty: finish_run re-checks
    if (handoff_full_.load(std::memory_order_relaxed)) {
      if (kill_flag_.load(std::memory_order_relaxed)) return false;  // a kill overtakes it
      // Messages queued behind it since it was sent are taken now, as the first batch of the
      // turn would have taken them (the same batches, so the same interleaving, as without it).
      const std::size_t behind = std::min(budget, kMaxBatch) - 1;
      if (behind > 0 && live() > 0) {
        emptied = refill(behind, true);
      } else {
        handoff_full_.store(false, std::memory_order_relaxed);
        handoff_taken_ = true;  // finish_run tells parked senders
        emptied = live() == 0;
      }
      failed = handle_one(handoff_, handle);
      handoff_.template emplace<0>();
      if (!failed) ++done;
    }
    while (!failed && done < budget) {
      if (batch_pos_ == batch_.size()) {
        if (emptied) break;  // saves a lock round trip per turn in request/response chains
        emptied = refill(std::min(budget - done, kMaxBatch), false);
        if (batch_.empty()) break;
      }
      if (kill_flag_.load(std::memory_order_relaxed)) break;  // a kill overtakes the batch
      failed = handle_one(batch_[batch_pos_++], handle);
      if (!failed) ++done;
    }
    batch_left_ = batch_.size() - batch_pos_;
    // Only this cell's turns write `processed` and they never overlap: a relaxed load and store
    // (no locked RMW on every turn) keep it exact and race-free.
    if (done > 0)
      metrics_->processed.store(metrics_->processed.load(std::memory_order_relaxed) + done,
                                std::memory_order_relaxed);
    return failed;
  }

  std::size_t discard_user() final {
    std::vector<Envelope> dropped;
    {
      std::lock_guard lock(mu_);
      if (handoff_full_.load(std::memory_order_relaxed)) {  // the oldest
        dropped.push_back(std::move(handoff_));
        handoff_.template emplace<0>();
        handoff_full_.store(false, std::memory_order_relaxed);
      }
      while (pop_live_locked(dropped)) {
      }
      conflate_.clear();
    }
    for (std::size_t i = batch_pos_; i < batch_.size(); ++i)
      dropped.push_back(std::move(batch_[i]));
    batch_.clear();
    batch_pos_ = 0;
    batch_left_ = 0;
    for (auto& e : dropped)
      fail_ask(e, ErrorCode::unavailable,
               "actor '" + name() + "' stopped before handling the request");
    metrics_->dead_letters.fetch_add(dropped.size(), std::memory_order_relaxed);
    return dropped.size();
  }

 private:
  struct Rule {
    OverflowPolicy policy = OverflowPolicy::reject;
    MailboxOptions::KeyFn key;
  };
  struct ConflateKey {
    std::size_t index;
    std::uint64_t key;
    bool operator==(const ConflateKey&) const = default;
  };
  struct ConflateHash {
    std::size_t operator()(const ConflateKey& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.key * 0x9E3779B97F4A7C15ULL + k.index);
    }
  };

  static void fail_ask(Envelope& e, ErrorCode code, const std::string& why) {
    std::visit(
        [&](auto& item) {
          using T = std::decay_t<decltype(item)>;
          if constexpr (is_ask_slot_v<T>) {
            if (item.state) {
              auto st = std::move(item.state);
              st->complete(Error(code, why));
            }
          }
        },
        e);
  }

  [[nodiscard]] std::size_t handoff_count() const noexcept {
    return handoff_full_.load(std::memory_order_relaxed) ? 1 : 0;
  }

  // The full or conflating offer: the lock is taken again and everything decided afresh.
  template <typename M>
  [[gnu::noinline]] Offer offer_slow(SlotOf<M>& slot, std::uint64_t* epoch) {
    constexpr std::size_t kI = index_of<M, Ms...>();
    const Rule& rule = rules_[kI];
    Envelope evicted;  // destroyed after the lock is released (it may complete an ask)
    bool wake = false;
    bool dropped = false;
    bool conflated = false;
    {
      std::lock_guard lock(mu_);
      if (!accepting_) return Offer::dead;
      if (rule.key) {
        const std::uint64_t key = rule.key(&slot);
        // An index entry outlives its message (entries are never erased, so a steady stream
        // of conflated messages allocates nothing): it is live only while its sequence is still
        // queued and its slot was not emptied.
        auto it = conflate_.find(ConflateKey{kI, key});
        if (it != conflate_.end() && queued_locked(it->second)) {
          Envelope& old = ring_.at(it->second);
          evicted = std::move(old);
          old.template emplace<0>();
          set_live(live() - 1);
          conflated = true;
        } else if (live() >= capacity_) {
          pop_live_locked(evicted);
          dropped = true;
        }
        const std::uint64_t seq =
            ring_.push(Envelope(std::in_place_index<kI + 1>, std::move(slot)));
        if (it != conflate_.end())
          it->second = seq;
        else
          conflate_.emplace(ConflateKey{kI, key}, seq);
        set_live(live() + 1);
        if (ring_.span() > 2 * live() + 64) compact_locked();
      } else if (live() + handoff_count() < capacity_) {
        ring_.push(Envelope(std::in_place_index<kI + 1>, std::move(slot)));
        set_live(live() + 1);
      } else {
        switch (rule.policy) {
          case OverflowPolicy::reject:
            return Offer::rejected;
          case OverflowPolicy::block:
            if (epoch != nullptr) *epoch = space_epoch_;
            return Offer::full;
          case OverflowPolicy::drop_oldest:
          case OverflowPolicy::conflate:  // no key for this type: behaves as drop_oldest
            pop_live_locked(evicted);     // (no hand-off in such a mailbox)
            dropped = true;
            ring_.push(Envelope(std::in_place_index<kI + 1>, std::move(slot)));
            set_live(live() + 1);
            break;
        }
      }
      if (!scheduled_ && user_runnable_) {
        scheduled_ = true;
        wake = true;
      }
    }
    if (dropped) {
      metrics_->dropped.fetch_add(1, std::memory_order_relaxed);
      fail_ask(evicted, ErrorCode::rejected, "dropped from a full mailbox (drop oldest)");
    }
    if (conflated) metrics_->conflated.fetch_add(1, std::memory_order_relaxed);
    if (wake) schedule();
    return Offer::accepted;
  }

  // Takes up to `want` queued messages into the batch (and, with `took_handoff`, marks the
  // hand-off taken under the same lock); true when the ring is left empty.
  bool refill(std::size_t want, bool took_handoff) {
    batch_.clear();
    batch_pos_ = 0;
    std::vector<UniqueFunction<void()>> waiters;
    bool emptied = false;
    {
      std::lock_guard lock(mu_);
      while (batch_.size() < want && pop_live_locked(batch_)) {
      }
      emptied = live() == 0;
      if (took_handoff) handoff_full_.store(false, std::memory_order_relaxed);
      if (!batch_.empty() || took_handoff || handoff_taken_) {
        handoff_taken_ = false;
        ++space_epoch_;
        if (!space_waiters_.empty()) waiters.swap(space_waiters_);
      }
    }
    for (auto& w : waiters) w();
    return emptied;
  }

  // One message through the behaviour, timed one time in kSampleEvery. True when it failed
  // (the reason in failure_; an ask it carried is answered with the failure).
  template <typename Handler>
  [[gnu::always_inline]] bool handle_one(Envelope& env, Handler& handle) {
    const bool sample = (++sample_tick_ & (kSampleEvery - 1)) == 0;
    const auto t0 =
        sample ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    bool failed = false;
    try {
      handle(env);
    } catch (const std::exception& e) {
      failure_ = e.what();
      failed = true;
    } catch (...) {
      failure_ = "non-std exception";
      failed = true;
    }
    if (sample) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      metrics_->record_processing(static_cast<std::uint64_t>(ns));
    }
    if (failed)
      fail_ask(env, ErrorCode::internal,
               "actor '" + name() + "' failed handling the request: " + failure_);
    return failed;
  }

  // Moves the oldest live message out of the ring (into `out`). Lock held.
  bool pop_live_locked(Envelope& out) {
    while (!ring_.empty()) {
      const std::uint64_t seq = ring_.head();
      Envelope& e = ring_.front();
      ring_.pop_front();
      if (e.index() == 0) continue;  // a slot emptied by conflation
      if (any_conflate_) unindex_locked(e, seq);
      out = std::move(e);
      e.template emplace<0>();
      set_live(live() - 1);
      return true;
    }
    return false;
  }
  bool pop_live_locked(std::vector<Envelope>& out) {
    while (!ring_.empty()) {
      const std::uint64_t seq = ring_.head();
      Envelope& e = ring_.front();
      ring_.pop_front();
      if (e.index() == 0) continue;
      if (any_conflate_) unindex_locked(e, seq);
      out.push_back(std::move(e));
      e.template emplace<0>();
      set_live(live() - 1);
      return true;
    }
    return false;
  }

  // Index entries stay (see offer): a popped message's entry is stale by its sequence.
  void unindex_locked(const Envelope& /*e*/, std::uint64_t /*seq*/) {}
  [[nodiscard]] bool queued_locked(std::uint64_t seq) const {
    return seq >= ring_.head() && seq < ring_.tail() && ring_.at(seq).index() != 0;
  }

  std::uint64_t key_of(const Envelope& e) const {
    return std::visit(
        [&](const auto& item) -> std::uint64_t {
          using T = std::decay_t<decltype(item)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return 0;
          } else {
            return rules_[e.index() - 1].key(&item);
          }
        },
        e);
  }

  // Squeezes out the holes conflation left, re-indexing the conflated keys. Lock held.
  void compact_locked() {
    SeqRing<Envelope> fresh(live() + 16);
    // The new ring numbers from its own start: every old index entry becomes stale (kept, so
    // the keys need no new nodes).
    for (auto& entry : conflate_) entry.second = UINT64_MAX;
    while (!ring_.empty()) {
      Envelope& e = ring_.front();
      ring_.pop_front();
      if (e.index() == 0) continue;
      const std::size_t i = e.index() - 1;
      const bool keyed = static_cast<bool>(rules_[i].key);
      const std::uint64_t key = keyed ? key_of(e) : 0;
      const std::uint64_t seq = fresh.push(std::move(e));
      if (keyed) conflate_[ConflateKey{i, key}] = seq;
    }
    ring_ = std::move(fresh);
  }

  // First, so they share CellBase's hot line with mu_ (see there); the two flags are constant.
  SeqRing<Envelope> ring_;  // mu_
  bool any_conflate_ = false;
  bool handoff_ok_ = true;
  // The hand-off slot: written under mu_ by the sender that found the actor idle (handoff_full_
  // false, not scheduled), then only by the turn that send started.
  alignas(64) Envelope handoff_;
  alignas(64) std::array<Rule, sizeof...(Ms)> rules_{};
  std::unordered_map<ConflateKey, std::uint64_t, ConflateHash> conflate_;  // mu_
  std::vector<Envelope> batch_;                                            // own turn only
  std::size_t batch_pos_ = 0;  // own turn only (read under mu_ by the turn itself)
  std::uint32_t sample_tick_ = 0;
};

}  // namespace nzeza::actor
