# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Builds the wheel with the protocol's flatc Python code in switchyard/fb.

The generated code is never committed: building runs `flatc --python` on
protocol/switchyard.fbs (or $SWITCHYARD_SCHEMA), with `flatc` from PATH (or
$FLATC), as the CMake build does, and `flatc --binary --schema` for the
binary schema `switchyard.bfbs` that the Verifier reads.
"""

import os
import shutil
import subprocess
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildPyWithProtocol(build_py):
    def run(self):
        super().run()
        schema = os.environ.get("SWITCHYARD_SCHEMA") or os.path.join(
            HERE, os.pardir, os.pardir, "protocol", "switchyard.fbs")
        if not os.path.isfile(schema):
            raise SystemExit("switchyard: cannot find the protocol schema at "
                             "%s; set SWITCHYARD_SCHEMA" % schema)
        flatc = os.environ.get("FLATC", "flatc")
        dest = os.path.join(self.build_lib, "switchyard", "fb")
        with tempfile.TemporaryDirectory() as tmp:
            try:
                subprocess.check_call([flatc, "--python", "-o", tmp, schema])
            except OSError as e:
                raise SystemExit("switchyard: cannot run %s (%s): apt-get "
                                 "install flatbuffers-compiler" % (flatc, e))
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(os.path.join(tmp, "switchyard", "fb"), dest)
            # The binary schema the Verifier reads its layouts from
            # (switchyard.schema); the .fbs copy is its fallback.
            subprocess.check_call([flatc, "--binary", "--schema", "-o",
                                   dest, schema])
        shutil.copy(schema, os.path.join(dest, "switchyard.fbs"))


setup(cmdclass={"build_py": BuildPyWithProtocol})
