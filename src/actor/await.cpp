#include "actor/await.hpp"

namespace nzeza::actor {
namespace asio = boost::asio;

namespace {
struct SpaceInitiation {
  std::shared_ptr<CellBase> cell;
  std::uint64_t epoch;
  template <typename Handler>
  void operator()(Handler handler) {
    cell->when_space(epoch, [h = std::move(handler)]() mutable {
      auto ex = asio::get_associated_executor(h);
      asio::post(ex, std::move(h));
    });
  }
};
}  // namespace

asio::awaitable<void> space_after(std::shared_ptr<CellBase> cell, std::uint64_t epoch) {
  SpaceInitiation initiation{std::move(cell), epoch};
  auto op = asio::async_initiate<const asio::use_awaitable_t<>&, void()>(std::move(initiation),
                                                                         asio::use_awaitable);
  co_await std::move(op);
}

}  // namespace nzeza::actor
