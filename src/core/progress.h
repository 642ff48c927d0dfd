// Progress display for long work (export, verification, imports): a single self-overwriting
// line on stderr, redrawn at most ten times a second, and only when stderr is a terminal, so
// logs and pipes stay clean. Thread-safe: advance() may be called from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace amanat {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total, bool enabled = true);
  ~Progress() { finish(); }
  void set_total(std::uint64_t total) { total_ = total; }
  void advance(std::uint64_t n = 1);
  // Sets the amount done so far (for callers that report a running total).
  void update(std::uint64_t done);
  // Prints the last state and a newline (once).
  void finish();

 private:
  void draw(bool force);
  std::string label_;
  std::atomic<std::uint64_t> total_;
  std::atomic<std::uint64_t> done_{0};
  bool enabled_;
  bool finished_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace amanat
