// Without -DAMANAT_FUZZ=ON, each fuzz target is linked with this driver: it runs the
// target on every file of its seed corpus and on deterministic mutations of them, so the
// targets run under ASan/UBSan in every test run. For real coverage-guided fuzzing with AFL++,
// run scripts/fuzz.sh (see docs/testing.md).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::vector<std::uint8_t>> seeds;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::directory_iterator(p)) files.push_back(e.path());
    } else {
      files.push_back(p);
    }
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (seeds.empty()) seeds.emplace_back();
  std::mt19937_64 rng(20261122);
  std::size_t runs = 0;
  for (auto& s : seeds) {
    LLVMFuzzerTestOneInput(s.data(), s.size());
    ++runs;
    for (int m = 0; m < 2000; ++m) {
      std::vector<std::uint8_t> d = s;
      int edits = 1 + rng() % 4;
      for (int e = 0; e < edits; ++e) {
        switch (rng() % 4) {
          case 0: if (!d.empty()) d[rng() % d.size()] ^= 1u << (rng() % 8); break;
          case 1: if (!d.empty()) d.erase(d.begin() + rng() % d.size()); break;
          case 2: d.insert(d.begin() + (d.empty() ? 0 : rng() % d.size()), std::uint8_t(rng())); break;
          case 3: if (!d.empty()) d.resize(rng() % d.size()); break;
        }
      }
      LLVMFuzzerTestOneInput(d.data(), d.size());
      ++runs;
    }
  }
  std::printf("replayed %zu inputs from %zu seeds\n", runs, seeds.size());
  return 0;
}
