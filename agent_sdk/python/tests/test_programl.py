# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The program-graph observation (switchyard.programl): its nodes and
edges on a module written by hand, its instruction nodes against the
instruction count on the bundled suite, and as an environment's
observation."""

import subprocess

import pytest

nx = pytest.importorskip("networkx", reason="apt-get install "
                         "python3-networkx")

from switchyard import datasets, programl, tools  # noqa: E402
from switchyard.env import PassPipelineEnv  # noqa: E402

MODULE = """\
@tab = global [4 x i32] [i32 1, i32 2, i32 3, i32 4], align 16

declare i32 @ext(i32)

define i32 @sq(i32 %x) {
entry:
  %m = mul nsw i32 %x, %x
  ret i32 %m
}

define i32 @main(i32 %n) {
entry:
  %c = icmp sgt i32 %n, 7
  br i1 %c, label %then, label %done, !prof !0

then:
  %a = call i32 @sq(i32 %n)
  %p = getelementptr inbounds [4 x i32], ptr @tab, i64 0, i64 1
  %v = load i32, ptr %p, align 4
  %s = add i32 %a, %v
  br label %done

done:
  %r = phi i32 [ %s, %then ], [ 0, %entry ]
  %e = tail call i32 @ext(i32 %r)
  ret i32 %e
}

!0 = !{!"branch_weights", i32 1, i32 9}
"""


def _find(g, **attrs):
    found = [n for n, d in g.nodes(data=True)
             if all(d.get(k) == v for k, v in attrs.items())]
    assert len(found) == 1, (attrs, found)
    return found[0]


def _edges(g, u, v):
    return sorted((d["flow"], d["position"])
                  for _, w, d in g.out_edges(u, data=True) if w == v)


def test_a_module_by_hand():
    g = programl.program_graph(MODULE)
    assert programl.node_counts(g) == {
        "instruction": 13, "variable": 11, "constant": 4}
    inst = {d["full_text"].split(" = ")[0] if " = " in d["full_text"]
            else d["full_text"]: n for n, d in g.nodes(data=True)
            if d["type"] == "instruction"}
    var = {d["full_text"]: n for n, d in g.nodes(data=True)
           if d["type"] == "variable"}
    # Control: in a block, and from a terminator to each successor.
    br = _find(g, text="br", block="entry")
    assert _edges(g, inst["%c"], br) == [("control", 0)]
    assert _edges(g, var["%c"], br) == [("data", 0)]
    assert _edges(g, br, inst["%a"]) == [("control", 0)]
    assert _edges(g, br, inst["%r"]) == [("control", 1)]
    # Data: operands by position, results, arguments; a phi's blocks and
    # the metadata of !prof are not operands.
    assert _edges(g, var["%x"], inst["%m"]) == [("data", 0), ("data", 1)]
    assert _edges(g, inst["%v"], var["%v"]) == [("data", 0)]
    assert g.nodes[var["%v"]]["text"] == "i32"
    assert g.nodes[var["%c"]]["text"] == "i1"
    assert g.nodes[var["%p"]]["text"] == "ptr"
    assert [d["position"] for u, _, d in g.in_edges(inst["%r"], data=True)
            if d["flow"] == "data"] == [0, 1]
    assert _edges(g, var["@tab"], inst["%p"]) == [("data", 0)]
    # Constants: one node per type and value; the array's size is a type.
    seven = _find(g, type="constant", full_text="i32 7")
    assert _edges(g, seven, inst["%c"]) == [("data", 1)]
    assert {d["full_text"] for _, d in g.nodes(data=True)
            if d["type"] == "constant"} == {"i32 7", "i64 0", "i64 1",
                                            "i32 0"}
    # Calls: into @sq's entry and back from its ret; @ext is external.
    entry_sq = g.graph["functions"]["@sq"]
    ret_sq = _find(g, text="ret", function="@sq")
    assert _edges(g, inst["%a"], entry_sq) == [("call", 0)]
    assert _edges(g, ret_sq, inst["%a"]) == [("call", 0)]
    assert _edges(g, inst["%e"], 0) == [("call", 0)]
    assert _edges(g, 0, inst["%c"]) == [("call", 0)]


@pytest.mark.parametrize("name", ["sha256", "json", "multifile"])
def test_an_instruction_node_per_instruction(private_cache, name):
    bench = datasets.suite()[name]
    for module in (bench.bitcode(), None):
        if module is None:
            module = private_cache + "/oz.bc"
            tools.run([tools.find_tool("opt"), "-passes=default<Oz>",
                       bench.bitcode(), "-o", module])
        text = subprocess.run([tools.find_tool("llvm-dis"), module, "-o",
                               "-"], stdout=subprocess.PIPE,
                              check=True).stdout.decode()
        g = programl.program_graph(text)
        assert programl.node_counts(g)["instruction"] - 1 == \
            tools.count_ir_instructions(text)
        for n, d in g.nodes(data=True):
            if d["type"] == "instruction" and n:
                assert any(e["flow"] in ("control", "call") for _, _, e in
                           g.in_edges(n, data=True)), d["full_text"]
            if d["type"] == "constant":
                assert g.out_degree(n) and all(
                    e["flow"] == "data" for _, _, e in
                    g.out_edges(n, data=True))


def test_the_observation(plugin, private_cache):
    env = PassPipelineEnv("sha256", observation=["program-graph",
                                                 "inst-count"],
                          plugin=plugin, prestart=False)
    try:
        obs, info = env.reset(seed=0)
        assert env.observation_space.contains(obs)
        g = obs["program-graph"]
        assert programl.node_counts(g)["instruction"] - 1 == \
            obs["inst-count"][0]
        obs, _, _, _, info = env.step(env.action_names.index("sroa"))
        after = obs["program-graph"]
        assert programl.node_counts(after)["instruction"] - 1 == \
            info["inst_count"] < programl.node_counts(g)["instruction"] - 1
        assert programl.edge_counts(after)["call"] > 0
    finally:
        env.close()
    with pytest.raises(ValueError, match="program-graph"):
        PassPipelineEnv("sha256", observation="program-grap", plugin=plugin)
