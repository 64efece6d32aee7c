#pragma once
// Coroutine senders for the actor runtime (Boost.Asio C++20 coroutines). Include only where a
// coroutine talks to actors: this header pulls in Asio's awaitable machinery.
//
//   Status st = co_await actor::send(ref, Quote{...});        // waits while a block-policy
//                                                             // mailbox is full
//   Result<int> n = co_await actor::ask(ref, Get{}, 2s);      // reply or ErrorCode::timeout
//
// Neither cancels anything on timeout: the wait for space is a callback from the mailbox, and
// the ask timeout is a clock timer (DESIGN §6: never cancel an Asio 1.81 channel receive).

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "actor/actor.hpp"

namespace nzeza::actor {

// Completes (on the coroutine's executor) once `cell` may have room again since `epoch`.
boost::asio::awaitable<void> space_after(std::shared_ptr<CellBase> cell, std::uint64_t epoch);

template <typename M, typename... Ms>
boost::asio::awaitable<Status> send(ActorRef<Ms...> ref, M m) {
  static_assert(ActorRef<Ms...>::template accepts_tell<M>,
                "actor::send: the actor does not accept this message type");
  if (!ref) co_return ref.tell(std::move(m));
  // g++ 12 mishandles temporaries inside a co_await operand: await only on named locals.
  std::shared_ptr<CellBase> cell = ref.cell();
  for (;;) {
    std::uint64_t epoch = 0;
    const Offer o = ref.cell()->template offer<M>(m, &epoch);
    if (o != Offer::full) co_return ref.cell()->settle(o, type_name<M>());
    auto wait = space_after(cell, epoch);
    co_await std::move(wait);
  }
}

namespace detail {
template <typename Ref, typename Req>
struct AskInitiation {
  Ref ref;
  Duration timeout;
  template <typename Handler>
  void operator()(Handler handler, Req request) {
    using R = typename Req::Reply;
    ref.ask(std::move(request), timeout, [h = std::move(handler)](Result<R> r) mutable {
      auto ex = boost::asio::get_associated_executor(h);
      boost::asio::post(
          ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
    });
  }
};
}  // namespace detail

template <typename Req, typename... Ms>
boost::asio::awaitable<Result<typename Req::Reply>> ask(ActorRef<Ms...> ref, Req request,
                                                        Duration timeout) {
  using R = typename Req::Reply;
  static_assert(ActorRef<Ms...>::template accepts_ask<Req>,
                "actor::ask: the actor does not accept this request type");
  detail::AskInitiation<ActorRef<Ms...>, Req> initiation{ref, timeout};
  auto op = boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Result<R>)>(
      std::move(initiation), boost::asio::use_awaitable, std::move(request));
  Result<R> r = co_await std::move(op);
  co_return r;
}

}  // namespace nzeza::actor
