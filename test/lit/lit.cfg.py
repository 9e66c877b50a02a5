# -*- Python -*-
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
import os

import lit.formats

config.name = "Switchyard"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".ll", ".c", ".test", ".mlir"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.switchyard_obj_root, "test", "lit")

# Unversioned LLVM tools (opt, clang, FileCheck, not, count) come from LLVM
# 22's own bin directory, as in LLVM's test suite.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
# A test sets SWITCHYARD_* itself; nothing leaks in from the caller.
for var in list(os.environ):
    if var.startswith("SWITCHYARD_"):
        config.environment.pop(var, None)

bin_dir = config.switchyard_obj_root
config.substitutions.append(
    ("%switchyard_plugin", os.path.join(bin_dir, "plugin", "libSwitchyard.so")))
config.substitutions.append(
    ("%switchyard_mlir_plugin",
     os.path.join(bin_dir, "mlir", "libSwitchyardMLIR.so")))
config.substitutions.append(
    ("%agent", os.path.join(bin_dir, "agent_sdk", "switchyard-agent")))
config.substitutions.append(
    ("%fault_agent", os.path.join(bin_dir, "test", "tools", "fault-agent")))
config.substitutions.append(
    ("%example_agent",
     os.path.join(bin_dir, "agent_sdk", "switchyard-example-agent")))
config.substitutions.append(
    ("%prove", os.path.join(bin_dir, "rewrite", "switchyard-prove")))
config.substitutions.append(("%python", config.python3))
# The Python SDK of this checkout and build, for tests that make inputs
# with it (model files).
config.substitutions.append(
    ("%sdk_python", "env PYTHONPATH=%s:%s PYTHONDONTWRITEBYTECODE=1 %s" % (
        os.path.join(config.switchyard_src_root, "agent_sdk", "python"),
        os.path.join(bin_dir, "agent_sdk", "python", "gen"),
        config.python3)))
config.substitutions.append(
    ("%switchyard_model", os.path.join(bin_dir, "core", "switchyard-model")))
config.substitutions.append(("%switchyard_obj_root", bin_dir))
# mlir-runner's support libraries, as Debian installs them beside LLVM.
config.substitutions.append(
    ("%mlir_runner_libs", ",".join(
        os.path.join(os.path.dirname(config.llvm_tools_dir), "lib", lib)
        for lib in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so"))))
config.substitutions.append(
    ("%examples", os.path.join(config.switchyard_src_root, "examples")))
config.substitutions.append(
    ("%compat", os.path.join(config.switchyard_src_root, "test", "compat")))
