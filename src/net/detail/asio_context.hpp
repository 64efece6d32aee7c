#pragma once
// Private to src/net/*.cpp: the Asio side of NetContext. Never include from a public header.

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "net/net_context.hpp"

namespace nzeza::net {

struct NetContext::Impl {
  boost::asio::io_context io{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;
  std::atomic<std::thread::id> loop_id{};
};

inline boost::asio::io_context& io_of(NetContext& ctx) noexcept {
  return ctx.impl().io;
}

}  // namespace nzeza::net
