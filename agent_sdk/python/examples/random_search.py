"""Random search over pass orders: the best of 20 short episodes."""
from switchyard.env import PassPipelineEnv

env = PassPipelineEnv("sha256", actions="compact", observation="autophase")
env.action_space.seed(0)
best_count, best_actions = float("inf"), []
for episode in range(20):
    obs, info = env.reset(seed=episode)
    for step in range(30):
        action = env.action_space.sample()
        if env.action_names[action] == "stop":
            continue  # stop would end the episode
        obs, reward, terminated, truncated, info = env.step(action)
        if "error" in info or terminated or truncated:
            break  # the compiler crashed or the episode is over
        if info["inst_count"] < best_count:
            best_count, best_actions = info["inst_count"], info["actions"]
print("best: %d instructions, -Oz: %d" % (best_count, env.baselines["Oz"].inst_count))
print(env.commandline(best_actions))
env.close()
