# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The MLIR tiling environment: random episodes end with a checked result
and a reward; a fixed action gives the tiling it stands for."""

import numpy as np

from switchyard import mlir


def test_random_episode_is_checked_and_rewarded():
    env = mlir.MLIRTilingEnv("matmul_bias_relu", reps=3)
    env.action_space.seed(1)
    obs, info = env.reset()
    assert obs.shape == (17,) and info["unit"].startswith("linalg.")
    steps, done = 0, False
    while not done:
        obs, reward, done, truncated, info = env.step(env.action_space.sample())
        steps += 1
    env.close()
    assert steps == 3  # the generic, the matmul and the fill of @kernel
    assert not info["invalid"] and reward > 0 and "noise" in info


def test_action_maps_to_legal_tile_sizes():
    env = mlir.MLIRTilingEnv("matmul_64", reward="ir-size", reps=1)
    env.reset()
    # Tile: sizes index 3 of [0, 1, 2, 4, ..., 64] per loop = 4, no swap.
    a = np.zeros(12, np.float32)
    a[0] = 1.0
    a[1:4] = 3.5 / 8
    answer = env.answer(a)
    assert answer.option == "tile" and answer.params == (4, 4, 4, 0, 0, 0)
    _, reward, done, _, info = env.step(a)
    while not done:
        _, reward, done, _, info = env.step(np.zeros(12))
    env.close()
    assert not info["invalid"] and reward != 0.0
