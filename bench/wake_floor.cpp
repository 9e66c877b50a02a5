//===- wake_floor.cpp - What any same-host round trip costs, by transport -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   switchyard-bench-wake-floor [--iterations N] [--rounds R]
//                               [--gaps 0,20,100,500] [--json FILE]
//
// The floor under every agent round trip (issue 12): two processes (fork),
// one asks and one answers a 64-byte message, with nothing else to do. No
// framing, no flatbuffers, no event loop. Transports:
//
//   socket  a Unix stream socketpair, both sides block in read(2)
//   pipe    two pipes, both sides block in read(2) (LLVM's interactive
//           channel uses two FIFOs like this)
//   futex   a shared-memory mailbox; the side that waits sleeps in
//           FUTEX_WAIT, the side that posts calls FUTEX_WAKE only when the
//           peer sleeps (what a shared-memory ring with a futex wake-up
//           would do at best)
//   spin    the same mailbox, both sides spinning: no system call and no
//           sleep at all, but each side burns a core while it waits
//
// Between two requests the asker computes for --gaps microseconds (a busy
// loop), as a compiler does between two decisions. With a gap, the
// answerer's core goes idle and has to be woken: on a virtual machine that
// is an inter-processor interrupt to a halted virtual CPU, and it is the
// cost that no transport but spinning avoids. Each round runs every
// transport at every gap, in an order rotated per round; the report is the
// median round trip (gap excluded) and the CPU time both processes used per
// round trip beyond the gap.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <linux/futex.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t MessageSize = 64;

enum class Transport { Socket, Pipe, Futex, Spin };
const char *name(Transport T) {
  switch (T) {
  case Transport::Socket:
    return "socket";
  case Transport::Pipe:
    return "pipe";
  case Transport::Futex:
    return "futex";
  case Transport::Spin:
    return "spin";
  }
  return "?";
}

/// A one-slot mailbox each way in shared memory. Seq words count messages;
/// Sleeping says that side is (about to be) in FUTEX_WAIT on its word.
struct alignas(64) Slot {
  std::atomic<uint32_t> Seq{0};
  std::atomic<uint32_t> Sleeping{0};
  char Data[MessageSize];
};
struct Mailbox {
  Slot Request;
  Slot Reply;
};

long futex(std::atomic<uint32_t> *Word, int Op, uint32_t Val) {
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t *>(Word), Op, Val,
                   nullptr, nullptr, 0);
}

void post(Slot &S, const char *Msg, bool Wake) {
  std::memcpy(S.Data, Msg, MessageSize);
  S.Seq.fetch_add(1, std::memory_order_seq_cst);
  if (Wake && S.Sleeping.load(std::memory_order_seq_cst))
    futex(&S.Seq, FUTEX_WAKE, 1);
}

void await(Slot &S, uint32_t Seen, char *Msg, bool Sleep) {
  while (S.Seq.load(std::memory_order_acquire) == Seen) {
    if (!Sleep) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      continue;
    }
    S.Sleeping.store(1, std::memory_order_seq_cst);
    if (S.Seq.load(std::memory_order_seq_cst) == Seen)
      futex(&S.Seq, FUTEX_WAIT, Seen);
    S.Sleeping.store(0, std::memory_order_relaxed);
  }
  std::memcpy(Msg, S.Data, MessageSize);
}

/// Moves exactly \p Size bytes with \p Op (read or write), through short
/// transfers and signals.
template <typename BufT, typename OpT>
bool transferFull(int Fd, BufT *Buf, size_t Size, OpT Op) {
  size_t Done = 0;
  while (Done < Size) {
    ssize_t N = Op(Fd, Buf + Done, Size - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Done += static_cast<size_t>(N);
  }
  return true;
}

bool readFull(int Fd, char *Buf, size_t Size) {
  return transferFull(Fd, Buf, Size, ::read);
}

bool writeFull(int Fd, const char *Buf, size_t Size) {
  return transferFull(Fd, Buf, Size, ::write);
}

void busyFor(std::chrono::microseconds Gap) {
  if (Gap.count() == 0)
    return;
  auto Until = Clock::now() + Gap;
  while (Clock::now() < Until) {
  }
}

double cpuSeconds(int Who) {
  rusage U{};
  ::getrusage(Who, &U);
  return U.ru_utime.tv_sec + U.ru_stime.tv_sec +
         (U.ru_utime.tv_usec + U.ru_stime.tv_usec) / 1e6;
}

struct Result {
  std::vector<double> RoundTripUs;
  double CpuUsPerTrip = 0; ///< Both processes, the asker's gap excluded.
};

/// Runs \p Iterations round trips over \p T with \p Gap of work between
/// them. The answerer is a forked child, so its CPU time is measured too.
Result run(Transport T, unsigned Iterations, std::chrono::microseconds Gap) {
  int AskFd[2] = {-1, -1}, AnswerFd[2] = {-1, -1};
  Mailbox *Box = nullptr;
  if (T == Transport::Socket) {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, AskFd) != 0)
      std::perror("socketpair"), std::exit(1);
    AnswerFd[0] = AskFd[1];
    AnswerFd[1] = AskFd[1];
    AskFd[1] = AskFd[0];
  } else if (T == Transport::Pipe) {
    int ToChild[2], ToParent[2];
    if (::pipe(ToChild) != 0 || ::pipe(ToParent) != 0)
      std::perror("pipe"), std::exit(1);
    // Asker writes ToChild[1], reads ToParent[0]; answerer the reverse.
    AskFd[0] = ToParent[0];
    AskFd[1] = ToChild[1];
    AnswerFd[0] = ToChild[0];
    AnswerFd[1] = ToParent[1];
  } else {
    void *P = ::mmap(nullptr, sizeof(Mailbox), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (P == MAP_FAILED)
      std::perror("mmap"), std::exit(1);
    Box = new (P) Mailbox();
  }
  bool Sleep = T == Transport::Futex;

  double ChildCpuBefore = cpuSeconds(RUSAGE_CHILDREN);
  pid_t Child = ::fork();
  if (Child < 0)
    std::perror("fork"), std::exit(1);
  char Msg[MessageSize] = {0};
  if (Child == 0) {
    // The answerer: echo every request back, Iterations times.
    for (unsigned I = 0; I < Iterations; ++I) {
      if (Box) {
        await(Box->Request, I, Msg, Sleep);
        Msg[0] ^= 1;
        post(Box->Reply, Msg, Sleep);
      } else {
        if (!readFull(AnswerFd[0], Msg, MessageSize))
          ::_exit(1);
        Msg[0] ^= 1;
        if (!writeFull(AnswerFd[1], Msg, MessageSize))
          ::_exit(1);
      }
    }
    ::_exit(0);
  }

  Result R;
  R.RoundTripUs.reserve(Iterations);
  double CpuBefore = cpuSeconds(RUSAGE_SELF);
  for (unsigned I = 0; I < Iterations; ++I) {
    busyFor(Gap);
    auto Start = Clock::now();
    Msg[1] = static_cast<char>(I);
    if (Box) {
      post(Box->Request, Msg, Sleep);
      await(Box->Reply, I, Msg, Sleep);
    } else if (!writeFull(AskFd[1], Msg, MessageSize) ||
               !readFull(AskFd[0], Msg, MessageSize)) {
      std::fprintf(stderr, "%s: answerer went away\n", name(T));
      std::exit(1);
    }
    R.RoundTripUs.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - Start)
            .count());
  }
  double Cpu = cpuSeconds(RUSAGE_SELF) - CpuBefore;
  int Status = 0;
  ::waitpid(Child, &Status, 0);
  double ChildCpu = cpuSeconds(RUSAGE_CHILDREN) - ChildCpuBefore;
  double GapSeconds = Iterations * Gap.count() / 1e6;
  R.CpuUsPerTrip = (Cpu - GapSeconds + ChildCpu) * 1e6 / Iterations;

  if (Box) {
    Box->~Mailbox();
    ::munmap(Box, sizeof(Mailbox));
  } else {
    // A socket's two ends serve both directions: close each fd once.
    int Fds[] = {AskFd[0], AskFd[1], AnswerFd[0], AnswerFd[1]};
    std::sort(std::begin(Fds), std::end(Fds));
    for (int *F = std::begin(Fds); F != std::end(Fds); ++F)
      if (*F >= 0 && (F == std::begin(Fds) || *F != F[-1]))
        ::close(*F);
  }
  if (!WIFEXITED(Status) || WEXITSTATUS(Status) != 0) {
    std::fprintf(stderr, "%s: answerer failed\n", name(T));
    std::exit(1);
  }
  return R;
}

double percentile(std::vector<double> V, double P) {
  std::sort(V.begin(), V.end());
  size_t I = static_cast<size_t>(P * (V.size() - 1));
  return V[I];
}

std::vector<unsigned> parseList(const char *S) {
  std::vector<unsigned> Out;
  std::string Item;
  for (const char *C = S;; ++C) {
    if (*C == ',' || *C == 0) {
      char *End = nullptr;
      unsigned long V = std::strtoul(Item.c_str(), &End, 10);
      if (Item.empty() || *End || V > 100000) {
        std::fprintf(stderr, "bad --gaps list '%s'\n", S);
        std::exit(2);
      }
      Out.push_back(static_cast<unsigned>(V));
      Item.clear();
      if (!*C)
        break;
    } else {
      Item += *C;
    }
  }
  return Out;
}

} // namespace

int main(int Argc, char **Argv) {
  unsigned Iterations = 5000, Rounds = 5;
  std::vector<unsigned> Gaps = {0, 20, 100, 500};
  std::string JsonPath;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    auto Value = [&]() -> const char * {
      if (I + 1 >= Argc) {
        std::fprintf(stderr, "%s needs a value\n", A.c_str());
        std::exit(2);
      }
      return Argv[++I];
    };
    if (A == "--iterations")
      Iterations = static_cast<unsigned>(std::atoi(Value()));
    else if (A == "--rounds")
      Rounds = static_cast<unsigned>(std::atoi(Value()));
    else if (A == "--gaps")
      Gaps = parseList(Value());
    else if (A == "--json")
      JsonPath = Value();
    else {
      std::fprintf(stderr,
                   "usage: %s [--iterations N] [--rounds R] [--gaps "
                   "0,20,100,500] [--json FILE]\n",
                   Argv[0]);
      return 2;
    }
  }
  if (Iterations == 0 || Rounds == 0) {
    std::fprintf(stderr, "--iterations and --rounds must be positive\n");
    return 2;
  }

  const Transport All[] = {Transport::Socket, Transport::Pipe,
                           Transport::Futex, Transport::Spin};
  // Samples[gap][transport]: every round trip of every round.
  std::vector<std::vector<std::vector<double>>> Samples(
      Gaps.size(), std::vector<std::vector<double>>(4));
  std::vector<std::vector<std::vector<double>>> Cpu(
      Gaps.size(), std::vector<std::vector<double>>(4));
  for (unsigned Round = 0; Round < Rounds; ++Round) {
    for (size_t G = 0; G < Gaps.size(); ++G) {
      for (unsigned K = 0; K < 4; ++K) {
        unsigned T = (K + Round) % 4; // Rotate the order per round.
        Result R = run(All[T], Iterations,
                       std::chrono::microseconds(Gaps[G]));
        Samples[G][T].insert(Samples[G][T].end(), R.RoundTripUs.begin(),
                             R.RoundTripUs.end());
        Cpu[G][T].push_back(R.CpuUsPerTrip);
      }
    }
    std::fprintf(stderr, "round %u/%u done\n", Round + 1, Rounds);
  }

  std::printf("%-8s %7s %12s %10s %14s\n", "gap us", "mode", "median us",
              "p90 us", "CPU us/trip");
  std::string Json = "{\"iterations\":" + std::to_string(Iterations) +
                     ",\"rounds\":" + std::to_string(Rounds) +
                     ",\"results\":[";
  bool First = true;
  for (size_t G = 0; G < Gaps.size(); ++G) {
    for (unsigned T = 0; T < 4; ++T) {
      double Median = percentile(Samples[G][T], 0.5);
      double P90 = percentile(Samples[G][T], 0.9);
      double CpuMedian = percentile(Cpu[G][T], 0.5);
      std::printf("%-8u %7s %12.2f %10.2f %14.2f\n", Gaps[G], name(All[T]),
                  Median, P90, CpuMedian);
      char Buf[256];
      std::snprintf(Buf, sizeof(Buf),
                    "%s{\"gap_us\":%u,\"mode\":\"%s\",\"median_us\":%.3f,"
                    "\"p90_us\":%.3f,\"cpu_us_per_trip\":%.3f}",
                    First ? "" : ",", Gaps[G], name(All[T]), Median, P90,
                    CpuMedian);
      Json += Buf;
      First = false;
    }
  }
  Json += "]}\n";
  if (!JsonPath.empty()) {
    std::ofstream Out(JsonPath);
    Out << Json;
    if (!Out) {
      std::fprintf(stderr, "cannot write %s\n", JsonPath.c_str());
      return 1;
    }
  }
  return 0;
}
