#include "sim/engine/interruption.hpp"

#include <csignal>
#include <cstring>
#include <string>

namespace foliosim {
namespace {

volatile std::sig_atomic_t received_signal = 0;

extern "C" void note_signal(int signal_number) { received_signal = signal_number; }

}  // namespace

Interrupted::Interrupted(int signal_number)
    : std::runtime_error(std::string("interrupted by ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM")),
      signal_number_(signal_number) {}

void catch_interruptions() {
  struct sigaction action {};
  action.sa_handler = note_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and looks at the signal
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interruption_signal() { return received_signal; }

void throw_if_interrupted() {
  if (received_signal != 0) throw Interrupted(received_signal);
}

void restore_default_signal_actions() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace foliosim
