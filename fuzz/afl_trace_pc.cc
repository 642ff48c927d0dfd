// AFL++ coverage without AFL++'s compiler (fuzz builds with plain g++, see CMakeLists.txt).
//
// With -fsanitize-coverage=trace-pc, GCC calls __sanitizer_cov_trace_pc() at the start of every
// basic block. Here each block's address (relative to this function, so the same in every run
// whatever ASLR does) is hashed to a block id below AFL++'s 64 KiB map, and handed to AFL++'s
// runtime (afl-compiler-rt.o), whose __afl_trace() records the edge from the previous block the
// way AFL's classic instrumentation does and which afl-fuzz resets between persistent runs.
#include <cstdint>

extern "C" void __afl_trace(std::uint32_t block_id);

extern "C" __attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  auto offset = static_cast<std::uint64_t>(pc - reinterpret_cast<std::uintptr_t>(&__sanitizer_cov_trace_pc));
  __afl_trace(static_cast<std::uint32_t>((offset * 0x9E3779B97F4A7C15ull) >> 48));  // < 65536
}
