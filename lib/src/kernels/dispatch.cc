// Chooses the kernel set: the best this CPU supports, or the one forced by KVSIM_KERNELS or
// ForceKernels (--kernels).
#include <cpuid.h>

#include <atomic>
#include <cstdlib>

#include "kvsim/error.h"
#include "kvsim/kernels.h"
#include "isa_kernels.h"

namespace kvsim {
namespace {

struct Candidate {
  const char* name;
  const Kernels* (*get)();
  bool (*supported)();
};

bool Always() { return true; }

// F16C from CPUID (leaf 1, ECX bit 29): clang's __builtin_cpu_supports does not know "f16c".
bool HasF16c() {
  unsigned a, b, c, d;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
}
const Kernels* Scalar() { return &ScalarKernels(); }

bool HasAvx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}

// AVX512_VBMI, GFNI and AVX512_VNNI from CPUID (leaf 7, ECX bits 1, 8 and 11).
bool HasIcl() {
  unsigned a, b, c, d;
  if (!HasAvx512() || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (c & (1u << 1)) != 0 && (c & (1u << 8)) != 0 && (c & (1u << 11)) != 0;
}

// Best last.
const std::vector<Candidate>& Candidates() {
  static const std::vector<Candidate> kAll = {
      {"scalar", Scalar, Always},
      {"sse4", Sse4Kernels, [] { return __builtin_cpu_supports("sse4.2") != 0; }},
      {"avx2",
       Avx2Kernels,
       [] {
         return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                HasF16c();
       }},
      {"avx512", Avx512Kernels, HasAvx512},
      {"avx512icl", Avx512IclKernels, HasIcl},
  };
  return kAll;
}

std::atomic<const Kernels*> g_active{nullptr};

}  // namespace

std::vector<std::string> AvailableKernels() {
  std::vector<std::string> names;
  for (const auto& c : Candidates()) {
    if (c.get() != nullptr && c.supported()) names.push_back(c.name);
  }
  return names;
}

const Kernels* FindKernels(const std::string& name) {
  for (const auto& c : Candidates()) {
    if (name == c.name && c.get() != nullptr && c.supported()) return c.get();
  }
  return nullptr;
}

void ForceKernels(const std::string& name) {
  const Kernels* k = FindKernels(name);
  if (k == nullptr) {
    std::string list;
    for (const auto& n : AvailableKernels()) list += (list.empty() ? "" : ", ") + n;
    throw Error("kernels '" + name + "' are not available on this machine (available: " + list + ")");
  }
  g_active.store(k);
}

const Kernels& ActiveKernels() {
  const Kernels* k = g_active.load();
  if (k != nullptr) return *k;
  if (const char* env = std::getenv("KVSIM_KERNELS"); env != nullptr && *env != '\0') {
    ForceKernels(env);
  } else {
    g_active.store(FindKernels(AvailableKernels().back()));
  }
  return *g_active.load();
}

}  // namespace kvsim
