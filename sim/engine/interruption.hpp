// SIGINT and SIGTERM stop a run cleanly: the handler only notes the signal;
// the waiting loop and the results writer look at it, kill the simulation
// child and throw Interrupted, whose unwinding removes the temporary results.
#pragma once

#include <stdexcept>

namespace foliosim {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal_number);
  int signal_number() const { return signal_number_; }

 private:
  int signal_number_;
};

// Installs the handlers (once, in main).
void catch_interruptions();

// The signal received since catch_interruptions(), 0 if none.
int interruption_signal();

// Throws Interrupted when a signal was received.
void throw_if_interrupted();

// In a forked child: the default actions again, so a signal stops it at once.
void restore_default_signal_actions();

}  // namespace foliosim
