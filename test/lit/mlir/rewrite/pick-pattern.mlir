// The agent picks a named canonicalization pattern (AddIAddConstant, which
// folds (x + 1) + 2 into x + 3) at @foo's adds and no pattern at @bar's.
// RUN: %agent --socket %t.s --policy script:%S/Inputs/pick.rules \
// RUN:   --log %t.log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite)' %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t.log

// Default answers (greedy at every op), and no agent at all, give plain
// canonicalize's output byte for byte, here and on a kernel.
// RUN: mlir-opt --canonicalize %s -o %t.plain.mlir
// RUN: env SWITCHYARD_POLICY=default mlir-opt \
// RUN:   --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite)' %s -o %t.default.mlir
// RUN: cmp %t.plain.mlir %t.default.mlir
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite)' %s -o %t.inert.mlir
// RUN: cmp %t.plain.mlir %t.inert.mlir
// RUN: mlir-opt --pass-pipeline='builtin.module(one-shot-bufferize{bufferize-function-boundaries},func.func(convert-linalg-to-loops),canonicalize)' \
// RUN:   %examples/mlir/kernels/matmul_bias_relu.mlir -o %t.k.plain.mlir
// RUN: %agent --socket %t.s --policy default --quiet -- mlir-opt \
// RUN:   --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(one-shot-bufferize{bufferize-function-boundaries},func.func(convert-linalg-to-loops),switchyard-rewrite)' \
// RUN:   %examples/mlir/kernels/matmul_bias_relu.mlir -o %t.k.agent.mlir
// RUN: cmp %t.k.plain.mlir %t.k.agent.mlir

// CHECK-LABEL: func.func @foo(
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : i32
// CHECK-NEXT:    %[[R:.*]] = arith.addi %arg0, %[[C3]] : i32
// CHECK-NEXT:    return %[[R]]
// CHECK-LABEL: func.func @bar(
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : i32
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : i32
// CHECK:         %[[A:.*]] = arith.addi %arg0, %[[C1]] : i32
// CHECK-NEXT:    %[[B:.*]] = arith.addi %[[A]], %[[C2]] : i32
// CHECK-NEXT:    return %[[B]]

// LOG: "kind":"rewrite",{{.*}}"function":"foo",{{.*}}"unit":"arith.addi",{{.*}}"features":{"num_candidates":5,{{.*}}"default":"greedy","answer":"AddIAddConstant"
// LOG: "function":"bar",{{.*}}"unit":"arith.addi",{{.*}}"answer":"none"

func.func @foo(%x: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %a = arith.addi %x, %c1 : i32
  %b = arith.addi %a, %c2 : i32
  return %b : i32
}

func.func @bar(%x: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %a = arith.addi %x, %c1 : i32
  %b = arith.addi %a, %c2 : i32
  return %b : i32
}
