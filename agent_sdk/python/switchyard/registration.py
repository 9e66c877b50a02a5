# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The environments' Gymnasium ids.

When gymnasium is importable, `import switchyard` registers them, so that

    import gymnasium as gym
    import switchyard
    env = gym.make("switchyard/PassPipeline-v0", benchmark="sha256")

works. The entry points are strings: `switchyard.env` (and numpy, the
compiler tools) is imported only when an environment is made.
"""

__all__ = ["GYM_IDS", "register_environments"]

#: id -> (entry point, default kwargs).
GYM_IDS = {
    "switchyard/PassPipeline-v0": ("switchyard.env:PassPipelineEnv", {}),
    "switchyard/PassPipelineText-v0": ("switchyard.env:PassPipelineEnv",
                                       {"reward": "text-oz"}),
    "switchyard/SiteDecision-v0": ("switchyard.env:SiteDecisionEnv", {}),
}


def register_environments(gym=None):
    """Registers `GYM_IDS` with Gymnasium (\\p gym: the gymnasium module;
    default: gymnasium if it is installed). Idempotent. Returns False when
    Gymnasium is not installed."""
    if gym is None:
        import importlib.util
        if importlib.util.find_spec("gymnasium") is None:
            return False
        import gymnasium as gym
    registry = getattr(gym, "registry", None)
    if registry is None:
        registry = gym.envs.registration.registry
    for env_id, (entry_point, kwargs) in GYM_IDS.items():
        if env_id not in registry:
            gym.register(id=env_id, entry_point=entry_point,
                         kwargs=dict(kwargs))
    return True
