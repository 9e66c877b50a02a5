// Patterns a user writes in PDLL are offered too, by their name: the agent
// applies AddToSub at @foo's adds and nothing anywhere else.
// RUN: mlir-pdll-22 -x=mlir %S/Inputs/add-to-sub.pdll -o %t.pdl.mlir
// RUN: %agent --socket %t.s --policy script:%S/Inputs/pdl.rules -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pdl-file=%t.pdl.mlir})' \
// RUN:   %s | FileCheck %s
// A file that is not there is a clear error.
// RUN: not mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-rewrite{pdl-file=%t.none.mlir})' \
// RUN:   %s 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK-LABEL: func.func @foo(
// CHECK:         %[[A:.*]] = arith.subi %arg0, %{{.*}} : i32
// CHECK-NEXT:    %[[B:.*]] = arith.subi %[[A]], %{{.*}} : i32
// CHECK-LABEL: func.func @bar(
// CHECK:         %[[A:.*]] = arith.addi %arg0, %{{.*}} : i32
// CHECK-NEXT:    %[[B:.*]] = arith.addi %[[A]], %{{.*}} : i32
// MISSING: error: switchyard-rewrite: cannot read PDL patterns from '{{.*}}none.mlir'

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
