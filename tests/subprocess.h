// Test support: run the amanat binary as a child process with pipes (tests only).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace amanat::testing {

struct Child {
  pid_t pid = -1;
  int in = -1;   // write end of the child's stdin
  int out = -1;  // read end of the child's stdout
  int err = -1;  // read end of the child's stderr
};

inline Child spawn(const std::vector<std::string>& args) {
  int pin[2], pout[2], perr[2];
  if (::pipe2(pin, O_CLOEXEC) != 0 || ::pipe2(pout, O_CLOEXEC) != 0 || ::pipe2(perr, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pin[0], 0);
    ::dup2(pout[1], 1);
    ::dup2(perr[1], 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pin[0]);
  ::close(pout[1]);
  ::close(perr[1]);
  return Child{pid, pin[1], pout[0], perr[0]};
}

inline std::string read_all(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Waits for the child; returns its exit status, or 128+signal.
inline int wait_child(Child& c) {
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  for (int* fd : {&c.in, &c.out, &c.err})
    if (*fd >= 0) ::close(std::exchange(*fd, -1));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

struct RunResult {
  int status;
  std::string out, err;
};

// Runs the command to completion with `input` on stdin.
inline RunResult run(const std::vector<std::string>& args, const std::string& input = "") {
  Child c = spawn(args);
  std::string out, err;
  // Write stdin from a separate process-free loop: inputs in tests are small, so write then close.
  std::size_t off = 0;
  ::signal(SIGPIPE, SIG_IGN);
  while (off < input.size()) {
    ssize_t n = ::write(c.in, input.data() + off, input.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(std::exchange(c.in, -1));
  out = read_all(c.out);
  err = read_all(c.err);
  int st = wait_child(c);
  return {st, out, err};
}

}  // namespace amanat::testing
