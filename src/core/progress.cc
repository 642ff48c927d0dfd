#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace amanat {

Progress::Progress(std::string label, std::uint64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && ::isatty(STDERR_FILENO)) {
  start_ = last_ = std::chrono::steady_clock::now();
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (enabled_) draw(false);
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  if (enabled_) draw(false);
}

void Progress::draw(bool force) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  std::uint64_t done = done_, total = total_;
  double rate = secs > 0 ? done / secs : 0;
  if (total > 0)
    std::fprintf(stderr, "\r%s: %llu/%llu (%.0f%%, %.0f/s)   ", label_.c_str(),
                 (unsigned long long)done, (unsigned long long)total, 100.0 * done / total, rate);
  else
    std::fprintf(stderr, "\r%s: %llu (%.0f/s)   ", label_.c_str(), (unsigned long long)done, rate);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  draw(true);
  std::fputc('\n', stderr);
}

}  // namespace amanat
