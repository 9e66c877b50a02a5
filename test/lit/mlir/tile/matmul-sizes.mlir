// A scripted agent tiles a matmul by exact sizes; MLIR's tileUsingSCF makes
// one scf.for per tiled loop, stepping by the size the agent chose.
// RUN: %agent --socket %t.s --policy script:%S/Inputs/tile-8-16-4.rules \
// RUN:   --log %t.log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tile)' %S/Inputs/matmul.mlir | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t.log

// RUN: %agent --socket %t.s --policy script:%S/Inputs/tile-interchange.rules -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tile)' %S/Inputs/matmul.mlir | FileCheck %s --check-prefix=SWAP

// Without an agent nothing is tiled: the output is plain mlir-opt's.
// RUN: mlir-opt %S/Inputs/matmul.mlir -o %t.plain.mlir
// RUN: mlir-opt --load-pass-plugin=%switchyard_mlir_plugin --pass-pipeline='builtin.module(switchyard-tile)' \
// RUN:   %S/Inputs/matmul.mlir -o %t.inert.mlir
// RUN: cmp %t.plain.mlir %t.inert.mlir
// RUN: env SWITCHYARD_POLICY=default mlir-opt \
// RUN:   --load-pass-plugin=%switchyard_mlir_plugin --pass-pipeline='builtin.module(switchyard-tile)' \
// RUN:   %S/Inputs/matmul.mlir -o %t.default.mlir
// RUN: cmp %t.plain.mlir %t.default.mlir

// CHECK-LABEL: func.func @mm(
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[C8]]
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %[[C16]]
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %[[C4]]
// CHECK:               linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<4x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NOT:     linalg.matmul

// LOG: "kind":"tile","module":"{{.*}}matmul.mlir","function":"mm","pass":"switchyard-tile","unit_kind":"Operation","unit":"linalg.matmul:0"
// LOG-SAME: "features":{"num_loops":3,"num_parallel":2,"num_reduction":1,"num_operands":3,"num_results":1,"elem_bits":32,"has_producer":0,"can_vectorize":0,"log2_volume":18,"ub0":64,"ub1":64,"ub2":64,"ub3":0
// LOG-SAME: "default":"keep","answer":"tile 8 16 4 0 0 0"

// SWAP-LABEL: func.func @mm(
// SWAP-DAG:     %[[C32:.*]] = arith.constant 32 : index
// SWAP-DAG:     %[[C16:.*]] = arith.constant 16 : index
// SWAP:         scf.for %{{.*}} step %[[C32]]
// SWAP:           scf.for %{{.*}} step %[[C16]]
// SWAP:             linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x64xf32>) outs(%{{.*}} : tensor<32x64xf32>)
