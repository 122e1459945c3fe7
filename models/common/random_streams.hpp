// One random stream per model (or per job), derived from the scenario seed and
// the stream's name, so adding a model never shifts another model's draws.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace foliosim {

// FNV-1a: a stable hash (std::hash may differ between library versions).
constexpr std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// splitmix64 finaliser: spreads nearby seeds over the whole state space.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of the stream `name`: also for a model that draws from hashes
// of its own keys instead of a stream.
constexpr std::uint64_t stream_seed(std::uint64_t scenario_seed, std::string_view name) {
  return mix64(scenario_seed ^ stable_hash(name));
}

// mt19937_64's output sequence is fixed by the C++ standard; use its raw
// output only (the std distributions differ between library versions).
inline std::mt19937_64 random_stream(std::uint64_t scenario_seed, std::string_view name) {
  return std::mt19937_64(stream_seed(scenario_seed, name));
}

}  // namespace foliosim
