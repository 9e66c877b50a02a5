//===- Run.h - Serve an agent until its command or a signal ends ----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//

#ifndef SWITCHYARD_RUN_H
#define SWITCHYARD_RUN_H

#include "switchyard/Server.h"

#include <string>
#include <vector>

namespace switchyard {

struct RunOptions {
  ServerOptions Server;
  /// If not empty: run this command with SWITCHYARD_AGENT set to the socket,
  /// serve it and every compiler it starts, and end when it ends.
  std::vector<std::string> Command;
  /// Prefix of error messages.
  std::string ProgramName = "switchyard-agent";
};

/// Serves \p A on its own libuv loop. With a command, returns the command's
/// exit status (128 + signal if it was killed); without one, serves until
/// SIGINT or SIGTERM. Returns 1 if the socket cannot be served. \p Stats, if
/// given, receives the server's counters.
int runAgent(Agent &A, const RunOptions &Options, ServerStats *Stats = nullptr);

/// The whole main() of a small agent: parses `--socket PATH [-- COMMAND
/// ARGS...]` and calls runAgent().
int agentMain(Agent &A, int Argc, char **Argv);

} // namespace switchyard

#endif // SWITCHYARD_RUN_H
