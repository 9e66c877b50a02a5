//===- mlgo_default_agent.cpp - LLVM interactive inliner host: the default ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The smallest fast host for LLVM's own interactive ML inliner channel
// (InteractiveModelRunner, -enable-ml-inliner=release
// -inliner-interactive-channel-base=BASE -inliner-interactive-include-default).
// It answers every decision with the compiler's default, `inlining_default`.
//
//   mlgo_default_agent [--count-file FILE] [--dump] BASE -- COMMAND ARGS...
//
// It makes the FIFOs BASE.in (host -> compiler) and BASE.out (compiler ->
// host), starts COMMAND, opens BASE.in then BASE.out (the order the compiler
// opens them, so neither side deadlocks), and then, as
// llvm/lib/Analysis/models/interactive_host.py does:
//   - reads the header line: {"features":[TensorSpec...],"advice":TensorSpec}
//   - per decision reads an optional {"context":...} line, an
//     {"observation":N} line, the raw bytes of every feature tensor in header
//     order, and a '\n'; and writes back the raw bytes of the advice tensor
//     (one int64_t): here, the value of the `inlining_default` feature.
// When the compiler closes BASE.out, it waits for COMMAND, removes the FIFOs,
// writes the number of decisions to FILE (and stderr with --dump), and
// exits with COMMAND's status.
//
// Reading is buffered (one read(2) per observation in practice) and the reply
// is one write(2): this is as cheap as a host of this protocol can be, so a
// comparison with it measures the channel, not the host.
//===----------------------------------------------------------------------===//

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void die(const char *What) {
  std::fprintf(stderr, "mlgo_default_agent: %s: %s\n", What,
               errno ? std::strerror(errno) : "protocol error");
  std::exit(70);
}

volatile sig_atomic_t ChildExited = 0;
void onChild(int) { ChildExited = 1; }

/// A read buffer over one fd; the compiler's records are small.
class Reader {
public:
  explicit Reader(int Fd) : Fd(Fd), Buf(1 << 16) {}

  /// False at EOF before any byte of the record.
  bool fill(size_t Need) {
    if (End - Pos >= Need)
      return true;
    if (Pos) {
      std::memmove(Buf.data(), Buf.data() + Pos, End - Pos);
      End -= Pos;
      Pos = 0;
    }
    if (Buf.size() < Need)
      Buf.resize(Need);
    while (End < Need) {
      ssize_t N = ::read(Fd, Buf.data() + End, Buf.size() - End);
      if (N < 0 && errno == EINTR)
        continue;
      if (N < 0)
        die("read");
      if (N == 0)
        return false;
      End += static_cast<size_t>(N);
    }
    return true;
  }

  /// The next line without its '\n'; false at a clean EOF.
  bool line(std::string &Out) {
    size_t Scanned = 0; // relative to Pos: fill() may move the data
    for (;;) {
      const void *NL =
          std::memchr(Buf.data() + Pos + Scanned, '\n', End - Pos - Scanned);
      if (NL) {
        size_t At = static_cast<const char *>(NL) - Buf.data();
        Out.assign(Buf.data() + Pos, At - Pos);
        Pos = At + 1;
        return true;
      }
      Scanned = End - Pos;
      if (!fill(Scanned + 1)) {
        if (End != Pos) {
          errno = 0;
          die("truncated line at end of stream");
        }
        return false;
      }
    }
  }

  const char *take(size_t N) {
    if (!fill(N))
      die("truncated observation");
    const char *P = Buf.data() + Pos;
    Pos += N;
    return P;
  }

private:
  int Fd;
  std::vector<char> Buf;
  size_t Pos = 0, End = 0;
};

size_t elementSize(const std::string &Type) {
  if (Type == "int64_t" || Type == "uint64_t" || Type == "double")
    return 8;
  if (Type == "int32_t" || Type == "uint32_t" || Type == "float")
    return 4;
  if (Type == "int16_t" || Type == "uint16_t")
    return 2;
  if (Type == "int8_t" || Type == "uint8_t")
    return 1;
  errno = 0;
  die(("unknown tensor type " + Type).c_str());
}

/// The value of string field Key in the JSON object text [B, E).
std::string field(const std::string &S, size_t B, size_t E, const char *Key) {
  std::string K = std::string("\"") + Key + "\":";
  size_t At = S.find(K, B);
  if (At == std::string::npos || At >= E)
    return {};
  At += K.size();
  if (S[At] == '"') {
    size_t Q = S.find('"', At + 1);
    return S.substr(At + 1, Q - At - 1);
  }
  size_t Q = S.find_first_of(",}", At);
  return S.substr(At, Q - At);
}

struct Spec {
  std::string Name;
  size_t Bytes = 0;
};

/// TensorSpecs as TensorSpec::toJSON writes them: flat objects
/// {"name":..,"type":..,"port":..,"shape":[..]} in an array, then "advice".
void parseHeader(const std::string &H, std::vector<Spec> &Features,
                 Spec &Advice) {
  errno = 0;
  size_t FB = H.find("\"features\":[");
  size_t AB = H.find("\"advice\":");
  if (FB == std::string::npos || AB == std::string::npos)
    die("header without features or advice");
  auto ParseObj = [&](size_t B, size_t E) {
    Spec S;
    S.Name = field(H, B, E, "name");
    size_t Elems = 1;
    size_t Sh = H.find("\"shape\":[", B);
    if (Sh == std::string::npos || Sh >= E)
      die("tensor without shape");
    for (size_t P = Sh + 9; H[P] != ']';) {
      char *End;
      long V = std::strtol(H.c_str() + P, &End, 10);
      Elems *= static_cast<size_t>(V);
      P = End - H.c_str();
      if (H[P] == ',')
        ++P;
    }
    S.Bytes = Elems * elementSize(field(H, B, E, "type"));
    return S;
  };
  for (size_t P = FB; (P = H.find('{', P)) != std::string::npos && P < AB;) {
    size_t E = H.find('}', P);
    Features.push_back(ParseObj(P, E));
    P = E;
  }
  size_t B = H.find('{', AB);
  Advice = ParseObj(B, H.find('}', B));
}

} // namespace

int main(int Argc, char **Argv) {
  const char *CountFile = nullptr;
  bool Dump = false;
  int I = 1;
  for (; I < Argc && Argv[I][0] == '-' && std::strcmp(Argv[I], "--"); ++I) {
    if (!std::strcmp(Argv[I], "--count-file") && I + 1 < Argc)
      CountFile = Argv[++I];
    else if (!std::strcmp(Argv[I], "--dump"))
      Dump = true;
    else
      break;
  }
  if (I + 2 >= Argc || std::strcmp(Argv[I + 1], "--")) {
    std::fprintf(stderr, "usage: %s [--count-file FILE] [--dump] BASE -- "
                         "COMMAND ARGS...\n",
                 Argv[0]);
    return 2;
  }
  std::string Base = Argv[I];
  std::string ToCompiler = Base + ".in", FromCompiler = Base + ".out";
  ::unlink(ToCompiler.c_str());
  ::unlink(FromCompiler.c_str());
  if (::mkfifo(ToCompiler.c_str(), 0600) || ::mkfifo(FromCompiler.c_str(), 0600))
    die("mkfifo");

  // No SA_RESTART: a blocking open() of a FIFO returns EINTR if the compiler
  // dies before it opens its end.
  struct sigaction SA = {};
  SA.sa_handler = onChild;
  sigaction(SIGCHLD, &SA, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  pid_t Child = ::fork();
  if (Child < 0)
    die("fork");
  if (Child == 0) {
    std::signal(SIGPIPE, SIG_DFL);
    ::execvp(Argv[I + 2], Argv + I + 2);
    std::perror("mlgo_default_agent: exec");
    _exit(127);
  }

  auto OpenFifo = [&](const std::string &Path, int Flags) {
    for (;;) {
      int Fd = ::open(Path.c_str(), Flags | O_CLOEXEC);
      if (Fd >= 0)
        return Fd;
      if (errno != EINTR || ChildExited) {
        ::unlink(ToCompiler.c_str());
        ::unlink(FromCompiler.c_str());
        std::fprintf(stderr, "mlgo_default_agent: the compiler exited before "
                             "opening %s\n",
                     Path.c_str());
        int St;
        ::waitpid(Child, &St, 0);
        std::exit(70);
      }
    }
  };
  int Out = OpenFifo(ToCompiler, O_WRONLY);
  int In = OpenFifo(FromCompiler, O_RDONLY);

  Reader R(In);
  std::string Line;
  std::vector<Spec> Features;
  Spec Advice;
  uint64_t Decisions = 0;
  if (R.line(Line)) {
    parseHeader(Line, Features, Advice);
    size_t Total = 0, DefaultAt = SIZE_MAX, DefaultBytes = 0;
    for (const Spec &S : Features) {
      if (S.Name == "inlining_default") {
        DefaultAt = Total;
        DefaultBytes = S.Bytes;
      }
      Total += S.Bytes;
    }
    errno = 0;
    if (DefaultAt == SIZE_MAX)
      die("no inlining_default feature (pass "
          "-inliner-interactive-include-default)");
    if (DefaultBytes != 8 || Advice.Bytes != 8)
      die("inlining_default and the advice must be one int64_t each");
    if (Dump)
      std::fprintf(stderr, "mlgo_default_agent: %zu features, %zu bytes per "
                           "observation\n",
                   Features.size(), Total);
    while (R.line(Line)) {
      if (Line.compare(0, 10, "{\"context\"") == 0)
        continue; // the inliner's one context is ""
      if (Line.compare(0, 14, "{\"observation\"") != 0) {
        errno = 0;
        die(("unexpected record " + Line.substr(0, 80)).c_str());
      }
      const char *T = R.take(Total + 1);
      if (T[Total] != '\n') {
        errno = 0;
        die("observation not followed by a newline");
      }
      int64_t Reply;
      std::memcpy(&Reply, T + DefaultAt, 8);
      for (;;) {
        ssize_t N = ::write(Out, &Reply, 8);
        if (N == 8)
          break;
        if (N < 0 && errno == EINTR)
          continue;
        die("write");
      }
      ++Decisions;
    }
  }
  ::close(In);
  ::close(Out);
  ::unlink(ToCompiler.c_str());
  ::unlink(FromCompiler.c_str());
  int St = 0;
  while (::waitpid(Child, &St, 0) < 0 && errno == EINTR) {
  }
  if (Dump)
    std::fprintf(stderr, "mlgo_default_agent: %llu decisions\n",
                 static_cast<unsigned long long>(Decisions));
  if (CountFile) {
    if (FILE *F = std::fopen(CountFile, "w")) {
      std::fprintf(F, "%llu\n", static_cast<unsigned long long>(Decisions));
      std::fclose(F);
    }
  }
  if (WIFEXITED(St))
    return WEXITSTATUS(St);
  return 128 + (WIFSIGNALED(St) ? WTERMSIG(St) : 0);
}
