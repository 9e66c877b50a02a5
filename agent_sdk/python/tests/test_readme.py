# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The README's complete agent is the example file, and works as written."""

import os
import re
import shlex
import subprocess
import sys

from conftest import (BUILD_DIR, SDK_DIR, SOURCE_ROOT, compiler_env,
                      function_ir)

README = os.path.join(SDK_DIR, "README.md")
EXAMPLE = os.path.join(SDK_DIR, "examples", "minimal_agent.py")


def readme_blocks(language):
    with open(README) as f:
        text = f.read()
    section = text.split("## A complete agent", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```%s\n(.*?)```" % language, section, re.S)


def test_readme_agent_is_the_example_verbatim():
    (code,) = readme_blocks("python")
    with open(EXAMPLE) as f:
        assert code == f.read()
    assert len(code.splitlines()) <= 20


def test_readme_command_runs_the_example(opt, plugin, sock_path, tmp_path):
    (command,) = readme_blocks("sh")
    argv = shlex.split(command.replace("\\\n", " "))
    out = str(tmp_path / "out.ll")
    substitutions = {"python3": sys.executable, "opt-22": opt,
                     "/tmp/sy.sock": sock_path, "out.ll": out}
    argv = [substitutions.get(a, a) for a in argv]
    argv = [a.replace("=build/", "=" + BUILD_DIR + "/") for a in argv]
    result = subprocess.run(argv, cwd=SOURCE_ROOT, env=compiler_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines() == [
        "pass-gate SROAPass %s {'unit_kind': 2.0, 'unit_inst_count': 5.0, "
        "'unit_block_count': 1.0, 'execution_index': %d.0, "
        "'occurrence': 0.0}" % (name, index)
        for index, name in enumerate(["foo", "bar"])]
    with open(out) as f:
        ir = f.read()
    assert "alloca" not in "\n".join(function_ir(ir, "foo"))
    assert "  %slot = alloca i32, align 4" in function_ir(ir, "bar")
