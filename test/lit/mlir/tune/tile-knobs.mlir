// A transform schedule whose tile sizes are transform.tune knobs: the agent
// picks each from its options, switchyard-tune writes the answers into the
// knobs and runs the transform interpreter, which tiles the matmul.
// RUN: %agent --socket %t.s --policy script:%S/Inputs/knobs.rules \
// RUN:   --log %t.log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tune)' %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t.log

// Plain MLIR cannot run the schedule: the knobs wait for a tuner. Without
// an agent the pass resolves nothing and fails the same way.
// RUN: not mlir-opt --transform-interpreter %s 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: not mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tune)' %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PLAIN

// CHECK-LABEL: func.func @mm(
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         scf.for %{{.*}} step %[[C16]]
// CHECK:           scf.for %{{.*}} step %[[C32]]
// CHECK:             scf.for %{{.*}} step %[[C4]]
// CHECK:               linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x4xf32>, tensor<4x32xf32>) outs(%{{.*}} : tensor<16x32xf32>)
// CHECK: transform.tune.knob<"tile_i"> = 16 : i64 from options = [8, 16, 32]

// LOG: "kind":"tune",{{.*}}"unit":"tile_i",{{.*}}"features":{"num_options":3,"is_alternatives":0,"ordinal":0},"default":"8","answer":"16"
// LOG: "unit":"tile_j",{{.*}}"answer":"32"
// LOG: "unit":"tile_k",{{.*}}"answer":"4"

// PLAIN: error: {{.*}}tile_i{{.*}}

module attributes {transform.with_named_sequence} {
  func.func @mm(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
    %r = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                       outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    return %r : tensor<64x64xf32>
  }

  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["linalg.matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %ti = transform.tune.knob<"tile_i"> options = [8, 16, 32] -> !transform.param<i64>
    %tj = transform.tune.knob<"tile_j"> options = [8, 16, 32] -> !transform.param<i64>
    %tk = transform.tune.knob<"tile_k"> options = [4, 8] -> !transform.param<i64>
    %t, %l:3 = transform.structured.tile_using_for %mm tile_sizes [%ti, %tj, %tk]
      : (!transform.any_op, !transform.param<i64>, !transform.param<i64>, !transform.param<i64>)
      -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}
