# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Pass choice on MLIR (switchyard-mlir-pipeline) from Python: the action
space the plugin builds from mlir-opt's registry, the environment with its
IR-size and runtime rewards, its baselines, and the floating-point
tolerance of answers that reorder reductions."""

import numpy as np
import pytest

from switchyard import mlir
from switchyard.messages import Answer


def test_action_space_comes_from_the_registry():
    space = mlir.action_space()
    assert space.names[0] == "stop"
    assert "the host's pass-name command-line options" in space.source
    # Passes of several dialects, anchored where they run.
    assert space.pipelines[space.index["canonicalize"]] == "canonicalize"
    assert space.function_anchor[space.index["canonicalize"]] == "func.func"
    assert space.pipelines[space.index["affine-loop-tile"]] == \
        "func.func(affine-loop-tile)"
    assert len(space) > 200
    # Every exclusion has its reason; the rules' categories are there.
    assert space.excluded["print-op-stats"].startswith("prints")
    assert space.excluded["snapshot-op-locations"].startswith("writes files")
    assert "test pass" in space.excluded["test-print-liveness"]
    assert space.excluded["switchyard-tile"].startswith("a Switchyard pass")
    assert not set(space.excluded) & set(space.names)
    assert set(mlir.PASS_ACTIONS) <= set(space.names)
    assert space.pipeline(["cse", "affine-loop-tile"]) == \
        "builtin.module(cse,func.func(affine-loop-tile))"


def test_ir_size_reward_is_the_ops_removed_per_step():
    env = mlir.MLIRPassEnv("matmul_bias_relu", actions="compact")
    obs, info = env.reset()
    assert env.action_names[0] == "stop" and len(env.action_names) == \
        len(mlir.PASS_ACTIONS)
    assert obs.shape == env.observation_space.shape
    first = info["ops"]
    assert obs[1] == first and obs[0] == 0  # op_count, step
    assert info["dialects"]["affine"] > 0  # the "loops" start
    total = 0.0
    for name in ("affine-loop-fusion", "lower-affine", "canonicalize"):
        before = info["ops"]
        obs, reward, done, truncated, info = env.step(name)
        assert not done and "previous_error" not in info
        assert reward == pytest.approx((before - info["ops"]) / first)
        total += reward
    # Fusion removed a loop nest; lower-affine added ops; canonicalize
    # removed some of those.
    assert info["actions"] == ["affine-loop-fusion", "lower-affine",
                               "canonicalize"]
    _, reward, done, _, info = env.step("stop")
    env.close()
    assert done and reward == 0.0 and info["invalid"] is False
    assert total == pytest.approx((first - info["ops"]) / first)


def test_refused_action_leaves_the_module_and_goes_on():
    env = mlir.MLIRPassEnv("row_sum", actions=["transform-interpreter",
                                              "cse"])
    _, info = env.reset()
    ops = info["ops"]
    obs, reward, done, _, info = env.step("transform-interpreter")
    assert not done and reward == 0.0 and info["ops"] == ops
    assert "could not find a nested named sequence" in \
        info["previous_error"]
    assert info["actions"] == []
    _, _, done, _, info = env.step("cse")
    assert not done and "previous_error" not in info
    assert info["actions"] == ["cse"]
    with pytest.raises(ValueError):
        env.step("no-such-pass")
    env.close()


def test_truncation_ends_and_checks_the_episode():
    env = mlir.MLIRPassEnv("transpose", actions="compact",
                           max_episode_steps=2, validate=True, reps=1)
    env.reset()
    _, _, done, truncated, _ = env.step("cse")
    assert not done and not truncated
    _, _, done, truncated, info = env.step("canonicalize")
    env.close()
    assert done and truncated and info["invalid"] is False
    assert info["error"] == 0.0  # bit-exact


def test_runtime_reward_is_checked_and_has_its_noise():
    run = mlir.run_passes("matmul_64", ["affine-loop-tile",
                                        "affine-loop-invariant-code-motion"],
                          reward="runtime", reps=3)
    assert run.invalid is False and run.score > 0
    assert run.applied == ["affine-loop-tile",
                           "affine-loop-invariant-code-motion"]
    assert run.info["noise"] >= 0 and run.info["median"] > 0


def test_an_invalid_result_returns_nothing(monkeypatch):
    # The program no longer runs: the episode is invalid, and its return,
    # ops removed or not, is 0.
    run = mlir.run_passes("row_sum", ["affine-loop-fusion",
                                      "convert-func-to-spirv"],
                          validate=True, reps=1)
    assert "entry point not found" in run.invalid
    assert run.score == float("-inf")
    env = mlir.MLIRPassEnv("row_sum", validate=True, reps=1)
    env.reset()
    _, gained, _, _, _ = env.step("affine-loop-fusion")
    assert gained > 0
    # A result that differs from the reference (here: a reference that
    # does not match) is caught the same way.
    monkeypatch.setattr(mlir, "reference", lambda name: 12345)
    _, last, done, _, info = env.step("stop")
    env.close()
    assert done and "reference 12345" in info["invalid"]
    assert gained + last == 0.0


def test_random_and_hill_climbing_search():
    best, runs = mlir.random_pass_search("matmul_bias_relu", 3, length=4,
                                         seed=3)
    assert len(runs) == 3 and all(len(r.actions) == 4 for r in runs)
    assert best.score == max(r.score for r in runs)
    again, _ = mlir.random_pass_search("matmul_bias_relu", 3, length=4,
                                       seed=3)
    assert again.actions == best.actions and again.score == best.score
    climbed, runs = mlir.hill_climb_passes("matmul_bias_relu", 5, seed=3,
                                           start=["affine-loop-fusion"])
    assert len(runs) == 5 and runs[0].applied == ["affine-loop-fusion"]
    assert climbed.score >= runs[0].score > 0
    assert climbed.score == max(r.score for r in runs)


# --- Answers that reorder floating-point reductions -------------------------

def _values(name):
    return list(mlir.reference_values(name))


def test_tolerance_accepts_rounding_and_rejects_errors():
    ref = mlir.reference_values("row_sum")
    scale = np.max(np.abs(ref))

    def result(values, digest=1):
        return mlir.RunResult(digest, list(values), [1.0], 0)
    # Bit-exact is exact with or without the opt-in.
    exact = mlir.check_result("row_sum", result(ref, mlir.reference("row_sum")))
    assert exact.exact and exact.error == 0.0
    # Rounding-sized differences pass only with the opt-in.
    near = ref + scale * 3e-7 * np.sign(np.arange(ref.size) % 3 - 1)
    with pytest.raises(mlir.KernelMismatch):
        mlir.check_result("row_sum", result(near))
    r = mlir.check_result("row_sum", result(near), allow_fp_reorder=True)
    assert not r.exact and 0 < r.error <= mlir.FP_TOLERANCE
    # One element off by more than the tolerance is an invalid episode.
    far = ref.copy()
    far[7] += scale * 2 * mlir.FP_TOLERANCE
    with pytest.raises(mlir.KernelMismatch, match="over the tolerance"):
        mlir.check_result("row_sum", result(far), allow_fp_reorder=True)
    nan = ref.copy()
    nan[0] = float("nan")
    with pytest.raises(mlir.KernelMismatch, match="NaN"):
        mlir.check_result("row_sum", result(nan), allow_fp_reorder=True)
    with pytest.raises(mlir.KernelMismatch, match="values"):
        mlir.check_result("row_sum", result(ref[:8]), allow_fp_reorder=True)


def _inner_reduction_tiling(request):
    # conv_2d's loops: n, oh, ow, f, then the reductions kh, kw, c. Tiling
    # c by 4 under untiled kh and kw sums each output channel-block first.
    tile = request.legal[request.find_option("tile")]
    sizes = [1, 4, 4, 8, 0, 0, 4]
    if request.unit_name != "linalg.conv_2d_nhwc_hwcf:0":
        return Answer.choose("keep")
    return Answer.choose("tile", [min(s, p.max) for s, p in
                                       zip(sizes, tile.params)] + [0, 0, 0])


def test_reordered_reduction_is_checked_with_the_tolerance():
    r = mlir.evaluate("conv2d", _inner_reduction_tiling, reps=1,
                      allow_fp_reorder=True)
    # The answer changed the rounding: not bit-exact, within tolerance.
    assert not r.exact and 0 < r.error <= mlir.FP_TOLERANCE
    # Without the opt-in the plugin refuses it, and the result is exact.
    r = mlir.evaluate("conv2d", _inner_reduction_tiling, reps=1)
    assert r.exact


def test_tiling_env_takes_the_opt_in():
    env = mlir.MLIRTilingEnv("conv2d", reward="ir-size", reps=1,
                             allow_fp_reorder=True)
    env.reset()
    # Vectorize every op and tile its loops by 2 where it can.
    a = np.ones(12, np.float32)
    a[1:9] = 0.2
    done = False
    while not done:
        _, reward, done, _, info = env.step(a)
    env.close()
    assert info["invalid"] is False
    assert 0 <= info["error"] <= mlir.FP_TOLERANCE
