//===- Server.cpp - A libuv server for many compiler connections ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "switchyard/Server.h"

#include "Channel.h"
#include "Codec.h"
#include "Framing.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <thread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace switchyard {

namespace {
/// A write in flight: libuv needs the bytes until its callback runs.
struct WriteRequest {
  uv_write_t Req;
  std::vector<uint8_t> Bytes;
};
} // namespace

struct Server::Client {
  Server *Owner;
  uv_pipe_t Pipe;
  uv_timer_t HandshakeTimer;
  int PendingCloses = 0;
  bool Closing = false;
  bool GotHello = false;
  bool AgentGreeted = false; ///< Agent::hello() ran: closed() is owed.
  bool GotReport = false;
  SessionInfo Session;
  ReceivedRequest Received; ///< Storage reused from request to request.
  FrameDecoder Decoder;
  std::vector<uint8_t> ReadChunk;
  flatbuffers::FlatBufferBuilder Builder{1024};
  std::vector<uint8_t> Out;
  Client *Prev = nullptr, *Next = nullptr;

  // Busy polling, adapted to this connection's gaps between an answer and
  // the next request.
  uint64_t AnsweredNs = 0;
  std::array<uint32_t, 64> GapsUs{};
  unsigned NumGaps = 0;
  uint32_t WindowUs;

  explicit Client(Server *Owner)
      : Owner(Owner), Decoder(Owner->Options.MaxFrame), ReadChunk(65536),
        WindowUs(std::min<uint32_t>(Owner->Options.BusyPollUs, 50)) {}

  void noteRequestArrived();
  void answered();

  void start();
  void drop(const std::string &Why);
  void closeHandles();
  void handle(const fb::Frame &F);
  void handleHello(const fb::Frame &F);
  void handleRequest(const fb::Frame &F);
  void sendBuilt();

  static void onAlloc(uv_handle_t *H, size_t, uv_buf_t *Buf);
  static void onRead(uv_stream_t *S, ssize_t N, const uv_buf_t *Buf);
  static void onWrite(uv_write_t *Req, int Status);
  static void onHandshakeTimeout(uv_timer_t *T);
  static void onClose(uv_handle_t *H);
};

Server::Server(uv_loop_t *Loop, Agent &TheAgent, ServerOptions Options)
    : Loop(Loop), TheAgent(TheAgent), Options(std::move(Options)),
      OnlineCpus(std::max(1u, std::thread::hardware_concurrency())) {}

Server::~Server() {
  assert((Closed || !Listening) && "close() the server and run its loop first");
}

void Server::log(const std::string &Line) {
  if (Options.Log)
    Options.Log(Line);
}

int Server::listen(std::string &Err) {
  const std::string &Path = Options.SocketPath;
  // libuv would bind a truncated path, and report a missing directory as
  // EACCES (as Windows does): check both first, and create nothing.
  constexpr size_t MaxPath = sizeof(sockaddr_un::sun_path) - 1;
  if (Path.size() > MaxPath) {
    Err = "socket path '" + Path + "' is " + std::to_string(Path.size()) +
          " bytes; the limit is " + std::to_string(MaxPath);
    return UV_ENAMETOOLONG;
  }
  size_t Slash = Path.rfind('/');
  std::string Dir = Slash == std::string::npos ? "."
                    : Slash == 0               ? "/"
                                               : Path.substr(0, Slash);
  struct stat DirSt;
  if (::stat(Dir.c_str(), &DirSt) != 0) {
    if (errno == ENOENT) {
      Err = "directory '" + Dir + "' does not exist";
      return UV_ENOENT;
    }
  } else if (!S_ISDIR(DirSt.st_mode)) {
    Err = "'" + Dir + "' is not a directory";
    return UV_ENOTDIR;
  }
  // A leftover socket from a dead agent is replaced; a live one is not.
  struct stat St;
  if (::lstat(Path.c_str(), &St) == 0) {
    if (!S_ISSOCK(St.st_mode)) {
      Err = "'" + Path + "' exists and is not a socket";
      return UV_EEXIST;
    }
    Channel Probe;
    std::string ProbeErr;
    if (Probe.connect(Path, Clock::now() + std::chrono::milliseconds(200),
                      ProbeErr)) {
      Err = "another agent is already serving '" + Path + "'";
      return UV_EADDRINUSE;
    }
    ::unlink(Path.c_str());
  }

  // A compiler that hangs up before its reply must not kill the agent:
  // libuv writes without MSG_NOSIGNAL, so SIGPIPE is ignored process-wide,
  // as libuv's documentation advises for servers.
  ::signal(SIGPIPE, SIG_IGN);

  int R = uv_pipe_init(Loop, &Listener, /*ipc=*/0);
  if (R < 0) {
    Err = std::string("uv_pipe_init: ") + uv_strerror(R);
    return R;
  }
  Listener.data = this;
  uv_idle_init(Loop, &Spinner);
  Spinner.data = this;
  // Busy-polling never keeps the loop alive by itself.
  uv_unref(reinterpret_cast<uv_handle_t *>(&Spinner));
  Listening = true;
  // Created owner-only from the start: no window where others may connect.
  mode_t Old = ::umask(0177);
  R = uv_pipe_bind(&Listener, Path.c_str());
  ::umask(Old);
  if (R == 0)
    R = uv_listen(reinterpret_cast<uv_stream_t *>(&Listener), 511,
                  &Server::onConnection);
  if (R < 0) {
    Err = "cannot listen on '" + Path + "': " + uv_strerror(R);
    return R;
  }
  Stats.Listened = true;
  return 0;
}

void Server::close() {
  if (Closed)
    return;
  Closed = true;
  if (Listening) {
    if (uv_is_active(reinterpret_cast<uv_handle_t *>(&Spinner)))
      Stats.PolledNs += uv_hrtime() - PollStartNs;
    uv_close(reinterpret_cast<uv_handle_t *>(&Spinner), nullptr);
    uv_close(reinterpret_cast<uv_handle_t *>(&Listener), nullptr);
    ::unlink(Options.SocketPath.c_str());
  }
  // A client leaves the list only in its close callback, so walk the
  // list instead of waiting for it to empty: that would spin forever.
  for (Client *C = Clients; C; C = C->Next)
    C->closeHandles();
}

void Server::busyPoll(uint32_t WindowUs) {
  // With as many compilers as CPUs, one of them almost always has the next
  // request ready, and spinning would take a CPU away from them.
  if (WindowUs == 0 || Closed || Stats.Open >= OnlineCpus)
    return;
  uint64_t Now = uv_hrtime();
  PollUntilNs = std::max<uint64_t>(PollUntilNs, Now + WindowUs * 1000ull);
  // An active idle handle makes each loop iteration poll with a zero
  // timeout instead of sleeping.
  if (!uv_is_active(reinterpret_cast<uv_handle_t *>(&Spinner))) {
    PollStartNs = Now;
    uv_idle_start(&Spinner, &Server::onBusyPoll);
  }
}

void Server::onBusyPoll(uv_idle_t *Idle) {
  auto *Self = static_cast<Server *>(Idle->data);
  uint64_t Now = uv_hrtime();
  if (Now <= Self->PollUntilNs)
    return;
  uv_idle_stop(Idle);
  Self->Stats.PolledNs += Now - Self->PollStartNs;
  Self->PollUntilNs = 0;
}

/// Chooses the polling window W that minimises, over the recent gaps g,
/// the mean of min(g, W) + (g > W ? WakeCostUs : 0): polling until the
/// request comes, or polling for W and then paying a wake-up.
static uint32_t chooseWindow(const uint32_t *GapsUs, unsigned N,
                             uint32_t MaxUs, uint32_t WakeCostUs) {
  std::array<uint32_t, 64> Sorted;
  std::copy(GapsUs, GapsUs + N, Sorted.begin());
  std::sort(Sorted.begin(), Sorted.begin() + N);
  // Candidates: 0 and each gap within the limit. For W = Sorted[K], the
  // first K + 1 gaps are caught and the rest pay W and a wake-up.
  uint64_t BestCost = static_cast<uint64_t>(N) * WakeCostUs, Caught = 0;
  uint32_t Best = 0;
  for (unsigned K = 0; K < N && Sorted[K] <= MaxUs; ++K) {
    Caught += Sorted[K];
    uint64_t Cost = Caught + static_cast<uint64_t>(N - K - 1) *
                                 (Sorted[K] + WakeCostUs);
    if (Cost < BestCost) {
      BestCost = Cost;
      Best = Sorted[K];
    }
  }
  return Best;
}

void Server::Client::noteRequestArrived() {
  if (AnsweredNs == 0)
    return;
  uint64_t Now = uv_hrtime();
  if (Owner->PollUntilNs == 0 && Owner->Options.BusyPollUs)
    ++Owner->Stats.WokenRequests;
  uint64_t GapUs = (Now - AnsweredNs) / 1000;
  GapsUs[NumGaps++ % GapsUs.size()] =
      static_cast<uint32_t>(std::min<uint64_t>(GapUs, UINT32_MAX));
  // Every 16 requests, once the first 16 have been seen.
  if (NumGaps % 16 == 0)
    WindowUs = chooseWindow(
        GapsUs.data(),
        static_cast<unsigned>(std::min<size_t>(NumGaps, GapsUs.size())),
        Owner->Options.BusyPollUs, Owner->Options.WakeCostUs);
}

void Server::Client::answered() {
  AnsweredNs = uv_hrtime();
  Owner->busyPoll(WindowUs);
}

void Server::onConnection(uv_stream_t *Listener, int Status) {
  auto *Self = static_cast<Server *>(Listener->data);
  if (Status < 0) {
    Self->log(std::string("accept failed: ") + uv_strerror(Status));
    return;
  }
  Self->accept();
}

void Server::accept() {
  auto *C = new Client(this);
  uv_pipe_init(Loop, &C->Pipe, 0);
  uv_timer_init(Loop, &C->HandshakeTimer);
  C->Pipe.data = C;
  C->HandshakeTimer.data = C;
  C->Next = Clients;
  if (Clients)
    Clients->Prev = C;
  Clients = C;
  ++Stats.Open;
  if (int R = uv_accept(reinterpret_cast<uv_stream_t *>(&Listener),
                        reinterpret_cast<uv_stream_t *>(&C->Pipe))) {
    log(std::string("accept failed: ") + uv_strerror(R));
    C->closeHandles();
    return;
  }
  ++Stats.Connections;
  C->Session.Id = Stats.Connections;

  uv_os_fd_t Fd;
  ucred Cred{};
  socklen_t Len = sizeof(Cred);
  if (uv_fileno(reinterpret_cast<uv_handle_t *>(&C->Pipe), &Fd) != 0 ||
      ::getsockopt(Fd, SOL_SOCKET, SO_PEERCRED, &Cred, &Len) != 0) {
    ++Stats.Refused;
    log("client " + std::to_string(C->Session.Id) +
        ": cannot read peer credentials; refused");
    C->closeHandles();
    return;
  }
  if (!Options.AllowOtherUsers && Cred.uid != ::geteuid()) {
    ++Stats.Refused;
    log("client " + std::to_string(C->Session.Id) + " (pid " +
        std::to_string(Cred.pid) + ", uid " + std::to_string(Cred.uid) +
        "): another user; refused");
    C->closeHandles();
    return;
  }
  C->Session.Pid = Cred.pid;
  C->start();
}

void Server::Client::start() {
  uv_timer_start(&HandshakeTimer, &Client::onHandshakeTimeout,
                 Owner->Options.HandshakeTimeoutMs, 0);
  uv_read_start(reinterpret_cast<uv_stream_t *>(&Pipe), &Client::onAlloc,
                &Client::onRead);
}

void Server::Client::drop(const std::string &Why) {
  if (Closing)
    return;
  ++Owner->Stats.Dropped;
  Owner->log("client " + std::to_string(Session.Id) + " (pid " +
             std::to_string(Session.Pid) +
             (Session.Module.empty() ? "" : ", module " + Session.Module) +
             "): " + Why + "; closed");
  closeHandles();
}

void Server::Client::closeHandles() {
  if (Closing)
    return;
  Closing = true;
  if (AgentGreeted)
    Owner->TheAgent.closed(Session);
  PendingCloses = 2;
  uv_close(reinterpret_cast<uv_handle_t *>(&Pipe), &Client::onClose);
  uv_close(reinterpret_cast<uv_handle_t *>(&HandshakeTimer), &Client::onClose);
}

void Server::Client::onClose(uv_handle_t *H) {
  auto *C = static_cast<Client *>(H->data);
  if (--C->PendingCloses > 0)
    return;
  Server *S = C->Owner;
  if (C->Prev)
    C->Prev->Next = C->Next;
  else
    S->Clients = C->Next;
  if (C->Next)
    C->Next->Prev = C->Prev;
  --S->Stats.Open;
  delete C;
}

void Server::Client::onHandshakeTimeout(uv_timer_t *T) {
  static_cast<Client *>(T->data)->drop("no handshake within the time limit");
}

void Server::Client::onAlloc(uv_handle_t *H, size_t, uv_buf_t *Buf) {
  auto *C = static_cast<Client *>(H->data);
  *Buf = uv_buf_init(reinterpret_cast<char *>(C->ReadChunk.data()),
                     static_cast<unsigned>(C->ReadChunk.size()));
}

void Server::Client::onRead(uv_stream_t *S, ssize_t N, const uv_buf_t *Buf) {
  auto *C = static_cast<Client *>(S->data);
  if (N == UV_EOF) {
    if (C->Decoder.pending())
      C->drop("connection closed mid-frame");
    else if (C->GotHello && !C->GotReport)
      C->drop("connection closed before the module report");
    else
      C->closeHandles();
    return;
  }
  if (N < 0) {
    C->drop(std::string("read error: ") + uv_strerror(static_cast<int>(N)));
    return;
  }
  C->Decoder.feed(reinterpret_cast<const uint8_t *>(Buf->base),
                  static_cast<size_t>(N));
  for (;;) {
    if (C->Closing)
      return;
    const fb::Frame *F = nullptr;
    std::string Err;
    switch (C->Decoder.next(F, Err)) {
    case FrameDecoder::Status::NeedMore:
      return;
    case FrameDecoder::Status::Error:
      C->drop("bad frame: " + Err);
      return;
    case FrameDecoder::Status::Ready:
      C->handle(*F);
      break;
    }
  }
}

void Server::Client::handle(const fb::Frame &F) {
  switch (F.message_type()) {
  case fb::Message::Hello:
    if (GotHello)
      return drop("second handshake on one connection");
    return handleHello(F);
  case fb::Message::DecisionRequest:
    if (!GotHello)
      return drop("decision request before the handshake");
    return handleRequest(F);
  case fb::Message::ModuleReport: {
    if (!GotHello)
      return drop("module report before the handshake");
    Expected<ModuleReport> Report = decodeReport(F);
    if (!Report)
      return drop(Report.error());
    ++Owner->Stats.Reports;
    GotReport = true;
    if (Owner->Options.OnReport)
      Owner->Options.OnReport(Session, *Report);
    Owner->TheAgent.report(Session, *Report);
    return;
  }
  default:
    return drop("unexpected message type " +
                std::to_string(static_cast<int>(F.message_type())));
  }
}

void Server::Client::handleHello(const fb::Frame &F) {
  uv_timer_stop(&HandshakeTimer);
  GotHello = true;
  Expected<SessionInfo> Described = decodeHello(F);
  if (!Described)
    return drop(Described.error());
  Described->Id = Session.Id;
  Described->Pid = Session.Pid;
  Session = std::move(*Described);

  HelloAnswer A;
  if (std::string Why = unsupportedVersion(Session.Version); !Why.empty()) {
    A.Accept = false;
    A.Reason = Why;
  } else {
    if (Owner->Options.OnHello)
      Owner->Options.OnHello(Session);
    A = Owner->TheAgent.hello(Session);
    AgentGreeted = true;
    if (!Owner->Options.LocalRules.empty())
      A.LocalRules = Owner->Options.LocalRules +
                     (A.LocalRules.empty() ? "" : "\n" + A.LocalRules);
    if (Owner->Options.Features != ServerOptions::FeatureRequest::AsSubscribed)
      for (SubscriptionSpec &S : A.Subscriptions)
        S.NoFeatures =
            Owner->Options.Features == ServerOptions::FeatureRequest::None;
  }
  encodeHelloReply(Builder, A);
  sendBuilt();
  if (!A.Accept)
    drop("handshake refused: " + A.Reason);
  else
    answered();
}

void Server::Client::handleRequest(const fb::Frame &F) {
  noteRequestArrived();
  std::string Err;
  if (!decodeRequest(F, Session, Received, Err))
    return drop(Err);
  const DecisionRequest &R = Received.Request;
  Answer A = Owner->TheAgent.decide(Session, R);
  ++Owner->Stats.Decisions;
  if (Owner->Options.OnDecision)
    Owner->Options.OnDecision(Session, Received.Id, R, A);
  encodeReply(Builder, A, Received.Id);
  sendBuilt();
  answered();
}

void Server::Client::sendBuilt() {
  Out.clear();
  appendFrame(Out, Builder.GetBufferPointer(), Builder.GetSize());
  // Most replies fit in the socket buffer: try that first, allocate only for
  // the rest.
  uv_buf_t Buf = uv_buf_init(reinterpret_cast<char *>(Out.data()),
                             static_cast<unsigned>(Out.size()));
  int Written = uv_try_write(reinterpret_cast<uv_stream_t *>(&Pipe), &Buf, 1);
  if (Written == static_cast<int>(Out.size()))
    return;
  if (Written < 0 && Written != UV_EAGAIN) {
    drop(std::string("write error: ") + uv_strerror(Written));
    return;
  }
  size_t Done = Written > 0 ? static_cast<size_t>(Written) : 0;
  auto *W = new WriteRequest;
  W->Bytes.assign(Out.begin() + Done, Out.end());
  W->Req.data = this;
  Buf = uv_buf_init(reinterpret_cast<char *>(W->Bytes.data()),
                    static_cast<unsigned>(W->Bytes.size()));
  if (int R = uv_write(&W->Req, reinterpret_cast<uv_stream_t *>(&Pipe), &Buf,
                       1, &Client::onWrite)) {
    delete W;
    drop(std::string("write error: ") + uv_strerror(R));
  }
}

void Server::Client::onWrite(uv_write_t *Req, int Status) {
  auto *W = reinterpret_cast<WriteRequest *>(Req);
  // The client may already be closing; libuv still calls back with
  // UV_ECANCELED before the pipe's close callback, so the client is alive.
  if (Status < 0 && Status != UV_ECANCELED)
    static_cast<Client *>(Req->data)
        ->drop(std::string("write error: ") + uv_strerror(Status));
  delete W;
}

} // namespace switchyard
