#pragma once
// BehaviorCell<B>: binds a behaviour type B to its typed mailbox. B is a plain class:
//
//   struct Counter {
//     using Messages = actor::Messages<Add, Get>;        // Get has `using Reply = int;`
//     void on(Add& m, actor::ActorContext& ctx);           // one handler per told type
//     int on(Get& q, actor::ActorContext& ctx);            // a request returns its Reply (or a
//                                                          // Result<Reply>), or takes a
//     // void on(Get& q, actor::Promise<int> p, actor::ActorContext& ctx);  to answer later
//     void on_start(actor::ActorContext& ctx);             // optional
//     void on_stop(actor::ActorContext& ctx);              // optional
//   };
//
// Each (re)start builds a fresh B from the factory, so a restart resets all state.

#include <functional>
#include <memory>
#include <stdexcept>

#include "actor/typed_cell.hpp"

namespace nzeza::actor {

template <typename B>
using Factory = std::function<std::unique_ptr<B>()>;

template <typename B, typename List = typename B::Messages>
class BehaviorCell;

template <typename B, typename... Ms>
class BehaviorCell<B, Messages<Ms...>> final : public TypedCell<Ms...> {
  using Base = TypedCell<Ms...>;

 public:
  BehaviorCell(CellInit init, Factory<B> factory)
      : Base(std::move(init)), factory_(std::move(factory)) {}

 protected:
  void create_behavior() override {
    behavior_ = factory_();
    if (!behavior_) throw std::runtime_error("factory returned no behaviour");
    if constexpr (requires(B & b, ActorContext & c) { b.on_start(c); })
      behavior_->on_start(this->context());
  }
  void destroy_behavior() noexcept override { behavior_.reset(); }
  [[nodiscard]] bool has_behavior() const noexcept override { return behavior_ != nullptr; }
  void call_on_stop() override {
    if constexpr (requires(B & b, ActorContext & c) { b.on_stop(c); })
      behavior_->on_stop(this->context());
  }

  bool drain_user(std::size_t budget) override {
    return this->drain_with(budget, [this](typename Base::Envelope& env) { handle(env); });
  }

 private:
  void handle(typename Base::Envelope& env) {
    std::visit(
        [this](auto& item) {
          using T = std::decay_t<decltype(item)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
          } else if constexpr (is_ask_slot_v<T>) {
            answer(item);
          } else {
            static_assert(
                requires(B & b, T & m, ActorContext & c) { b.on(m, c); },
                "the behaviour lacks `void on(M&, ActorContext&)` for a message it "
                "declares");
            behavior_->on(item, this->context());
          }
        },
        env);
  }

  template <typename Req>
  void answer(AskSlot<Req>& slot) {
    using R = typename Req::Reply;
    ActorContext& ctx = this->context();
    if constexpr (requires(B & b, Req & q, Promise<R> p, ActorContext & c) {
                    b.on(q, std::move(p), c);
                  }) {
      behavior_->on(slot.request, Promise<R>(std::move(slot.state), this->metrics_ptr()), ctx);
    } else {
      static_assert(
          requires(B & b, Req & q, ActorContext & c) {
            { b.on(q, c) } -> std::convertible_to<Result<R>>;
          },
          "the behaviour lacks `Reply on(Req&, ActorContext&)` (or the Promise form) "
          "for a request it declares");
      Result<R> reply = behavior_->on(slot.request, ctx);
      auto state = std::move(slot.state);
      if (state && !state->complete(std::move(reply)))
        this->metrics().late_replies.fetch_add(1, std::memory_order_relaxed);
    }
  }

  Factory<B> factory_;
  std::unique_ptr<B> behavior_;
};

}  // namespace nzeza::actor
