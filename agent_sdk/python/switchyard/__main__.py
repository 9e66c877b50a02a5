# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""`python3 -m switchyard`: serve a built-in policy, like switchyard-agent;
`python3 -m switchyard run|baselines|paths ...`: the search runner and where
things are (switchyard.cli.command; the installed `switchyard` command runs
the same)."""

import sys

from .cli import command

sys.exit(command())
