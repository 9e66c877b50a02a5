//===- ServerTest.cpp - Tests for the libuv agent server ------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The server runs on a real loop in a thread; the test thread plays one or
// more compilers through the same Channel the plugin uses.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace switchyard::test {
namespace {

/// Subscribes to two kinds with filters, and answers every non-gate request
/// with option 1, a parameter derived from the id, and a target.
class RecordingAgent : public Agent {
public:
  HelloAnswer hello(const SessionInfo &Session) override {
    ++Hellos;
    HelloAnswer A;
    SubscriptionSpec Inline;
    Inline.Kind = fb::DecisionKind::Inline;
    Inline.Passes = {"Inliner*"};
    Inline.Functions = {"main", "helper"};
    Inline.Observations = static_cast<uint32_t>(fb::ObservationMask::InstCount |
                                                fb::ObservationMask::IrHash);
    SubscriptionSpec Unroll;
    Unroll.Kind = fb::DecisionKind::LoopUnroll;
    A.Subscriptions = {Inline, Unroll};
    return A;
  }

  Answer decide(const SessionInfo &, const DecisionRequest &R) override {
    ++Decisions;
    if (Delay.count())
      std::this_thread::sleep_for(Delay);
    if (R.Kind == fb::DecisionKind::PassGate)
      return Answer::useDefault();
    Answer A =
        Answer::choose(1, {static_cast<int64_t>(R.Context.SiteId) * 10});
    A.Chosen.Target = "callee";
    A.Observations = static_cast<uint32_t>(fb::ObservationMask::InstCount);
    return A;
  }

  void report(const SessionInfo &, const ModuleReport &) override {
    ++Reports;
  }

  void closed(const SessionInfo &) override { ++Closed; }

  std::atomic<int> Hellos{0}, Decisions{0}, Reports{0}, Closed{0};
  std::chrono::milliseconds Delay{0};
};

/// Collects the server's log lines, which arrive on the loop thread.
class LogLines {
public:
  void add(const std::string &Line) {
    std::lock_guard<std::mutex> Lock(Mutex);
    Lines.push_back(Line);
  }
  bool contains(const std::string &Text) {
    std::lock_guard<std::mutex> Lock(Mutex);
    for (const std::string &L : Lines)
      if (L.find(Text) != std::string::npos)
        return true;
    return false;
  }
  std::string all() {
    std::lock_guard<std::mutex> Lock(Mutex);
    std::string Out;
    for (const std::string &L : Lines)
      Out += L + "\n";
    return Out;
  }

private:
  std::mutex Mutex;
  std::vector<std::string> Lines;
};

ServerOptions optionsIn(const TempDir &Dir, LogLines *Log = nullptr) {
  ServerOptions O;
  O.SocketPath = Dir.file("agent.sock");
  if (Log)
    O.Log = [Log](const std::string &Line) { Log->add(Line); };
  return O;
}

RequestDesc inlineRequest(uint64_t Id) {
  RequestDesc R;
  R.Id = Id;
  R.Site = Id; // The agent answers with it: it does not see the id.
  R.Legal = {{"no", {}}, {"yes", {}}};
  return R;
}

/// Reads until the server closes; returns the error the channel reports.
std::string waitForClose(Channel &C) {
  std::string Err;
  const fb::Frame *F = C.receive(after(5000ms), Err);
  if (F)
    return std::string("unexpected ") + fb::EnumNameMessage(F->message_type());
  return Err;
}

void expectServed(Channel &C, uint64_t Id) {
  ReplyResult R = ask(C, inlineRequest(Id));
  ASSERT_TRUE(R.Err.empty()) << R.Err;
  EXPECT_EQ(R.Id, Id);
  EXPECT_FALSE(R.UseDefault);
  EXPECT_EQ(R.Option, 1u);
  EXPECT_EQ(R.Params, std::vector<int64_t>{static_cast<int64_t>(Id) * 10});
}

TEST(Server, HandshakeAcceptedWithAgentSubscriptions) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  HelloResult H = sayHello(C);
  ASSERT_TRUE(H.Err.empty()) << H.Err;
  EXPECT_TRUE(H.Accept);
  EXPECT_EQ(H.Reason, "");
  ASSERT_EQ(H.Subscriptions.size(), 2u);
  const SubscriptionSpec &Inline = H.Subscriptions[0];
  EXPECT_EQ(Inline.Kind, fb::DecisionKind::Inline);
  EXPECT_EQ(Inline.Passes, std::vector<std::string>{"Inliner*"});
  EXPECT_EQ(Inline.Functions, (std::vector<std::string>{"main", "helper"}));
  EXPECT_EQ(Inline.Observations,
            static_cast<uint32_t>(fb::ObservationMask::InstCount |
                                  fb::ObservationMask::IrHash));
  EXPECT_EQ(H.Subscriptions[1].Kind, fb::DecisionKind::LoopUnroll);
  EXPECT_TRUE(H.Subscriptions[1].Passes.empty());
  EXPECT_TRUE(H.Subscriptions[1].Functions.empty());
  C.close();
  S.stop();
  EXPECT_EQ(A.Hellos, 1);
  EXPECT_EQ(A.Closed, 1);
}

TEST(Server, WrongProtocolVersionIsRefusedWithReason) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  HelloDesc Future;
  Future.Version = ProtocolVersion + 1;
  HelloResult H = sayHello(C, Future);
  ASSERT_TRUE(H.Err.empty()) << H.Err;
  EXPECT_FALSE(H.Accept);
  EXPECT_NE(H.Reason.find("protocol version " +
                          std::to_string(ProtocolVersion + 1)),
            std::string::npos)
      << H.Reason;
  EXPECT_NE(H.Reason.find("versions " + std::to_string(OldestProtocolVersion) +
                          " to " + std::to_string(ProtocolVersion)),
            std::string::npos)
      << H.Reason;
  EXPECT_TRUE(H.Subscriptions.empty());
  // The server hangs up after saying why.
  EXPECT_NE(waitForClose(C).find("closed the connection"), std::string::npos);
  C.close();
  S.stop();
  EXPECT_EQ(A.Hellos, 0) << "the agent was asked about a session it can't read";
}

TEST(Server, DecisionAnsweredWithIdAndAgentChoice) {
  TempDir Dir;
  RecordingAgent A;
  ServerOptions O = optionsIn(Dir);
  std::atomic<int> Logged{0};
  O.OnDecision = [&Logged](const SessionInfo &, uint64_t,
                           const DecisionRequest &,
                           const Answer &) { ++Logged; };
  ServerThread S(A, std::move(O));
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  ASSERT_TRUE(sayHello(C).Accept);

  ReplyResult R = ask(C, inlineRequest(41));
  ASSERT_TRUE(R.Err.empty()) << R.Err;
  EXPECT_EQ(R.Id, 41u);
  EXPECT_FALSE(R.UseDefault);
  EXPECT_EQ(R.Option, 1u);
  EXPECT_EQ(R.Params, std::vector<int64_t>{410});
  EXPECT_EQ(R.Target, "callee");
  EXPECT_EQ(R.Observations,
            static_cast<uint32_t>(fb::ObservationMask::InstCount));

  RequestDesc Gate;
  Gate.Id = 42;
  Gate.Kind = fb::DecisionKind::PassGate;
  R = ask(C, Gate);
  ASSERT_TRUE(R.Err.empty()) << R.Err;
  EXPECT_EQ(R.Id, 42u);
  EXPECT_TRUE(R.UseDefault);


  // Requests sent back to back are answered in order.
  std::string Err;
  for (uint64_t Id = 100; Id < 103; ++Id) {
    std::vector<uint8_t> Bytes = buildRequest(inlineRequest(Id));
    ASSERT_TRUE(C.send(Bytes.data(), Bytes.size(), after(5000ms), Err)) << Err;
  }
  for (uint64_t Id = 100; Id < 103; ++Id) {
    const fb::Frame *F = C.receive(after(5000ms), Err);
    ASSERT_NE(F, nullptr) << Err;
    ASSERT_EQ(F->message_type(), fb::Message::DecisionReply);
    EXPECT_EQ(F->message_as_DecisionReply()->id(), Id);
  }
  C.close();
  S.stop();
  EXPECT_EQ(S.finalStats().Decisions, 5u);
  EXPECT_EQ(Logged, 5);
}

/// Ends a session the way the compiler does: the report, then close. A
/// client that closes without its report counts as dropped.
static void finishSession(Channel &C) {
  std::vector<uint8_t> Bytes = buildReport("m.ll");
  std::string Err;
  EXPECT_TRUE(C.send(Bytes.data(), Bytes.size(), after(5000ms), Err)) << Err;
  C.close();
}

TEST(Server, RequestBeforeHelloDropsOnlyThatClient) {
  TempDir Dir;
  RecordingAgent A;
  LogLines Log;
  ServerThread S(A, optionsIn(Dir, &Log));
  ASSERT_TRUE(S.start());
  std::string Path = Dir.file("agent.sock");
  Channel Good, Rude;
  ASSERT_TRUE(connectTo(Good, Path));
  ASSERT_TRUE(sayHello(Good).Accept);
  ASSERT_TRUE(connectTo(Rude, Path));
  expectServed(Good, 1);

  std::vector<uint8_t> Bytes = buildRequest(inlineRequest(7));
  std::string Err;
  ASSERT_TRUE(Rude.send(Bytes.data(), Bytes.size(), after(5000ms), Err));
  EXPECT_NE(waitForClose(Rude).find("closed the connection"),
            std::string::npos);
  expectServed(Good, 2);
  EXPECT_TRUE(Log.contains("decision request before the handshake"))
      << Log.all();
  finishSession(Good);
  Rude.close();
  S.stop();
  EXPECT_EQ(S.finalStats().Dropped, 1u);
  EXPECT_EQ(S.finalStats().Decisions, 2u);
}

TEST(Server, BadFramesFromOneClientDoNotDisturbAnother) {
  TempDir Dir;
  RecordingAgent A;
  LogLines Log;
  ServerThread S(A, optionsIn(Dir, &Log));
  ASSERT_TRUE(S.start());
  std::string Path = Dir.file("agent.sock");
  Channel Good, Garbage, Huge, Partial;
  ASSERT_TRUE(connectTo(Good, Path));
  ASSERT_TRUE(sayHello(Good).Accept);
  ASSERT_TRUE(connectTo(Garbage, Path));
  ASSERT_TRUE(sayHello(Garbage).Accept);
  ASSERT_TRUE(connectTo(Huge, Path));
  ASSERT_TRUE(connectTo(Partial, Path));
  expectServed(Good, 1);

  // A well-framed payload the verifier must refuse.
  std::vector<uint8_t> Junk(96);
  for (size_t I = 0; I < Junk.size(); ++I)
    Junk[I] = static_cast<uint8_t>(I * 37 + 11);
  std::memcpy(&Junk[4], fb::FrameIdentifier(), 4);
  std::string Err;
  ASSERT_TRUE(Garbage.send(Junk.data(), Junk.size(), after(5000ms), Err));
  EXPECT_NE(waitForClose(Garbage).find("closed the connection"),
            std::string::npos);
  expectServed(Good, 2);

  // A length prefix far above the limit.
  const uint8_t Prefix[4] = {0xff, 0xff, 0xff, 0x7f};
  ASSERT_TRUE(writeAll(Huge.fd(), Prefix, sizeof(Prefix)));
  EXPECT_NE(waitForClose(Huge).find("closed the connection"),
            std::string::npos);
  expectServed(Good, 3);

  // Half a frame, then nothing: the server must keep serving meanwhile.
  std::vector<uint8_t> Hello = buildHello(HelloDesc());
  std::vector<uint8_t> Wire;
  appendFrame(Wire, Hello.data(), Hello.size());
  ASSERT_TRUE(writeAll(Partial.fd(), Wire.data(), Wire.size() / 2));
  expectServed(Good, 4);
  Partial.close();
  ASSERT_TRUE(S.waitFor([](const ServerStats &St) { return St.Dropped == 3; }))
      << Log.all();
  expectServed(Good, 5);

  EXPECT_TRUE(Log.contains("bad frame")) << Log.all();
  EXPECT_TRUE(Log.contains("exceeds")) << Log.all();
  EXPECT_TRUE(Log.contains("mid-frame")) << Log.all();
  Good.close();
  S.stop();
  EXPECT_EQ(S.finalStats().Decisions, 5u);
}

TEST(Server, SilentClientIsDroppedAfterHandshakeTimeout) {
  TempDir Dir;
  RecordingAgent A;
  LogLines Log;
  ServerOptions O = optionsIn(Dir, &Log);
  O.HandshakeTimeoutMs = 100;
  ServerThread S(A, std::move(O));
  ASSERT_TRUE(S.start());
  std::string Path = Dir.file("agent.sock");

  Channel Prompt;
  ASSERT_TRUE(connectTo(Prompt, Path));
  ASSERT_TRUE(sayHello(Prompt).Accept);

  Clock::time_point Start = Clock::now();
  Channel Silent;
  ASSERT_TRUE(connectTo(Silent, Path));
  EXPECT_NE(waitForClose(Silent).find("closed the connection"),
            std::string::npos);
  auto Took = Clock::now() - Start;
  // libuv's clock has millisecond granularity; allow for its rounding.
  EXPECT_GE(Took, 95ms);
  EXPECT_LT(Took, 4000ms);
  EXPECT_TRUE(Log.contains("no handshake")) << Log.all();

  // A client that did shake hands is not subject to the timer.
  std::this_thread::sleep_for(250ms);
  expectServed(Prompt, 1);
  finishSession(Prompt);
  Silent.close();
  S.stop();
  EXPECT_EQ(S.finalStats().Dropped, 1u);
}

TEST(Server, SocketFileIsOwnerOnlyAndRemovedOnClose) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  std::string Path = Dir.file("agent.sock");
  struct stat St;
  ASSERT_EQ(::lstat(Path.c_str(), &St), 0);
  EXPECT_TRUE(S_ISSOCK(St.st_mode));
  EXPECT_EQ(St.st_mode & 0777, 0600u) << std::oct << (St.st_mode & 0777);
  EXPECT_EQ(St.st_uid, ::geteuid());
  S.stop();
  EXPECT_NE(::lstat(Path.c_str(), &St), 0) << "socket file left behind";
}

TEST(Server, ListenFailsWhileAnotherServerIsLive) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread Live(A, optionsIn(Dir));
  ASSERT_TRUE(Live.start());

  RecordingAgent B;
  ServerThread Second(B, optionsIn(Dir));
  std::string Err;
  EXPECT_EQ(Second.listen(Err), UV_EADDRINUSE);
  EXPECT_NE(Err.find("already serving"), std::string::npos) << Err;
  Second.stop();

  // The live server kept its socket and still answers.
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  ASSERT_TRUE(sayHello(C).Accept);
  expectServed(C, 1);
  C.close();
  Live.stop();
}

TEST(Server, ListenReplacesStaleSocket) {
  TempDir Dir;
  makeStaleSocket(Dir.file("agent.sock"));
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  ASSERT_TRUE(sayHello(C).Accept);
  expectServed(C, 1);
  C.close();
  S.stop();
}

TEST(Server, ListenRefusesPathThatIsNotASocket) {
  TempDir Dir;
  std::string Path = Dir.write("agent.sock", "precious\n");
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  std::string Err;
  EXPECT_EQ(S.listen(Err), UV_EEXIST);
  EXPECT_NE(Err.find("not a socket"), std::string::npos) << Err;
  S.stop();
  struct stat St;
  ASSERT_EQ(::lstat(Path.c_str(), &St), 0) << "the file was removed";
  EXPECT_TRUE(S_ISREG(St.st_mode));
}

/// The names in \p Dir.
std::vector<std::string> entries(const std::string &Dir) {
  std::vector<std::string> Names;
  if (DIR *D = ::opendir(Dir.c_str())) {
    while (dirent *E = ::readdir(D))
      if (std::strcmp(E->d_name, ".") != 0 && std::strcmp(E->d_name, ".."))
        Names.push_back(E->d_name);
    ::closedir(D);
  }
  return Names;
}

/// A socket path of exactly \p Bytes bytes in \p Dir.
std::string pathOfLength(const TempDir &Dir, size_t Bytes) {
  std::string Path = Dir.path() + "/";
  EXPECT_LT(Path.size(), Bytes);
  return Path + std::string(Bytes - Path.size(), 's');
}

TEST(Server, ListenRefusesSocketPathOverTheLimit) {
  TempDir Dir;
  RecordingAgent A;
  ServerOptions O = optionsIn(Dir);
  // sun_path has 108 bytes, the last for the terminating NUL.
  O.SocketPath = pathOfLength(Dir, 108);
  ServerThread S(A, O);
  std::string Err;
  EXPECT_EQ(S.listen(Err), UV_ENAMETOOLONG);
  EXPECT_EQ(Err, "socket path '" + O.SocketPath +
                     "' is 108 bytes; the limit is 107");
  S.stop();
  EXPECT_FALSE(S.finalStats().Listened);
  EXPECT_TRUE(entries(Dir.path()).empty())
      << "created " << entries(Dir.path())[0];
}

TEST(Server, ListenServesSocketPathAtTheLimit) {
  TempDir Dir;
  RecordingAgent A;
  ServerOptions O = optionsIn(Dir);
  O.SocketPath = pathOfLength(Dir, 107);
  ServerThread S(A, O);
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, O.SocketPath));
  ASSERT_TRUE(sayHello(C).Accept);
  expectServed(C, 1);
  C.close();
  S.stop();
  EXPECT_TRUE(S.finalStats().Listened);
}

TEST(Server, ListenReportsMissingDirectory) {
  TempDir Dir;
  RecordingAgent A;
  ServerOptions O = optionsIn(Dir);
  O.SocketPath = Dir.file("missing/agent.sock");
  ServerThread S(A, O);
  std::string Err;
  // libuv alone says "permission denied".
  EXPECT_EQ(S.listen(Err), UV_ENOENT);
  EXPECT_EQ(Err, "directory '" + Dir.file("missing") + "' does not exist");
  S.stop();
  EXPECT_TRUE(entries(Dir.path()).empty());
}

TEST(Server, ListenReportsParentThatIsNotADirectory) {
  TempDir Dir;
  std::string File = Dir.write("file", "not a directory\n");
  RecordingAgent A;
  ServerOptions O = optionsIn(Dir);
  O.SocketPath = File + "/agent.sock";
  ServerThread S(A, O);
  std::string Err;
  EXPECT_EQ(S.listen(Err), UV_ENOTDIR);
  EXPECT_EQ(Err, "'" + File + "' is not a directory");
  S.stop();
}

TEST(Server, SecondHelloDropsClient) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  Channel C;
  ASSERT_TRUE(connectTo(C, Dir.file("agent.sock")));
  ASSERT_TRUE(sayHello(C).Accept);
  std::vector<uint8_t> Hello = buildHello(HelloDesc());
  std::string Err;
  ASSERT_TRUE(C.send(Hello.data(), Hello.size(), after(5000ms), Err)) << Err;
  EXPECT_NE(waitForClose(C).find("closed the connection"), std::string::npos);
  C.close();
  S.stop();
  EXPECT_EQ(S.finalStats().Dropped, 1u);
}

TEST(Server, StatsCountConnectionsDropsAndDecisions) {
  TempDir Dir;
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  ASSERT_TRUE(S.start());
  std::string Path = Dir.file("agent.sock");
  std::string Err;
  {
    Channel C;
    ASSERT_TRUE(connectTo(C, Path));
    ASSERT_TRUE(sayHello(C).Accept);
    for (uint64_t Id = 1; Id <= 3; ++Id)
      expectServed(C, Id);
    std::vector<uint8_t> Report = buildReport("m.c");
    ASSERT_TRUE(C.send(Report.data(), Report.size(), after(5000ms), Err));
  }
  {
    Channel Garbage;
    ASSERT_TRUE(connectTo(Garbage, Path));
    const uint8_t Junk[16] = {12, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    ASSERT_TRUE(writeAll(Garbage.fd(), Junk, sizeof(Junk)));
    waitForClose(Garbage);
  }
  {
    Channel Rude;
    ASSERT_TRUE(connectTo(Rude, Path));
    std::vector<uint8_t> Bytes = buildRequest(inlineRequest(9));
    ASSERT_TRUE(Rude.send(Bytes.data(), Bytes.size(), after(5000ms), Err));
    waitForClose(Rude);
  }
  ASSERT_TRUE(S.waitFor([](const ServerStats &St) { return St.Open == 0; }));
  ServerStats Live = S.stats();
  EXPECT_EQ(Live.Connections, 3u);
  EXPECT_EQ(Live.Dropped, 2u);
  EXPECT_EQ(Live.Decisions, 3u);
  EXPECT_EQ(Live.Reports, 1u);
  EXPECT_EQ(Live.Refused, 0u);
  EXPECT_EQ(Live.Open, 0u);
  S.stop();
  EXPECT_EQ(A.Reports, 1);
  EXPECT_EQ(A.Closed, 1) << "only the client that shook hands is reported";
}

// A bug in the two cases below would hang or kill the whole test binary, so
// each runs in a child process (a death test) with an alarm as its deadline.
// The child exits 0 when the server behaved; other codes say which step
// failed.

/// Closes the server while a compiler is still connected, the way
/// switchyard-agent stops on SIGINT.
[[noreturn]] void closeWithConnectedClient(const TempDir &Dir) {
  ::alarm(2);
  RecordingAgent A;
  ServerThread S(A, optionsIn(Dir));
  if (!S.start())
    std::_Exit(2);
  Channel C;
  std::string Err;
  if (!C.connect(Dir.file("agent.sock"), after(1000ms), Err) ||
      !sayHello(C).Accept)
    std::_Exit(3);
  S.stop(/*WaitForClients=*/false);
  std::_Exit(waitForClose(C).find("closed the connection") == std::string::npos
                 ? 4
                 : 0);
}

TEST(Server, CloseWithConnectedClientReturns) {
  TempDir Dir;
  EXPECT_EXIT(closeWithConnectedClient(Dir), ::testing::ExitedWithCode(0), "");
}

/// A compiler whose deadline passed asks, then hangs up while the agent is
/// still thinking; the agent then answers into a closed socket. The process
/// keeps SIGPIPE's default action, as switchyard-agent does.
[[noreturn]] void leaveBeforeReply(const TempDir &Dir) {
  ::alarm(2);
  std::signal(SIGPIPE, SIG_DFL);
  RecordingAgent A;
  A.Delay = 200ms;
  ServerThread S(A, optionsIn(Dir));
  if (!S.start())
    std::_Exit(2);
  std::string Path = Dir.file("agent.sock");
  std::string Err;
  {
    Channel Impatient;
    if (!Impatient.connect(Path, after(1000ms), Err) ||
        !sayHello(Impatient).Accept)
      std::_Exit(3);
    std::vector<uint8_t> Bytes = buildRequest(inlineRequest(1));
    if (!Impatient.send(Bytes.data(), Bytes.size(), after(1000ms), Err))
      std::_Exit(4);
    Clock::time_point Deadline = after(1000ms);
    while (A.Decisions == 0 && Clock::now() < Deadline)
      std::this_thread::sleep_for(1ms);
    if (A.Decisions == 0)
      std::_Exit(5);
  }
  std::this_thread::sleep_for(300ms);
  // Other compilers are still served.
  Channel Next;
  if (!Next.connect(Path, after(1000ms), Err) || !sayHello(Next).Accept ||
      !ask(Next, inlineRequest(2)).Err.empty())
    std::_Exit(6);
  std::_Exit(0);
}

TEST(Server, ClientLeavingBeforeItsReplyDoesNotKillServer) {
  TempDir Dir;
  EXPECT_EXIT(leaveBeforeReply(Dir), ::testing::ExitedWithCode(0), "");
}

} // namespace
} // namespace switchyard::test
