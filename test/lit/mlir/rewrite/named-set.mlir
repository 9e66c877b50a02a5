// A pattern set the plugin registers itself, selected by name: with
// pattern-sets=canonicalize,switchyard-arith the agent picks the plugin's
// MulIPowerOfTwoToShLI at @pick's multiply and no pattern at @keep's.
// RUN: %agent --socket %t.s --policy script:%S/Inputs/named.rules \
// RUN:   --log %t.log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pattern-sets=canonicalize,switchyard-arith})' \
// RUN:   %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t.log

// CHECK-LABEL: func.func @pick(
// CHECK-NEXT:    %[[C3:.*]] = arith.constant 3 : i32
// CHECK-NEXT:    %[[R:.*]] = arith.shli %arg0, %[[C3]] : i32
// CHECK-NEXT:    return %[[R]]
// CHECK-LABEL: func.func @keep(
// CHECK-NEXT:    %[[C8:.*]] = arith.constant 8 : i32
// CHECK-NEXT:    %[[R:.*]] = arith.muli %arg0, %[[C8]] : i32
// CHECK-NEXT:    return %[[R]]
// Elsewhere the default, "greedy", applies every pattern that matches.
// CHECK-LABEL: func.func @rest(
// CHECK-DAG:     arith.shrui %arg0, %{{.*}} : i32
// CHECK-DAG:     arith.andi %arg0, %{{.*}} : i32
// CHECK-DAG:     arith.addf %arg1, %arg1 fastmath<nnan> : f32
// CHECK-DAG:     arith.shli %arg2, %{{.*}} : vector<4xi32>

// The set's patterns are answers by their names, beside canonicalize's.
// LOG: "function":"pick",{{.*}}"unit":"arith.muli",{{.*}}"answer":"MulIPowerOfTwoToShLI"
// LOG: "function":"keep",{{.*}}"unit":"arith.muli",{{.*}}"answer":"none"

// Without the set, the pass is canonicalize, byte for byte; an unknown set
// is an error that names the known ones.
// RUN: mlir-opt --canonicalize %s -o %t.plain.mlir
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pattern-sets=canonicalize})' \
// RUN:   %s -o %t.canon.mlir
// RUN: cmp %t.plain.mlir %t.canon.mlir
// RUN: not mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pattern-sets=nope})' \
// RUN:   %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: switchyard-rewrite: no pattern set 'nope' (known: canonicalize, switchyard-arith, linalg-generalize)

// The plugin also registers MLIR's own generalization of named linalg ops
// as a set, so that it can be chosen op by op.
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pattern-sets=linalg-generalize})' \
// RUN:   %examples/mlir/kernels/matmul_64.mlir | FileCheck %s --check-prefix=GENERIC
// GENERIC-NOT: linalg.matmul
// GENERIC: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// GENERIC-NOT: linalg.matmul

// The rewrites are exact: a program run before and after them (every
// pattern applied, no agent) prints the same, and it did change.
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pattern-sets=switchyard-arith})' \
// RUN:   %S/Inputs/named-run.mlir -o %t.rewritten.mlir
// RUN: FileCheck %s --check-prefix=REWRITTEN < %t.rewritten.mlir
// REWRITTEN-DAG: arith.shli %arg0
// REWRITTEN-DAG: arith.shrui %arg0
// REWRITTEN-DAG: arith.andi %arg0
// REWRITTEN-DAG: arith.shli %{{.*}} : vector<2xi32>
// REWRITTEN-DAG: arith.addf %arg0, %arg0 : f32
// RUN: mlir-opt --pass-pipeline='builtin.module(convert-vector-to-scf,convert-scf-to-cf,convert-vector-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)' \
// RUN:   %S/Inputs/named-run.mlir | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_runner_libs > %t.before
// RUN: mlir-opt --pass-pipeline='builtin.module(convert-vector-to-scf,convert-scf-to-cf,convert-vector-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)' \
// RUN:   %t.rewritten.mlir | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_runner_libs > %t.after
// RUN: diff %t.before %t.after
// The values, worked out by hand: per i32 input x, x*8, x/u16, x%u16
// and x*4 in both lanes (wrapping: 0x7fffffff*8 is -8); then 2x per
// float (the largest f32 doubles to inf, the smallest subnormal to 2**-148,
// -0 stays -0).
// RUN: tr '\n' ' ' < %t.after | FileCheck %s --check-prefix=VALUES
// VALUES: {{^}}0 0 0 ( 0, 0 ) 8 0 1 ( 4, 4 ) -8 268435455 15 ( -4, -4 ) 56 0 7 ( 28, 28 ) -8 134217727 15 ( -4, -4 ) 0 134217728 0 ( 0, 0 ) 987654312 7716049 5 ( 493827156, 493827156 ) -987654312 260719406 11 ( -493827156, -493827156 ) 0 -0 3 inf 2.8026e-45 inf -inf nan -5.5 {{$}}

func.func @pick(%x: i32) -> i32 {
  %c8 = arith.constant 8 : i32
  %y = arith.muli %x, %c8 : i32
  return %y : i32
}

func.func @keep(%x: i32) -> i32 {
  %c8 = arith.constant 8 : i32
  %y = arith.muli %x, %c8 : i32
  return %y : i32
}

func.func @rest(%x: i32, %f: f32, %v: vector<4xi32>) -> (i32, i32, f32, vector<4xi32>) {
  %c4 = arith.constant 4 : i32
  %c32 = arith.constant 32 : i32
  %c2 = arith.constant 2.0 : f32
  %v2 = arith.constant dense<2> : vector<4xi32>
  %d = arith.divui %x, %c4 : i32
  %r = arith.remui %x, %c32 : i32
  %g = arith.mulf %f, %c2 fastmath<nnan> : f32
  %w = arith.muli %v, %v2 : vector<4xi32>
  return %d, %r, %g, %w : i32, i32, f32, vector<4xi32>
}
