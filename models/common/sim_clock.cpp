#include "models/common/sim_clock.hpp"

#include <vector>

#include <simgrid/s4u/Engine.hpp>

namespace foliosim {

namespace {

std::vector<std::function<void()>>& advance_hooks() {
  static std::vector<std::function<void()>> hooks;
  return hooks;
}

void connect_once() {
  static bool connected = false;
  if (connected) return;
  // The engine's signal is global and keeps its callbacks in the order they
  // were connected: this one sets the copy before any hook reads it.
  simgrid::s4u::Engine::on_time_advance_cb([](double) {
    detail::engine_now_s = simgrid::s4u::Engine::get_clock();
    for (const auto& hook : advance_hooks()) hook();
  });
  connected = true;
}

}  // namespace

void follow_engine_clock() {
  connect_once();
  detail::engine_now_s = simgrid::s4u::Engine::get_clock();
}

void on_engine_clock_advance(std::function<void()> advanced) {
  connect_once();
  advance_hooks().push_back(std::move(advanced));
}

}  // namespace foliosim
