// Draws from a random stream's raw output, by transforms written here: the
// std:: distributions differ between library versions, and results must be
// byte-identical for a scenario and seed everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace foliosim {

// Uniform in (0, 1): the top 53 bits, centred in their interval (never 0 or 1).
inline double uniform_open01(std::uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53; }
inline double uniform_open01(std::mt19937_64& rng) { return uniform_open01(rng()); }

// Box-Muller's standard normal from two uniforms in (0, 1).
inline double box_muller(double u1, double u2) { return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2); }

// Standard normal, by Box-Muller (one of the pair: no state to carry).
inline double standard_normal(std::mt19937_64& rng) {
  const double u1 = uniform_open01(rng);
  const double u2 = uniform_open01(rng);
  return box_muller(u1, u2);
}

// Exponential of mean `mean`, by inversion.
inline double exponential(std::mt19937_64& rng, double mean) { return -mean * std::log(uniform_open01(rng)); }

// Lognormal factor of median 1 and shape `sigma`: exp(sigma * N(0, 1)). No
// draw when sigma is 0, so turning a spread off leaves the stream untouched.
inline double median_one_lognormal(std::mt19937_64& rng, double sigma) {
  return sigma > 0 ? std::exp(sigma * standard_normal(rng)) : 1.0;
}

}  // namespace foliosim
