//===- TestUtil.cpp - Frames, sockets and a server thread for unit tests --===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace switchyard::test {

namespace {
/// A compiler that gives up on an agent closes its socket; the tests' own
/// peers must not die of that, so SIGPIPE is ignored for the whole binary.
/// The test that checks the server's own behaviour restores the default.
struct IgnoreSigpipe {
  IgnoreSigpipe() { std::signal(SIGPIPE, SIG_IGN); }
} IgnoreSigpipeAtStartup;
} // namespace

TempDir::TempDir() {
  char Template[] = "/tmp/swyd-unit-XXXXXX";
  if (!::mkdtemp(Template)) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return;
  }
  Path = Template;
}

TempDir::~TempDir() {
  if (Path.empty())
    return;
  std::error_code EC;
  std::filesystem::remove_all(Path, EC);
}

std::string TempDir::write(const std::string &Name,
                           const std::string &Text) const {
  std::string P = file(Name);
  std::ofstream Out(P);
  Out << Text;
  EXPECT_TRUE(Out.good()) << "cannot write " << P;
  return P;
}

static std::vector<uint8_t> built(const flatbuffers::FlatBufferBuilder &B) {
  return std::vector<uint8_t>(B.GetBufferPointer(),
                              B.GetBufferPointer() + B.GetSize());
}

std::vector<uint8_t> buildHello(const HelloDesc &H) {
  std::vector<OptionSpec> Actions;
  for (const std::string &Name : H.ActionSpace)
    Actions.push_back({Name, {}, false});
  std::vector<std::vector<std::string_view>> Names;
  ModuleInfo Info;
  Info.Compiler = "unit-test";
  Info.CompilerVersion = "0";
  Info.ModuleName = H.Module;
  Info.SourceFile = H.Module + ".src";
  Info.TargetTriple = "x86_64-unknown-linux-gnu";
  Info.Pid = ::getpid();
  Info.Offered = H.Offered;
  Info.ActionSpace = Actions;
  for (const auto &[Kind, KindNames] : H.Features)
    Names.emplace_back(KindNames.begin(), KindNames.end());
  for (size_t I = 0; I < H.Features.size(); ++I)
    Info.Features.push_back({H.Features[I].first, Names[I]});
  flatbuffers::FlatBufferBuilder B;
  encodeHello(B, Info, H.Version);
  return built(B);
}

std::vector<uint8_t> buildRequest(const RequestDesc &R) {
  std::vector<OptionSpec> Legal;
  for (const OptionDesc &O : R.Legal) {
    OptionSpec &Spec = Legal.emplace_back();
    Spec.Name = O.Name;
    for (const ParamDesc &P : O.Params)
      Spec.Params.push_back({P.Name, P.Min, P.Max, P.PowerOfTwo});
  }
  std::vector<std::string_view> Names(R.FeatureNames.begin(),
                                      R.FeatureNames.end());
  DecisionRequest Q;
  Q.Kind = R.Kind;
  if (R.HasContext)
    Q.Context = {R.Module, R.Function, R.Pass,  R.PassArg,
                 R.Unit,   R.UnitName, R.Site, R.Index};
  Q.FeatureNames = Names;
  Q.FeatureValues = R.FeatureValues;
  Q.Legal = Legal;
  flatbuffers::FlatBufferBuilder B;
  encodeRequest(B, Q, R.Id, R.Version);
  return built(B);
}

std::vector<uint8_t> buildReport(const std::string &Module) {
  ModuleReport Report;
  Report.ModuleName = Module;
  Report.InstCountBefore = 10;
  Report.InstCountAfter = 9;
  flatbuffers::FlatBufferBuilder B;
  encodeReport(B, Report);
  return built(B);
}

Request::Request(const RequestDesc &R) : Bytes(buildRequest(R)) {
  Session.Version = R.Version;
  Session.setFeatureNames(R.Kind, R.FeatureNames);
  std::string Err;
  const fb::Frame *F = verifyFrame(Bytes.data(), Bytes.size(), Err);
  EXPECT_NE(F, nullptr) << Err;
  if (F)
    EXPECT_TRUE(decodeRequest(*F, Session, Received, Err)) << Err;
}

static sockaddr_un unixAddress(const std::string &Path) {
  sockaddr_un Addr{};
  Addr.sun_family = AF_UNIX;
  EXPECT_LT(Path.size(), sizeof(Addr.sun_path));
  std::strncpy(Addr.sun_path, Path.c_str(), sizeof(Addr.sun_path) - 1);
  return Addr;
}

int bindUnix(const std::string &Path) {
  int Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(Fd, 0) << std::strerror(errno);
  sockaddr_un Addr = unixAddress(Path);
  EXPECT_EQ(::bind(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)), 0)
      << Path << ": " << std::strerror(errno);
  return Fd;
}

int listenUnix(const std::string &Path, int Backlog) {
  int Fd = bindUnix(Path);
  EXPECT_EQ(::listen(Fd, Backlog), 0) << std::strerror(errno);
  return Fd;
}

void makeStaleSocket(const std::string &Path) {
  int Fd = listenUnix(Path);
  ::close(Fd); // The file stays; nobody listens behind it any more.
}

bool writeAll(int Fd, const void *Data, size_t Size) {
  const auto *P = static_cast<const uint8_t *>(Data);
  while (Size > 0) {
    ssize_t N = ::send(Fd, P, Size, MSG_NOSIGNAL);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    P += N;
    Size -= static_cast<size_t>(N);
  }
  return true;
}

bool connectTo(Channel &C, const std::string &Path) {
  std::string Err;
  bool Ok = C.connect(Path, after(5000ms), Err);
  EXPECT_TRUE(Ok) << Err;
  return Ok;
}

HelloResult sayHello(Channel &C, const HelloDesc &H) {
  HelloResult Out;
  std::vector<uint8_t> Bytes = buildHello(H);
  if (!C.send(Bytes.data(), Bytes.size(), after(5000ms), Out.Err))
    return Out;
  const fb::Frame *F = C.receive(after(5000ms), Out.Err);
  if (!F)
    return Out;
  Expected<HelloReply> R = decodeHelloReply(*F);
  if (!R) {
    Out.Err = R.error();
    return Out;
  }
  static_cast<HelloReply &>(Out) = std::move(*R);
  return Out;
}

ReplyResult ask(Channel &C, const RequestDesc &R) {
  ReplyResult Out;
  std::vector<uint8_t> Bytes = buildRequest(R);
  if (!C.send(Bytes.data(), Bytes.size(), after(5000ms), Out.Err))
    return Out;
  const fb::Frame *F = C.receive(after(5000ms), Out.Err);
  if (!F)
    return Out;
  Expected<Reply> Got = decodeReply(*F, R.Id);
  if (!Got) {
    Out.Err = Got.error();
    return Out;
  }
  Out.Id = R.Id;
  Out.UseDefault = Got->UseDefault;
  Out.Observations = Got->Observations;
  Out.Option = Got->Chosen.Option;
  Out.Params = Got->Chosen.Params;
  Out.Target = Got->Chosen.Target;
  return Out;
}

ServerThread::ServerThread(Agent &TheAgent, ServerOptions Options) {
  EXPECT_EQ(uv_loop_init(&Loop), 0);
  EXPECT_EQ(uv_async_init(&Loop, &Wake, &ServerThread::onWake), 0);
  Wake.data = this;
  TheServer = std::make_unique<Server>(&Loop, TheAgent, std::move(Options));
}

ServerThread::~ServerThread() { stop(); }

bool ServerThread::start() {
  std::string Err;
  int R = listen(Err);
  EXPECT_EQ(R, 0) << Err;
  if (R != 0)
    return false;
  Running = true;
  Thread = std::thread([this] { uv_run(&Loop, UV_RUN_DEFAULT); });
  return true;
}

void ServerThread::onWake(uv_async_t *A) {
  auto *Self = static_cast<ServerThread *>(A->data);
  std::deque<std::function<void()>> Ready;
  {
    std::lock_guard<std::mutex> Lock(Self->Mutex);
    Ready.swap(Self->Tasks);
  }
  for (auto &Task : Ready)
    Task();
}

bool ServerThread::waitFor(
    const std::function<bool(const ServerStats &)> &Pred,
    std::chrono::milliseconds Timeout) {
  Clock::time_point Deadline = after(Timeout);
  for (;;) {
    if (Pred(stats()))
      return true;
    if (Clock::now() >= Deadline)
      return false;
    std::this_thread::sleep_for(2ms);
  }
}

void ServerThread::stop(bool WaitForClients) {
  if (Stopped)
    return;
  Stopped = true;
  if (Running && WaitForClients)
    EXPECT_TRUE(waitFor([](const ServerStats &S) { return S.Open == 0; }))
        << "the server still holds a client";
  onLoop([this] {
    TheServer->close();
    uv_close(reinterpret_cast<uv_handle_t *>(&Wake), nullptr);
  });
  if (Running)
    Thread.join();
  else
    uv_run(&Loop, UV_RUN_DEFAULT);
  Running = false;
  EXPECT_EQ(uv_loop_close(&Loop), 0) << "the server left a handle open";
}

} // namespace switchyard::test
