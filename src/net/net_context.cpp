#include "net/net_context.hpp"

#include "net/detail/asio_context.hpp"

namespace nzeza::net {

NetContext::NetContext() : impl_(std::make_unique<Impl>()) {}

NetContext::~NetContext() {
  stop();
}

void NetContext::start() {
  if (impl_->thread.joinable()) return;
  impl_->io.restart();
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->loop_id.store(std::this_thread::get_id());
    impl->io.run();
    impl->loop_id.store(std::thread::id{});
  });
}

void NetContext::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

bool NetContext::running() const noexcept {
  return impl_->thread.joinable();
}

bool NetContext::on_loop_thread() const noexcept {
  return impl_->loop_id.load() == std::this_thread::get_id();
}

}  // namespace nzeza::net
