// The agent skips canonicalize on @bar only: @bar keeps its add of zero,
// @foo loses it.
// RUN: %agent --socket %t.s --policy script:%S/Inputs/skip-canonicalize-bar.rules \
// RUN:   --log %t.log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-gate{pipeline="func.func(canonicalize),cse" remarks=true})' \
// RUN:   %s -o - 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t.err
// RUN: FileCheck %s --check-prefix=LOG < %t.log

// Without an agent the gate runs the same pipeline, byte for byte.
// RUN: mlir-opt --pass-pipeline='builtin.module(func.func(canonicalize),cse)' \
// RUN:   %s -o %t.plain.mlir
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-gate{pipeline="func.func(canonicalize),cse"})' \
// RUN:   %s -o %t.inert.mlir
// RUN: cmp %t.plain.mlir %t.inert.mlir

// CHECK-LABEL: func.func @foo(
// CHECK-NEXT:    return %arg0 : i32
// CHECK-LABEL: func.func @bar(
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    %[[SUM:.*]] = arith.addi %arg0, %[[ZERO]] : i32
// CHECK-NEXT:    return %[[SUM]] : i32

// REMARK: remark: switchyard AgentDecision: agent chose 'skip' instead of 'run' for pass-gate of pass 'canonicalize' on func.func @bar
// REMARK-NOT: remark

// Each pass on each op it anchors on was asked about; pass adaptors never.
// LOG: "kind":"pass-gate","module":"{{.*}}skip-canonicalize.mlir","function":"foo","pass":"Canonicalizer","unit_kind":"Function","unit":"func.func @foo"
// LOG-SAME: "features":{"unit_op_count":4,"unit_block_count":1,"unit_region_count":1,"execution_index":1,"occurrence":0},"default":"run","answer":"default"
// LOG-NEXT: "function":"bar","pass":"Canonicalizer"
// LOG-SAME: "answer":"skip"
// LOG-NEXT: "pass":"CSE","unit_kind":"Module","unit":"builtin.module"
// LOG-SAME: "answer":"default"
// LOG-NOT: "kind"

func.func @foo(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %y = arith.addi %x, %c0 : i32
  return %y : i32
}

func.func @bar(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %y = arith.addi %x, %c0 : i32
  return %y : i32
}
