// Invalid actions are handled as in the LLVM pipeline: a clear error in
// the next request, the module unchanged, and the episode goes on.
// RUN: rm -rf %t && mkdir %t
// RUN: %agent --socket %t/a.s --policy script:%S/Inputs/invalid.rules \
// RUN:   --unchecked-options --log %t/log -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-mlir-pipeline)' \
// RUN:   %s -o %t/out.mlir 2>%t/err
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// RUN: FileCheck %s --check-prefix=WARN < %t/err

// Nothing changed: the module is plain mlir-opt's print of the input (the
// last action, cse, finds nothing to do).
// RUN: mlir-opt %s -o %t/plain.mlir
// RUN: cmp %t/out.mlir %t/plain.mlir

// The transform script canonicalizes @f, then fails on it: plain
// mlir-opt shows the IR it leaves behind, @f's add folded away. The
// episode puts the module back as it was before the action.
// RUN: not mlir-opt --transform-interpreter --mlir-print-ir-after-failure \
// RUN:   %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=HALFWAY
// HALFWAY: IR Dump After {{.*}}Failed
// HALFWAY: func.func @f(%arg0: i32) -> i32 {
// HALFWAY-NEXT: return %arg0 : i32

// LOG: "index":0,{{.*}}"answer":"#4294967295"
// LOG: "index":1,{{.*}}"previous_error":"option 4294967295 is not one of the {{[0-9]+}} legal options"{{.*}}"answer":"cse @nosuch"
// LOG: "index":2,{{.*}}"previous_error":"no function 'nosuch' with a body in module '{{.*}}invalid-actions.mlir'"{{.*}}"answer":"cse @ext"
// LOG: "index":3,{{.*}}"previous_error":"no function 'ext' with a body in module '{{.*}}invalid-actions.mlir'"{{.*}}"answer":"symbol-dce @f"
// LOG: "index":4,{{.*}}"previous_error":"'symbol-dce' on 'f' failed: 'func.func' op  was scheduled to run under SymbolDCE, but does not define a symbol table; the module is unchanged"{{.*}}"answer":"sparsifier @f"
// LOG: "index":5,{{.*}}"previous_error":"option 'sparsifier' cannot be scoped to a target function"{{.*}}"answer":"cse 3"
// LOG: "index":6,{{.*}}"previous_error":"option 'cse' takes 0 parameters, got 1"{{.*}}"answer":"transform-interpreter"
// LOG: "index":7,{{.*}}"previous_error":"'transform-interpreter' failed: Unsupported Op, cannot vectorize; the module is unchanged"{{.*}}"answer":"cse"
// LOG: "index":8,
// LOG-NOT: previous_error
// LOG-SAME: "answer":"stop"

// One warning for the module (the illegal answers), not one per refused
// answer; the failed passes' own errors went to the agent, not here.
// WARN: warning: switchyard: agent gave an illegal pass-pipeline answer
// WARN-NOT: warning
// WARN-NOT: error

module attributes {transform.with_named_sequence} {
  func.func @f(%x: i32) -> i32 {
    %c0 = arith.constant 0 : i32
    %y = arith.addi %x, %c0 : i32
    return %y : i32
  }
  func.func private @ext()
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %f = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.structured.vectorize %f : !transform.any_op
    transform.yield
  }
}
