# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""MLIR kernels, their lowering, and the runtime reward.

A kernel is a `.mlir` file with one `func.func @kernel` on tensors
(examples/mlir/kernels). `harness()` wraps it in a module with a `@main`
that fills each input with fixed values, calls the kernel once and prints
a 64-bit hash of the result's bits, then times `reps` further calls with
`rtclock()`. `run_kernel()` compiles that module with mlir-opt-22 (the
Switchyard passes first, under an agent or policy, then a fixed lowering to
the LLVM dialect) and runs it with mlir-runner-22 and Debian's runner
libraries.

The reference result of a kernel is the hash its untiled default lowering
prints, kept beside it in `<kernel>.ref`. A different hash is an invalid
episode, never a reward: tiling, interchange and fusion keep every
floating-point operation and its order, so results must be bit-exact. Only
answers the plugin offers with SWITCHYARD_ALLOW_FP_REORDER=1 (vectorizing
a reduction) may round differently; they are checked with `close()`
against the reference values the harness also prints.
"""

import os
import re
import statistics
import subprocess
import tempfile

import numpy as np

from .compiler import Compile
from .messages import Answer, Request, Subscription
from .spaces import Box, Env
from .tools import ToolError, _build_dir_of_package

__all__ = ["KERNELS_DIR", "LOWERING", "kernels", "harness", "find_mlir_plugin",
           "find_mlir_tool", "run_kernel", "RunResult", "runtime_reward",
           "KernelMismatch", "compile_with_agent", "evaluate",
           "fixed_tiling", "random_tiling", "MLIRTilingEnv"]

KERNELS_DIR = os.path.normpath(os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "examples", "mlir",
    "kernels"))

#: The lowering after the Switchyard passes: the same for every answer and
#: for the reference, so only the agent's decisions differ.
LOWERING = ("canonicalize,cse,"
            "one-shot-bufferize{bufferize-function-boundaries "
            "function-boundary-type-conversion=identity-layout-map},"
            "canonicalize,convert-vector-to-scf,convert-linalg-to-loops,"
            "lower-affine,convert-scf-to-cf,expand-strided-metadata,"
            "lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,"
            "convert-arith-to-llvm,convert-math-to-llvm,convert-index-to-llvm,"
            "convert-ub-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,"
            "reconcile-unrealized-casts")

_LIB_DIR = "/usr/lib/llvm-22/lib"
_RUNNER_LIBS = [os.path.join(_LIB_DIR, "libmlir_c_runner_utils.so"),
                os.path.join(_LIB_DIR, "libmlir_runner_utils.so")]


class KernelMismatch(RuntimeError):
    """A kernel's result differs from its reference: an invalid episode."""


def find_mlir_tool(name):
    """mlir-opt-22 or mlir-runner-22 (or SWITCHYARD_MLIR_OPT / _RUNNER)."""
    var = "SWITCHYARD_" + name.upper().replace("-", "_")
    if os.environ.get(var):
        return os.environ[var]
    for candidate in (name + "-22", os.path.join("/usr/lib/llvm-22/bin", name)):
        for d in [""] + os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(d, candidate) if d else candidate
            if os.path.isabs(path) and os.access(path, os.X_OK):
                return path
    raise ToolError("cannot find %s-22 (apt-get install mlir-22-tools)" % name)


def find_mlir_plugin(path=None):
    """libSwitchyardMLIR.so: \\p path, SWITCHYARD_MLIR_PLUGIN, or the build
    tree (SWITCHYARD_BUILD_DIR, or the one this package was imported from)."""
    candidates = [path, os.environ.get("SWITCHYARD_MLIR_PLUGIN")]
    for build in (os.environ.get("SWITCHYARD_BUILD_DIR"),
                  _build_dir_of_package()):
        if build:
            candidates.append(os.path.join(build, "mlir",
                                           "libSwitchyardMLIR.so"))
    for c in candidates:
        if c and os.path.isfile(c):
            return os.path.abspath(c)
    raise ToolError("cannot find libSwitchyardMLIR.so: pass plugin=, or set "
                    "SWITCHYARD_MLIR_PLUGIN or SWITCHYARD_BUILD_DIR")


def kernels():
    """The bundled kernels' names, sorted."""
    return sorted(f[:-5] for f in os.listdir(KERNELS_DIR)
                  if f.endswith(".mlir"))


def kernel_path(name):
    return os.path.join(KERNELS_DIR, name + ".mlir")


_SIGNATURE = re.compile(r"func\.func @kernel\((.*?)\)\s*->\s*(tensor<[^>]*>)",
                        re.S)
_TENSOR = re.compile(r"tensor<([0-9x]+)xf32>")


def _shape(tensor_type):
    m = _TENSOR.fullmatch(tensor_type.strip())
    if not m:
        raise ValueError("kernel types must be static f32 tensors, got %s"
                         % tensor_type)
    return [int(d) for d in m.group(1).split("x")]


def _type(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape)


def _fill(name, shape, salt):
    """A function that returns a tensor of \\p shape whose element at
    index (i, j, ...) is ((i*7 + j*13 + ... + salt) mod 17) * 0.37 - 3:
    fixed, varied, and not exactly representable, so any reordering of a
    sum would show in the bits of the result."""
    rank = len(shape)
    dims = ", ".join("d%d" % i for i in range(rank))
    primes = [7, 13, 5, 11, 3, 17, 19][:rank]
    body = ["    %%i%d = linalg.index %d : index" % (k, k) for k in range(rank)]
    body.append("    %%acc0 = arith.constant %d : index" % salt)
    for k in range(rank):
        body.append("    %%p%d = arith.constant %d : index" % (k, primes[k]))
        body.append("    %%m%d = arith.muli %%i%d, %%p%d : index" % (k, k, k))
        body.append("    %%acc%d = arith.addi %%acc%d, %%m%d : index"
                    % (k + 1, k, k))
    body += ["    %c17 = arith.constant 17 : index",
             "    %%r = arith.remui %%acc%d, %%c17 : index" % rank,
             "    %ri = arith.index_cast %r : index to i32",
             "    %f = arith.sitofp %ri : i32 to f32",
             "    %s = arith.constant 0.37 : f32",
             "    %o = arith.constant 3.0 : f32",
             "    %fs = arith.mulf %f, %s : f32",
             "    %v = arith.subf %fs, %o : f32",
             "    linalg.yield %v : f32"]
    return """func.func @%s() -> %s {
  %%e = tensor.empty() : %s
  %%t = linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>],
      iterator_types = [%s]} outs(%%e : %s) {
  ^bb0(%%out: f32):
%s
  } -> %s
  return %%t : %s
}
""" % (name, _type(shape), _type(shape), dims, dims,
       ", ".join(['"parallel"'] * rank), _type(shape), "\n".join(body),
       _type(shape), _type(shape))


def harness(kernel_text, reps=5):
    """The kernel's text with the init functions and `@main` that run it:
    main prints the result's hash, its first elements, then \\p reps
    timings in seconds."""
    m = _SIGNATURE.search(kernel_text)
    if not m:
        raise ValueError("no `func.func @kernel(...) -> tensor<...>` found")
    args = [a.split(":", 1)[1] for a in m.group(1).split(",") if ":" in a]
    in_shapes = [_shape(a) for a in args]
    out_shape = _shape(m.group(2))
    n = 1
    for d in out_shape:
        n *= d
    parts = [kernel_text]
    for k, s in enumerate(in_shapes):
        parts.append(_fill("init%d" % k, s, 3 * k + 1))
    calls = []
    for k, s in enumerate(in_shapes):
        calls.append("  %%in%d = call @init%d() : () -> %s" % (k, k, _type(s)))
    arg_list = ", ".join("%%in%d" % k for k in range(len(in_shapes)))
    arg_types = ", ".join(_type(s) for s in in_shapes)
    call = "func.call @kernel(%s) : (%s) -> %s" % (arg_list, arg_types,
                                              _type(out_shape))
    flat = "tensor<%dxf32>" % n
    reassoc = "[[%s]]" % ", ".join(str(i) for i in range(len(out_shape)))
    parts.append("""func.func private @rtclock() -> f64
func.func @digest(%%r: %(out)s) -> i64 {
  %%flat = tensor.collapse_shape %%r %(reassoc)s : %(out)s into %(flat)s
  %%c0 = arith.constant 0 : index
  %%c1 = arith.constant 1 : index
  %%n = arith.constant %(n)d : index
  %%h0 = arith.constant 1469598103934665603 : i64
  %%prime = arith.constant 1099511628211 : i64
  %%h = scf.for %%i = %%c0 to %%n step %%c1 iter_args(%%acc = %%h0) -> (i64) {
    %%x = tensor.extract %%flat[%%i] : %(flat)s
    %%b = arith.bitcast %%x : f32 to i32
    %%w = arith.extui %%b : i32 to i64
    %%y = arith.xori %%acc, %%w : i64
    %%z = arith.muli %%y, %%prime : i64
    scf.yield %%z : i64
  }
  return %%h : i64
}
func.func @main() {
%(calls)s
  %%r = %(call)s
  %%h = func.call @digest(%%r) : (%(out)s) -> i64
  vector.print %%h : i64
  %%flat = tensor.collapse_shape %%r %(reassoc)s : %(out)s into %(flat)s
  %%c0 = arith.constant 0 : index
  %%c1 = arith.constant 1 : index
  %%k = arith.constant %(shown)d : index
  scf.for %%i = %%c0 to %%k step %%c1 {
    %%x = tensor.extract %%flat[%%i] : %(flat)s
    vector.print %%x : f32
  }
  // Each timed result is hashed after the clock stops, so no run's work
  // is dead code that LLVM could drop; a hash that differs from the first
  // (nondeterminism) is reported as a failure by the caller.
  %%reps = arith.constant %(reps)d : index
  scf.for %%i = %%c0 to %%reps step %%c1 {
    %%t0 = func.call @rtclock() : () -> f64
    %%again = %(call)s
    %%t1 = func.call @rtclock() : () -> f64
    %%dt = arith.subf %%t1, %%t0 : f64
    vector.print %%dt : f64
    %%h2 = func.call @digest(%%again) : (%(out)s) -> i64
    %%same = arith.cmpi eq, %%h2, %%h : i64
    cf.assert %%same, "a repeated run gave a different result"
  }
  return
}
""" % dict(calls="\n".join(calls), call=call, reassoc=reassoc,
           out=_type(out_shape), flat=flat, n=n, shown=min(n, 8), reps=reps))
    return "\n".join(parts)


class RunResult:
    """One run: the result's hash, its first values, and the timings."""

    def __init__(self, digest, values, times, ir_ops):
        self.digest = digest
        self.values = values
        self.times = times
        self.ir_ops = ir_ops

    @property
    def median(self):
        return statistics.median(self.times) if self.times else 0.0

    @property
    def spread(self):
        """Half the interquartile range, relative to the median."""
        if len(self.times) < 2 or self.median == 0:
            return 0.0
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return (q[2] - q[0]) / 2 / self.median


def _run(argv, timeout, env=None, stdin=None):
    try:
        p = subprocess.run(argv, input=stdin, capture_output=True,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise ToolError("%s timed out after %ss" % (argv[0], timeout))
    if p.returncode != 0:
        raise ToolError("%s failed (exit %d):\n%s" % (
            os.path.basename(argv[0]), p.returncode,
            p.stderr.decode(errors="replace")[-2000:]))
    return p


def compile_kernel(module_text, *, passes="", env=None, plugin=None,
                   timeout=120):
    """The kernel module lowered to the LLVM dialect: \\p passes (Switchyard
    passes, e.g. "switchyard-tile") run first, under \\p env."""
    argv = [find_mlir_tool("mlir-opt")]
    if passes:
        argv.append("--load-pass-plugin=" + find_mlir_plugin(plugin))
        pipeline = passes + "," + LOWERING
    else:
        pipeline = LOWERING
    argv += ["--pass-pipeline=builtin.module(%s)" % pipeline, "-"]
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith("SWITCHYARD_")}
    full_env.update(env or {})
    return _run(argv, timeout, full_env, module_text.encode()).stdout


def run_lowered(llvm_text, reps, timeout=120):
    """Runs lowered harness text (see harness()); returns a RunResult."""
    argv = [find_mlir_tool("mlir-runner"), "-e", "main",
            "-entry-point-result=void", "-O2",
            "-shared-libs=" + ",".join(_RUNNER_LIBS)]
    out = _run(argv, timeout, stdin=llvm_text).stdout.decode().split()
    if len(out) < 1 + reps:
        raise ToolError("the kernel printed %d values, expected at least %d"
                        % (len(out), 1 + reps))
    shown = len(out) - 1 - reps
    return RunResult(int(out[0]), [float(v) for v in out[1:1 + shown]],
                     [float(t) for t in out[1 + shown:]],
                     llvm_text.count(b"\n"))


def run_kernel(name, *, passes="", env=None, reps=5, plugin=None,
               timeout=120):
    """Compiles and runs bundled kernel \\p name; returns a RunResult."""
    with open(kernel_path(name)) as f:
        text = harness(f.read(), reps)
    lowered = compile_kernel(text, passes=passes, env=env, plugin=plugin,
                             timeout=timeout)
    return run_lowered(lowered, reps, timeout)


def reference(name):
    """The reference hash of kernel \\p name, from `<name>.ref`."""
    with open(os.path.join(KERNELS_DIR, name + ".ref")) as f:
        return int(f.read().split()[0])


def runtime_reward(baseline, result):
    """The speedup of \\p result over \\p baseline (median over median),
    with its noise: the two runs' relative spreads added."""
    return (baseline.median / result.median if result.median else 0.0,
            baseline.spread + result.spread)


def compile_with_agent(module_text, decide, *, passes="switchyard-tile",
                       functions=("kernel",), plugin=None, timeout=120):
    """Lowers \\p module_text like compile_kernel(), with the tile
    decisions about ops in \\p functions answered by \\p decide(request),
    which returns an Answer. Returns the lowered module text."""
    with tempfile.TemporaryDirectory(prefix="sy-mlir-") as d:
        src, out = os.path.join(d, "in.mlir"), os.path.join(d, "out.mlir")
        with open(src, "w") as f:
            f.write(module_text)
        argv = [find_mlir_tool("mlir-opt"),
                "--load-pass-plugin=" + find_mlir_plugin(plugin),
                "--pass-pipeline=builtin.module(%s,%s)" % (passes, LOWERING),
                src, "-o", out]
        with Compile.spawn(argv, timeout=timeout) as c:
            c.handshake([Subscription("tile", functions=functions)])
            while True:
                message = c.receive()
                if message is None:
                    break
                if isinstance(message, Request):
                    c.send(decide(message).reply_to(message))
            c.finish()
        with open(out, "rb") as f:
            return f.read()


def fixed_tiling(size):
    """A decide() that tiles every loop by \\p size (or the whole loop when
    it is shorter): the usual hand-picked 32x32x32 baseline."""

    def decide(request):
        tile = request.legal[request.find_option("tile")]
        sizes = [min(size, p.max) for p in tile.params if
                 p.name.startswith("size")]
        return Answer.choose("tile", sizes + [0, 0, 0])
    return decide


def random_tiling(rng):
    """A decide() that tiles with random power-of-two sizes (or 0: that
    loop untiled) and a random interchange; no fusion or vectorization, so
    results stay bit-exact whatever the options allow."""

    def decide(request):
        if rng.random() < 0.1:
            return Answer.choose("keep")
        tile = request.legal[request.find_option("tile")]
        params = []
        for p in tile.params:
            if p.name.startswith("size"):
                choices = [0] + [1 << k for k in range(8) if (1 << k) <= p.max]
                params.append(rng.choice(choices))
            elif p.name == "interchange":
                params.append(rng.randint(p.min, p.max))
            else:
                params.append(0)
        return Answer.choose("tile", params)
    return decide


def evaluate(name, decide, reps=10):
    """Compiles kernel \\p name with \\p decide answering, runs it \\p reps
    times, and checks its result; raises KernelMismatch if it differs."""
    with open(kernel_path(name)) as f:
        text = harness(f.read(), reps)
    if decide is None:
        lowered = compile_kernel(text)
    else:
        lowered = compile_with_agent(text, decide)
    r = run_lowered(lowered, reps)
    if r.digest != reference(name):
        raise KernelMismatch("%s: result hash %d, reference %d"
                             % (name, r.digest, reference(name)))
    return r


class MLIRTilingEnv(Env):
    """Tiling on MLIR, Gymnasium-style. Each step answers the next
    `tile` decision about an op of `@kernel` (consumers first).

    - observation: the request's 17 features (`tile_features`).
    - action: 12 numbers in [0, 1]: [0] > 0.5 tiles the op, [1..8] pick
      each loop's tile size among 0 and the powers of two up to its trip
      count, [9] the interchange (a fraction of n!), [10] and [11] > 0.5
      fuse and vectorize where legal. Sampling it gives random tilings.
    - reward, at the end of the episode: `reward="runtime"`, the
      speedup over the untiled lowering (median of `reps` runs); or
      `reward="ir-size"`, the lowered module's lines saved, relative to
      the untiled one. A result that differs from the reference ends
      the episode with `info["invalid"]` and no reward.
    """

    def __init__(self, kernel="matmul_64", *, reward="runtime", reps=10,
                 plugin=None, timeout=120):
        self.kernel, self.reward_kind, self.reps = kernel, reward, reps
        self.plugin, self.timeout = plugin, timeout
        self.observation_space = Box(-2.0, 1e9, shape=(17,),
                                     dtype=np.float32)
        self.action_space = Box(0.0, 1.0, shape=(12,), dtype=np.float32)
        self._baseline = None
        self._compile = None
        self._dir = None

    def _base(self):
        if self._baseline is None:
            self._baseline = evaluate(self.kernel, None, self.reps)
            with open(kernel_path(self.kernel)) as f:
                text = harness(f.read(), self.reps)
            self._baseline_lines = compile_kernel(text).count(b"\n")
        return self._baseline

    def _next(self):
        while True:
            m = self._compile.receive()
            if m is None or isinstance(m, Request):
                return m

    def _obs(self, request):
        return np.asarray(request.feature_array, dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        self.close()
        self._base()
        with open(kernel_path(self.kernel)) as f:
            text = harness(f.read(), self.reps)
        self._dir = tempfile.TemporaryDirectory(prefix="sy-mlir-")
        src = os.path.join(self._dir.name, "in.mlir")
        self._out = os.path.join(self._dir.name, "out.mlir")
        with open(src, "w") as f:
            f.write(text)
        argv = [find_mlir_tool("mlir-opt"),
                "--load-pass-plugin=" + find_mlir_plugin(self.plugin),
                "--pass-pipeline=builtin.module(switchyard-tile,%s)"
                % LOWERING, src, "-o", self._out]
        self._compile = Compile.spawn(argv, timeout=self.timeout)
        self._compile.handshake([Subscription("tile",
                                              functions=("kernel",))])
        self._request = self._next()
        if self._request is None:
            return np.zeros(17, np.float32), {"decisions": 0}
        return self._obs(self._request), {"unit": self._request.unit_name}

    def answer(self, action):
        """The Answer that \\p action stands for at the pending op."""
        a = np.clip(np.asarray(action, dtype=np.float64), 0.0, 1.0)
        tile = self._request.legal[self._request.find_option("tile")]
        if a[0] <= 0.5:
            return Answer.choose("keep")
        params = []
        sizes = [p for p in tile.params if p.name.startswith("size")]
        for k, p in enumerate(sizes):
            choices = [0] + [1 << e for e in range(20)
                             if (1 << e) <= p.max]
            params.append(choices[min(int(a[1 + k] * len(choices)),
                                      len(choices) - 1)])
        rest = tile.params[len(sizes):]
        params.append(min(int(a[9] * (rest[0].max + 1)), rest[0].max))
        params.append(int(a[10] > 0.5) if rest[1].max else 0)
        params.append(int(a[11] > 0.5) if rest[2].max else 0)
        return Answer.choose("tile", params)

    def step(self, action):
        if self._request is None:
            raise RuntimeError("the episode is over: call reset()")
        self._compile.send(self.answer(action).reply_to(self._request))
        self._request = self._next()
        if self._request is not None:
            return (self._obs(self._request), 0.0, False, False,
                    {"unit": self._request.unit_name})
        self._compile.finish()
        with open(self._out, "rb") as f:
            lowered = f.read()
        info = {"invalid": False}
        r = run_lowered(lowered, self.reps, self.timeout)
        if r.digest != reference(self.kernel):
            info["invalid"] = True
            return np.zeros(17, np.float32), 0.0, True, False, info
        if self.reward_kind == "ir-size":
            reward = 1.0 - lowered.count(b"\n") / self._baseline_lines
        else:
            reward, info["noise"] = runtime_reward(self._base(), r)
        info["median"] = r.median
        return np.zeros(17, np.float32), reward, True, False, info

    def close(self):
        if self._compile is not None:
            self._compile.kill()
            self._compile = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
