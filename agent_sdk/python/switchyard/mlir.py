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
answers the plugin offers with SWITCHYARD_ALLOW_FP_REORDER=1 (tiling an
inner reduction loop, vectorizing a reduction) may round differently; with
`allow_fp_reorder=True` a result whose hash differs is compared, element by
element, with the reference values (`reference_values()`, printed by the
untiled lowering, whose hash is checked first) and accepted only within
`FP_TOLERANCE` (`check_result()`).

`MLIRPassEnv` is pass choice on the same kernels: each step runs one pass
of the plugin's `switchyard-mlir-pipeline` action space (`action_space()`),
with an IR-size or the runtime reward; `random_pass_search` and
`hill_climb_passes` are its baselines.
"""

import os
import re
import statistics
import subprocess
import tempfile

import numpy as np

from .compiler import Compile, CompileError
from .messages import Answer, Choice, Reply, Request, Subscription
from .spaces import Box, Discrete, Env
from .tools import ToolError, _build_dir_of_package

__all__ = ["KERNELS_DIR", "LOWERING", "kernels", "harness", "find_mlir_plugin",
           "find_mlir_tool", "run_kernel", "RunResult", "runtime_reward",
           "KernelMismatch", "compile_with_agent", "evaluate",
           "fixed_tiling", "random_tiling", "MLIRTilingEnv", "FP_TOLERANCE",
           "reference_values", "check_result", "action_space",
           "MLIRActionSpace", "MLIRPassEnv", "PASS_ACTIONS", "DIALECTS",
           "run_passes", "random_pass_search", "hill_climb_passes"]

KERNELS_DIR = os.path.normpath(os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "examples", "mlir",
    "kernels"))

#: The lowering after the Switchyard passes: the same for every answer and
#: for the reference, so only the agent's decisions differ.
LOWERING = ("canonicalize,cse,"
            "one-shot-bufferize{bufferize-function-boundaries "
            "function-boundary-type-conversion=identity-layout-map},"
            "canonicalize,func.func(lower-vector-multi-reduction),"
            "convert-vector-to-scf,"
            "convert-linalg-to-loops,"
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


def harness(kernel_text, reps=5, all_values=False):
    """The kernel's text with the init functions and `@main` that run it:
    main prints the result's hash, its first 8 elements (every element with
    \\p all_values), then \\p reps timings in seconds."""
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
           out=_type(out_shape), flat=flat, n=n,
           shown=n if all_values else min(n, 8), reps=reps))
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


#: The largest difference from the reference that a result of an answer
#: the user allowed to reorder floating-point reductions may have: the
#: infinity-norm relative error max|x - r| / max|r| over the result's
#: elements. 1e-5 is 84 ulps of f32 at 1.0 (ulp 2**-23), 84 to 168 ulps of
#: the reference's largest element. A reordered f32 sum of K terms differs
#: by at most about K * 2**-24 * sum|terms| (Higham, Accuracy and
#: Stability, 4.2), and in practice by about sqrt(K) times that; for the
#: bundled kernels (K <= 72 * 8 terms) that is well inside 1e-5 of the
#: largest result, while a wrong element (a missed tile, a wrong index)
#: is off by the order of the values themselves. NaNs and infinities
#: must be where the reference has them.
FP_TOLERANCE = 1e-5

_REFERENCE_VALUES = {}


def reference_values(name):
    """Every element of kernel \\p name's reference result, as its untiled
    lowering prints them (checked against the reference hash first)."""
    if name not in _REFERENCE_VALUES:
        with open(kernel_path(name)) as f:
            text = harness(f.read(), reps=1, all_values=True)
        r = run_lowered(compile_kernel(text), reps=1)
        if r.digest != reference(name):
            raise KernelMismatch("%s: the untiled lowering's hash %d is not "
                                 "the reference %d" % (name, r.digest,
                                                       reference(name)))
        _REFERENCE_VALUES[name] = np.array(r.values, dtype=np.float64)
    return _REFERENCE_VALUES[name]


def check_result(name, result, allow_fp_reorder=False):
    """Checks \\p result (a RunResult) against kernel \\p name's reference:
    bit-exact (the hash), or, with \\p allow_fp_reorder, within
    FP_TOLERANCE of every reference element; \\p result must then hold
    every element (`harness(..., all_values=True)`). Sets `result.exact`
    and `result.error` (the relative error, 0 when exact) and returns it;
    raises KernelMismatch otherwise: an invalid episode."""
    ref = reference(name)
    result.exact = result.digest == ref
    result.error = 0.0
    if result.exact:
        return result
    if not allow_fp_reorder:
        raise KernelMismatch("%s: result hash %d, reference %d"
                             % (name, result.digest, ref))
    want = reference_values(name)
    got = np.array(result.values, dtype=np.float64)
    if got.shape != want.shape:
        raise KernelMismatch("%s: %d result values, the reference has %d "
                             "(run the harness with all_values=True)"
                             % (name, got.size, want.size))
    special = ~np.isfinite(want) | ~np.isfinite(got)
    if not np.array_equal(np.isnan(got), np.isnan(want)) or \
            not np.array_equal(got[special & ~np.isnan(got)],
                               want[special & ~np.isnan(want)]):
        raise KernelMismatch("%s: NaNs or infinities differ from the "
                             "reference's" % name)
    scale = np.max(np.abs(want[~special])) if np.any(~special) else 0.0
    diff = np.max(np.abs(got[~special] - want[~special])) \
        if np.any(~special) else 0.0
    result.error = float(diff / scale) if scale else (0.0 if diff == 0
                                                      else float("inf"))
    if result.error > FP_TOLERANCE:
        raise KernelMismatch("%s: relative error %.3g against the reference, "
                             "over the tolerance %g" % (
                                 name, result.error, FP_TOLERANCE))
    return result


def runtime_reward(baseline, result):
    """The speedup of \\p result over \\p baseline (median over median),
    with its noise: the two runs' relative spreads added."""
    return (baseline.median / result.median if result.median else 0.0,
            baseline.spread + result.spread)


def compile_with_agent(module_text, decide, *, passes="switchyard-tile",
                       functions=("kernel",), plugin=None, timeout=120,
                       env=None):
    """Lowers \\p module_text like compile_kernel(), with the tile
    decisions about ops in \\p functions answered by \\p decide(request),
    which returns an Answer; \\p env adds to the compiler's environment.
    Returns the lowered module text."""
    with tempfile.TemporaryDirectory(prefix="sy-mlir-") as d:
        src, out = os.path.join(d, "in.mlir"), os.path.join(d, "out.mlir")
        with open(src, "w") as f:
            f.write(module_text)
        argv = [find_mlir_tool("mlir-opt"),
                "--load-pass-plugin=" + find_mlir_plugin(plugin),
                "--pass-pipeline=builtin.module(%s,%s)" % (passes, LOWERING),
                src, "-o", out]
        with Compile.spawn(argv, timeout=timeout, env=env) as c:
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


def _fp_env(allow_fp_reorder):
    return {"SWITCHYARD_ALLOW_FP_REORDER": "1"} if allow_fp_reorder else None


def evaluate(name, decide, reps=10, allow_fp_reorder=False):
    """Compiles kernel \\p name with \\p decide answering, runs it \\p reps
    times, and checks its result (check_result()); raises KernelMismatch if
    it differs. \\p allow_fp_reorder offers the answers that reorder
    floating-point reductions and checks with the tolerance instead."""
    with open(kernel_path(name)) as f:
        text = harness(f.read(), reps, all_values=allow_fp_reorder)
    if decide is None:
        lowered = compile_kernel(text)
    else:
        lowered = compile_with_agent(text, decide,
                                     env=_fp_env(allow_fp_reorder))
    return check_result(name, run_lowered(lowered, reps), allow_fp_reorder)


def _harnessed_kernel(name, reps, all_values):
    """A fresh temporary directory with kernel \p name in its timing
    harness as in.mlir: (the directory, in.mlir's path, out.mlir's path)."""
    with open(kernel_path(name)) as f:
        text = harness(f.read(), reps, all_values=all_values)
    work = tempfile.TemporaryDirectory(prefix="sy-mlir-")
    src = os.path.join(work.name, "in.mlir")
    with open(src, "w") as f:
        f.write(text)
    return work, src, os.path.join(work.name, "out.mlir")


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

    `allow_fp_reorder=True` offers the answers that reorder floating-point
    reductions (SWITCHYARD_ALLOW_FP_REORDER=1), and a result is then valid
    within FP_TOLERANCE of the reference (`info["error"]`).
    """

    def __init__(self, kernel="matmul_64", *, reward="runtime", reps=10,
                 plugin=None, timeout=120, allow_fp_reorder=False):
        self.kernel, self.reward_kind, self.reps = kernel, reward, reps
        self.plugin, self.timeout = plugin, timeout
        self.allow_fp_reorder = allow_fp_reorder
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
        self._dir, src, self._out = _harnessed_kernel(
            self.kernel, self.reps, self.allow_fp_reorder)
        argv = [find_mlir_tool("mlir-opt"),
                "--load-pass-plugin=" + find_mlir_plugin(self.plugin),
                "--pass-pipeline=builtin.module(switchyard-tile,%s)"
                % LOWERING, src, "-o", self._out]
        self._compile = Compile.spawn(argv, timeout=self.timeout,
                                      env=_fp_env(self.allow_fp_reorder))
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
        try:
            check_result(self.kernel, r, self.allow_fp_reorder)
        except KernelMismatch as e:
            info["invalid"] = True
            info["mismatch"] = str(e)
            return np.zeros(17, np.float32), 0.0, True, False, info
        info["error"] = r.error
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


# --- Pass choice: the switchyard-mlir-pipeline episode ----------------------

class MLIRActionSpace:
    """The plugin's pass-pipeline action space, as `dump-space` writes it:
    `names` (0 = stop), `pipelines[i]` (the element of `builtin.module(...)`
    that runs action i), `function_anchor[i]` (the op a function-scoped
    answer runs it on, or None), and `excluded` (name -> why it is not an
    action)."""

    def __init__(self, names, pipelines, function_anchor, excluded, source):
        self.names = tuple(names)
        self.pipelines = tuple(pipelines)
        self.function_anchor = tuple(function_anchor)
        self.excluded = dict(excluded)
        self.source = source
        self.index = {n: i for i, n in enumerate(self.names)}

    def __len__(self):
        return len(self.names)

    def pipeline(self, names):
        """The `--pass-pipeline` text that runs \\p names (action names) on
        a module with plain mlir-opt."""
        return "builtin.module(%s)" % ",".join(
            self.pipelines[self.index[n]] for n in names)


_SPACES = {}


def action_space(plugin=None, timeout=120):
    """The plugin's action space in this mlir-opt, read once per plugin
    build from `switchyard-mlir-pipeline{dump-space=...}` on an empty
    module (no agent needed)."""
    plugin = find_mlir_plugin(plugin)
    st = os.stat(plugin)
    key = (plugin, st.st_mtime_ns, st.st_size)
    if key in _SPACES:
        return _SPACES[key]
    with tempfile.TemporaryDirectory(prefix="sy-mlir-") as d:
        path = os.path.join(d, "space")
        _run([find_mlir_tool("mlir-opt"), "--load-pass-plugin=" + plugin,
              "--pass-pipeline=builtin.module(switchyard-mlir-pipeline"
              "{dump-space=%s})" % path, "-o", os.devnull, "-"], timeout,
             stdin=b"module {}\n")
        with open(path) as f:
            lines = f.read().splitlines()
    names, pipelines, anchors, excluded, source = [], [], [], {}, ""
    for line in lines:
        if line.startswith("# names from "):
            source = line[len("# names from "):]
        fields = line.split("\t")
        if fields[0] == "action":
            names.append(fields[2])
            pipelines.append(None if fields[3] == "-" else fields[3])
            anchors.append(None if fields[4] == "-" else fields[4])
        elif fields[0] == "excluded":
            excluded[fields[1]] = fields[2]
    if not names or names[0] != "stop":
        raise ToolError("the plugin wrote no action space")
    space = MLIRActionSpace(names, pipelines, anchors, excluded, source)
    _SPACES[key] = space
    return space


#: A curated set of target-independent optimizations for the kernels (on
#: tensors, linalg, memrefs, affine and scf loops), in the spirit of the
#: LLVM side's COMPACT_ACTIONS; `actions="compact"` selects it. Passes that
#: contract or reassociate floating-point arithmetic (math-uplift-to-fma)
#: are left out: their results are invalid episodes unless
#: allow_fp_reorder is set.
PASS_ACTIONS = (
    "stop", "canonicalize", "cse", "sccp", "inline", "symbol-dce",
    "loop-invariant-code-motion", "loop-invariant-subset-hoisting",
    "control-flow-sink", "remove-dead-values",
    "linalg-fuse-elementwise-ops", "linalg-generalize-named-ops",
    "linalg-specialize-generic-ops", "linalg-fold-unit-extent-dims",
    "linalg-inline-scalar-operands", "fold-tensor-subset-ops",
    "eliminate-empty-tensors", "one-shot-bufferize",
    "convert-linalg-to-loops", "convert-linalg-to-affine-loops",
    "affine-loop-tile", "affine-loop-unroll", "affine-loop-unroll-jam",
    "affine-loop-fusion", "affine-scalrep",
    "affine-loop-invariant-code-motion", "affine-loop-normalize",
    "affine-super-vectorize", "affine-simplify-structures", "lower-affine",
    "scf-for-loop-canonicalization", "scf-for-loop-peeling",
    "scf-for-loop-range-folding", "buffer-hoisting", "buffer-loop-hoisting",
    "promote-buffers-to-stack", "mem2reg", "sroa", "fold-memref-alias-ops")

#: The dialects whose operation counts make up the observation vector, in
#: its order; every other dialect is counted in the last slot.
DIALECTS = ("affine", "arith", "bufferization", "cf", "func", "linalg",
            "llvm", "math", "memref", "scf", "tensor", "vector")

#: The pipeline request's features (mlir/PipelinePass.cpp), first in the
#: observation vector.
PIPELINE_FEATURES = ("step", "op_count", "function_count", "block_count",
                     "dialect_count")

#: Where an episode starts: the kernel as written ("tensor", linalg on
#: tensors), or bufferized with its linalg ops as affine loops ("loops"),
#: where loop passes (tiling, unrolling, fusion, scalar replacement,
#: vectorization) have work to do. The prefix runs before the episode, the
#: same for every answer; LOWERING runs after it.
START_LEVELS = {
    "tensor": "",
    "loops": ("one-shot-bufferize{bufferize-function-boundaries "
              "function-boundary-type-conversion=identity-layout-map},"
              "canonicalize,convert-linalg-to-affine-loops,"),
}

_MAX_STEPS = 100000
_AGENT_TIMEOUT_MS = "3600000"


class MLIRPassEnv(Env):
    """Pass choice on an MLIR kernel, Gymnasium-style: each step runs one
    pass of the plugin's action space on the kernel's module (the kernel
    and the harness that runs it) inside one running mlir-opt, through
    `switchyard-mlir-pipeline`; "stop" (action 0) ends the episode, and the
    module is then lowered (LOWERING) in the same process. `start` is the
    level the episode starts at (START_LEVELS: "loops", the default, or
    "tensor").

    - action: Discrete(len(action_names)), or an action name.
      `actions=None` is the whole space, "compact" is PASS_ACTIONS, or a
      list of names ("stop" is put first if missing).
    - observation: float32 vector of the request's 5 features
      (PIPELINE_FEATURES: step, op count, functions, blocks, dialects) and
      the op count of each of DIALECTS, then of all other dialects.
    - reward: `"ir-size"`, per step, the operations removed from the
      module over its first count (an episode's return is the fraction
      removed); `"runtime"`, at the end, the speedup of the kernel over its
      untiled default lowering (median of `reps` runs), with
      `info["noise"]`.
    - an action the compiler could not apply (the pass failed, or it does
      not fit the module) leaves the module as it was: reward 0 and
      `info["previous_error"]` says why; the episode goes on.
    - at the end, the result is checked against the kernel's reference
      (always with the runtime reward, with `validate=True` otherwise):
      bit-exact, or within FP_TOLERANCE with `allow_fp_reorder`. A lowering
      that fails or a result that differs ends the episode with
      `info["invalid"]` (the reason) and a last reward that takes back the
      episode's earlier rewards: an invalid episode returns 0.
    """

    def __init__(self, kernel="matmul_64", *, reward="ir-size", actions=None,
                 start="loops", reps=10, max_episode_steps=None,
                 validate=None, allow_fp_reorder=False, plugin=None,
                 timeout=120):
        if start not in START_LEVELS:
            raise ValueError("unknown start %r (known: %s)"
                             % (start, ", ".join(START_LEVELS)))
        self.start = start
        if reward not in ("ir-size", "runtime"):
            raise ValueError("unknown reward %r (known: ir-size, runtime)"
                             % (reward,))
        if kernel not in kernels():
            raise ValueError("unknown kernel %r (known: %s)"
                             % (kernel, ", ".join(kernels())))
        self.kernel, self.reward_kind, self.reps = kernel, reward, reps
        self.plugin = find_mlir_plugin(plugin)
        self.timeout = timeout
        self.max_episode_steps = max_episode_steps
        self.validate = reward == "runtime" if validate is None else validate
        self.allow_fp_reorder = allow_fp_reorder
        self.space = action_space(self.plugin)
        if actions is None:
            names = list(self.space.names)
        elif actions == "compact":
            names = list(PASS_ACTIONS)
        else:
            names = list(actions)
        if "stop" in names:
            names.remove("stop")
        names.insert(0, "stop")
        unknown = [n for n in names if n not in self.space.index]
        if unknown:
            raise ValueError("not in this mlir-opt's action space: %s" % (
                ", ".join("%s (%s)" % (n, self.space.excluded[n])
                          if n in self.space.excluded else n
                          for n in unknown)))
        self.action_names = tuple(names)
        self._plugin_action = [self.space.index[n] for n in names]
        self.action_space = Discrete(len(names))
        self.observation_space = Box(
            0.0, np.inf, shape=(len(PIPELINE_FEATURES) + len(DIALECTS) + 1,),
            dtype=np.float32)
        self._compile = None
        self._dir = None
        self._request = None
        self._baseline = None
        self._done = True
        self.history = []

    # --- Helpers ------------------------------------------------------------

    def _obs(self, request):
        o = request.observation
        dialects = o.dialects or {}
        counts = [dialects.get(d, 0) for d in DIALECTS]
        counts.append(sum(dialects.values()) - sum(counts))
        return np.concatenate([np.asarray(request.feature_array,
                                          dtype=np.float32),
                               np.asarray(counts, dtype=np.float32)])

    def _info(self, **extra):
        o = self._request.observation if self._request else None
        info = {"kernel": self.kernel, "actions": list(self.history),
                "steps": self._steps}
        if o is not None:
            info["ops"] = o.inst_count
            info["dialects"] = o.dialects
            if o.functions is not None:
                info["kernel_ops"] = o.functions.get("kernel")
        info.update(extra)
        return info

    def _next_request(self):
        m = self._compile.receive()
        if not isinstance(m, Request):
            self._compile.fail("the episode ended before 'stop'")
        return m

    def baseline(self):
        """The untiled default lowering's run (checked), the runtime
        reward's reference."""
        if self._baseline is None:
            self._baseline = evaluate(self.kernel, None, self.reps)
        return self._baseline

    # --- Gymnasium API ------------------------------------------------------

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.close()
        if self.reward_kind == "runtime":
            self.baseline()
        self._dir, src, self._out = _harnessed_kernel(
            self.kernel, self.reps, self.allow_fp_reorder)
        argv = [find_mlir_tool("mlir-opt"),
                "--load-pass-plugin=" + self.plugin,
                "--pass-pipeline=builtin.module(%sswitchyard-mlir-pipeline"
                "{max-steps=%d},%s)" % (START_LEVELS[self.start], _MAX_STEPS,
                                        LOWERING),
                src, "-o", self._out]
        env = {"SWITCHYARD_HOOKS": "pass-pipeline",
               "SWITCHYARD_TIMEOUT_MS": _AGENT_TIMEOUT_MS}
        env.update(_fp_env(self.allow_fp_reorder) or {})
        self._compile = Compile.spawn(argv, timeout=self.timeout, env=env)
        self._compile.handshake([Subscription(
            "pass-pipeline", observe="function-counts,dialect-counts")])
        self._request = self._next_request()
        self._initial_ops = max(1, self._request.observation.inst_count)
        self.history = []
        self._steps = 0
        self._return = 0.0
        self._done = False
        return self._obs(self._request), self._info()

    def step(self, action):
        from .env import _action_index
        a = _action_index(action, self.action_names, self.action_space)
        if self._done:
            raise RuntimeError("the episode is over: call reset()")
        self._steps += 1
        plugin_action = self._plugin_action[a]
        truncated = (plugin_action != 0 and self.max_episode_steps is not None
                     and self._steps >= self.max_episode_steps)
        before = self._request.observation.inst_count
        if plugin_action == 0:
            self._compile.send(Reply(self._request.id, False, Choice(0)))
            return self._end(0.0, truncated=False)
        try:
            self._compile.send(Reply(self._request.id, False,
                                     Choice(plugin_action)))
            self._request = self._next_request()
        except CompileError as e:
            # A pass that crashes mlir-opt (an MLIR bug) ends the episode.
            self._done = True
            return self._invalid(self._obs(self._request), 0.0, False,
                                 "the compiler failed at '%s': %s"
                                 % (self.action_names[a], e), {})
        info = {}
        if self._request.previous_error:
            info["previous_error"] = self._request.previous_error
        else:
            self.history.append(self.action_names[a])
        reward = 0.0
        if self.reward_kind == "ir-size":
            reward = (before - self._request.observation.inst_count) \
                / self._initial_ops
        self._return += reward
        if truncated:
            # Ends the episode as "stop" would, so that it is checked and
            # rewarded the same way.
            try:
                self._compile.send(Reply(self._request.id, False, Choice(0)))
            except CompileError:
                pass  # _end reports how the compiler ended
            return self._end(reward, truncated=True, **info)
        return (self._obs(self._request), reward, False, False,
                self._info(**info))

    def _end(self, reward, truncated, **info):
        """The module is lowered; checks and rewards its result."""
        self._done = True
        obs = self._obs(self._request)
        try:
            self._compile.finish()
        except CompileError as e:
            return self._invalid(obs, reward, truncated,
                                 "the lowering failed: %s" % e, info)
        if self.validate:
            with open(self._out, "rb") as f:
                lowered = f.read()
            try:
                r = check_result(self.kernel,
                                 run_lowered(lowered, self.reps,
                                             self.timeout),
                                 self.allow_fp_reorder)
            except (KernelMismatch, ToolError) as e:
                return self._invalid(obs, reward, truncated, str(e), info)
            info["median"], info["error"] = r.median, r.error
            if self.reward_kind == "runtime":
                reward, info["noise"] = runtime_reward(self.baseline(), r)
        info["invalid"] = False
        return obs, reward, True, truncated, self._info(**info)

    def _invalid(self, obs, reward, truncated, why, info):
        info["invalid"] = why
        # Takes back what the episode earned: an invalid episode returns 0.
        last = -(self._return - reward) if self.reward_kind == "ir-size" \
            else 0.0
        return obs, last, True, truncated, self._info(**info)

    def close(self):
        if self._compile is not None:
            self._compile.kill()
            self._compile = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        self._request = None
        self._done = True


class PassRun:
    """One episode of a fixed pass sequence: what was applied, what was
    refused and why, the module's op count at the end, the episode's return
    and, if it was checked, whether it is valid."""

    def __init__(self, actions, applied, errors, ops, score, invalid, info):
        self.actions = list(actions)
        self.applied = list(applied)
        self.errors = list(errors)
        self.ops = ops
        self.score = score
        self.invalid = invalid
        self.info = info

    def __repr__(self):
        return "PassRun(%s: ops=%s score=%.4g invalid=%r)" % (
            ",".join(self.applied) or "-", self.ops, self.score, self.invalid)


def run_passes(kernel, actions, *, reward="ir-size", env=None, **kwargs):
    """Runs pass names \\p actions on \\p kernel in one MLIRPassEnv episode
    (then "stop"), and returns a PassRun. Its score is the return (the
    fraction of ops removed, or the speedup), -inf if invalid."""
    own = env is None
    env = env or MLIRPassEnv(kernel, reward=reward, actions=None, **kwargs)
    try:
        env.reset()
        total, errors = 0.0, []
        info = {}
        done = False
        for name in actions:
            _, r, done, _, info = env.step(name)
            total += r
            if "previous_error" in info:
                errors.append((name, info["previous_error"]))
            if done:
                break
        if not done:
            _, r, done, _, info = env.step("stop")
            total += r
        invalid = info.get("invalid") or False
        return PassRun(actions, info["actions"], errors, info.get("ops"),
                       float("-inf") if invalid else total, invalid, info)
    finally:
        if own:
            env.close()


def random_pass_search(kernel, budget, *, length=8, seed=0,
                       actions=PASS_ACTIONS, reward="ir-size", **kwargs):
    """Random search: \\p budget episodes of \\p length passes drawn
    uniformly from \\p actions (stop left out). Returns (best PassRun, every
    PassRun in order)."""
    import random
    rng = random.Random(seed)
    pool = [a for a in actions if a != "stop"]
    env = MLIRPassEnv(kernel, reward=reward, actions=None, **kwargs)
    runs = []
    try:
        for _ in range(budget):
            seq = [rng.choice(pool) for _ in range(length)]
            runs.append(run_passes(kernel, seq, env=env))
    finally:
        env.close()
    return max(runs, key=lambda r: r.score), runs


def hill_climb_passes(kernel, budget, *, start=(), seed=0,
                      actions=PASS_ACTIONS, reward="ir-size", **kwargs):
    """Hill climbing on pass sequences: from \\p start (applied passes), each
    of \\p budget episodes tries one change of the best sequence so far (a
    pass appended, inserted, replaced or removed, drawn from \\p actions)
    and keeps it when its score is higher, or equal and the sequence
    shorter. Returns (best PassRun, every PassRun in order)."""
    import random
    rng = random.Random(seed)
    pool = [a for a in actions if a != "stop"]
    env = MLIRPassEnv(kernel, reward=reward, actions=None, **kwargs)
    runs = []
    try:
        best = run_passes(kernel, list(start), env=env)
        runs.append(best)
        for _ in range(budget - 1):
            seq = list(best.applied)
            move = rng.choice(("append", "insert", "replace", "remove")
                              if seq else ("append",))
            if move == "append":
                seq.append(rng.choice(pool))
            elif move == "insert":
                seq.insert(rng.randrange(len(seq) + 1), rng.choice(pool))
            elif move == "replace":
                seq[rng.randrange(len(seq))] = rng.choice(pool)
            else:
                del seq[rng.randrange(len(seq))]
            run = run_passes(kernel, seq, env=env)
            runs.append(run)
            if run.score > best.score or (
                    run.score == best.score and
                    len(run.applied) < len(best.applied)):
                best = run
    finally:
        env.close()
    return best, runs
