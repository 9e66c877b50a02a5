//===- Run.cpp - Serve an agent until its command or a signal ends --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#include "switchyard/Run.h"

#include <cstdio>
#include <cstring>

extern char **environ;

namespace switchyard {

namespace {
struct Runtime {
  Server *TheServer = nullptr;
  uv_signal_t SigInt, SigTerm;
  uv_process_t Child;
  bool HasChild = false;
  int64_t ExitStatus = 0;
};

void stopEverything(Runtime &RT) {
  RT.TheServer->close();
  uv_close(reinterpret_cast<uv_handle_t *>(&RT.SigInt), nullptr);
  uv_close(reinterpret_cast<uv_handle_t *>(&RT.SigTerm), nullptr);
}

void onSignal(uv_signal_t *H, int Signum) {
  auto *RT = static_cast<Runtime *>(H->data);
  if (RT->HasChild) {
    // The command decides when we are done; pass the signal on.
    uv_process_kill(&RT->Child, Signum);
    return;
  }
  RT->ExitStatus = 128 + Signum;
  stopEverything(*RT);
}

void onChildExit(uv_process_t *P, int64_t Status, int TermSignal) {
  auto *RT = static_cast<Runtime *>(P->data);
  RT->ExitStatus = TermSignal ? 128 + TermSignal : Status;
  RT->HasChild = false;
  uv_close(reinterpret_cast<uv_handle_t *>(P), nullptr);
  stopEverything(*RT);
}
} // namespace

int runAgent(Agent &A, const RunOptions &O, ServerStats *Stats) {
  const char *Prog = O.ProgramName.c_str();
  uv_loop_t Loop;
  uv_loop_init(&Loop);
  int Status = 0;
  {
    Server TheServer(&Loop, A, O.Server);
    std::string Err;
    if (TheServer.listen(Err) < 0) {
      std::fprintf(stderr, "%s: error: %s\n", Prog, Err.c_str());
      TheServer.close();
      uv_run(&Loop, UV_RUN_DEFAULT);
      uv_loop_close(&Loop);
      return 1;
    }

    Runtime RT;
    RT.TheServer = &TheServer;
    uv_signal_init(&Loop, &RT.SigInt);
    uv_signal_init(&Loop, &RT.SigTerm);
    RT.SigInt.data = RT.SigTerm.data = &RT;
    uv_signal_start(&RT.SigInt, onSignal, SIGINT);
    uv_signal_start(&RT.SigTerm, onSignal, SIGTERM);

    std::vector<std::string> EnvStore, ArgStore = O.Command;
    if (!O.Command.empty()) {
      for (char **E = environ; *E; ++E)
        if (std::strncmp(*E, "SWITCHYARD_AGENT=", 17) != 0)
          EnvStore.push_back(*E);
      EnvStore.push_back("SWITCHYARD_AGENT=" + O.Server.SocketPath);
      std::vector<char *> Env, Args;
      for (std::string &E : EnvStore)
        Env.push_back(E.data());
      Env.push_back(nullptr);
      for (std::string &Arg : ArgStore)
        Args.push_back(Arg.data());
      Args.push_back(nullptr);

      uv_stdio_container_t Stdio[3];
      for (int I = 0; I < 3; ++I) {
        Stdio[I].flags = UV_INHERIT_FD;
        Stdio[I].data.fd = I;
      }
      uv_process_options_t PO{};
      PO.file = Args[0];
      PO.args = Args.data();
      PO.env = Env.data();
      PO.exit_cb = onChildExit;
      PO.stdio = Stdio;
      PO.stdio_count = 3;
      RT.Child.data = &RT;
      if (int R = uv_spawn(&Loop, &RT.Child, &PO)) {
        std::fprintf(stderr, "%s: cannot run '%s': %s\n", Prog, Args[0],
                     uv_strerror(R));
        uv_close(reinterpret_cast<uv_handle_t *>(&RT.Child), nullptr);
        RT.ExitStatus = 127;
        stopEverything(RT);
      } else {
        RT.HasChild = true;
      }
    }

    uv_run(&Loop, UV_RUN_DEFAULT);
    if (Stats)
      *Stats = TheServer.stats();
    Status = static_cast<int>(RT.ExitStatus);
  }
  uv_loop_close(&Loop);
  return Status;
}

int agentMain(Agent &A, int Argc, char **Argv) {
  RunOptions O;
  O.ProgramName = Argc > 0 ? Argv[0] : "agent";
  for (int I = 1; I < Argc; ++I) {
    if (std::strcmp(Argv[I], "--socket") == 0 && I + 1 < Argc) {
      O.Server.SocketPath = Argv[++I];
    } else if (std::strcmp(Argv[I], "--") == 0) {
      O.Command.assign(Argv + I + 1, Argv + Argc);
      break;
    } else {
      std::fprintf(stderr, "usage: %s --socket PATH [-- COMMAND ARGS...]\n",
                   O.ProgramName.c_str());
      return 2;
    }
  }
  if (O.Server.SocketPath.empty()) {
    std::fprintf(stderr, "usage: %s --socket PATH [-- COMMAND ARGS...]\n",
                 O.ProgramName.c_str());
    return 2;
  }
  O.Server.Log = [&O](const std::string &Line) {
    std::fprintf(stderr, "%s: %s\n", O.ProgramName.c_str(), Line.c_str());
  };
  return runAgent(A, O);
}

} // namespace switchyard
