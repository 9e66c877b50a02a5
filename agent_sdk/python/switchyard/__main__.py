# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""`python3 -m switchyard`: serve a built-in policy, like switchyard-agent;
`python3 -m switchyard run|baselines ...`: search agents over benchmarks
(switchyard.runner)."""

import sys

from .cli import main

if len(sys.argv) > 1 and sys.argv[1] in ("run", "baselines"):
    from .runner import main as runner_main
    sys.exit(runner_main(sys.argv[1:]))

sys.exit(main())
