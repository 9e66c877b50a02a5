// A scripted agent picks cse on the module, then canonicalize on @bar
// alone, then loop-invariant-code-motion and cse again, then stops. Every observation is
// checked against counts worked out by hand below.
// RUN: rm -rf %t && mkdir %t
// RUN: %agent --socket %t/a.s --policy script:%S/Inputs/pick.rules \
// RUN:   --log %t/log -- env SWITCHYARD_PIPELINE_OUT=%t/episode \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-mlir-pipeline{remarks=true})' \
// RUN:   %s -o %t/out.mlir 2>%t/err
// RUN: FileCheck %s < %t/out.mlir
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// RUN: FileCheck %s --check-prefix=REMARK < %t/err

// The episode is written as a replay script headed by the plain mlir-opt
// pipeline it amounts to, when no action was scoped to one function; here
// one was.
// RUN: FileCheck %s --check-prefix=EPISODE < %t/episode
// EPISODE: # module: {{.*}}pick-passes.mlir
// EPISODE-NEXT: # function-scoped actions: replay this file with --policy script:FILE
// EPISODE-NEXT: pass-pipeline index=0 => cse
// EPISODE-NEXT: pass-pipeline index=1 => canonicalize @bar
// EPISODE-NEXT: pass-pipeline index=2 => loop-invariant-code-motion
// EPISODE-NEXT: pass-pipeline index=3 => cse
// EPISODE-NEXT: pass-pipeline index=4 => stop

// Replaying the episode gives the same module.
// RUN: %agent --socket %t/b.s --policy script:%t/episode -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-mlir-pipeline)' \
// RUN:   %s -o %t/replayed.mlir
// RUN: cmp %t/out.mlir %t/replayed.mlir

// cse merged @foo's two adds; canonicalize folded @bar's add of zero and
// left @foo's; licm hoisted the loop-invariant multiply out of @loop.
// CHECK-LABEL: func.func @foo(
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    %[[SUM:.*]] = arith.addi %arg0, %[[ZERO]] : i32
// CHECK-NEXT:    %[[PROD:.*]] = arith.muli %[[SUM]], %[[SUM]] : i32
// CHECK-NEXT:    return %[[PROD]] : i32
// CHECK-LABEL: func.func @bar(
// CHECK-NEXT:    return %arg0 : i32
// CHECK-LABEL: func.func @loop(
// CHECK:         arith.muli
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.store

// Step 0, counted by hand: @foo holds 5 ops (a constant, two addi, a muli,
// the return), @bar 3, @loop 8 (three constants, scf.for, muli, store, the
// loop's yield, return); with the three func.func the module has 19 ops in
// 4 blocks (one per function, one in the loop) of 4 dialects.
// LOG: "index":0,"features":{"step":0,"op_count":19,"function_count":3,"block_count":4,"dialect_count":4}
// LOG-SAME: "obs":{"inst_count":19,"functions":{"foo":5,"bar":3,"loop":8}
// LOG-SAME: "opcodes":{"arith.addi":3,"arith.constant":5,"arith.muli":2,"func.func":3,"func.return":3,"memref.store":1,"scf.for":1,"scf.yield":1},"opcode_vector_length":8
// LOG-SAME: "dialects":{"arith":10,"func":6,"memref":1,"scf":2}
// LOG-SAME: "answer":"cse"
// Step 1 also carries what step 0 asked for: the hash, the text, bytecode.
// cse removed one addi from @foo.
// LOG: "index":1,"features":{"step":1,"op_count":18,
// LOG-SAME: "functions":{"foo":4,"bar":3,"loop":8}
// LOG-SAME: "ir_hash":"[[HASH1:[0-9a-f]+]]","ir_text_bytes":{{[1-9][0-9]+}},"bitcode_bytes":{{[1-9][0-9]+}}
// LOG-SAME: "answer":"canonicalize @bar"
// canonicalize removed @bar's constant and add, and nothing in @foo.
// LOG: "index":2,"features":{"step":2,"op_count":16,
// LOG-SAME: "functions":{"foo":4,"bar":1,"loop":8}
// LOG-NOT: "ir_hash":"[[HASH1]]"
// LOG-SAME: "ir_hash":"[[HASH2:[0-9a-f]+]]"
// LOG-SAME: "answer":"loop-invariant-code-motion"
// licm moved an op and removed none: same counts, another hash.
// LOG: "index":3,"features":{"step":3,"op_count":16,
// LOG-NOT: "ir_hash":"[[HASH2]]"
// LOG-SAME: "ir_hash":"[[HASH3:[0-9a-f]+]]"
// LOG-SAME: "answer":"cse"
// cse found nothing more: the same IR hashes the same.
// LOG: "index":4,"features":{"step":4,"op_count":16,
// LOG-SAME: "ir_hash":"[[HASH3]]"
// LOG-SAME: "answer":"stop"

// REMARK: remark: switchyard AgentDecision: agent chose 'cse' instead of 'stop' for pass-pipeline step 0: 'cse'
// REMARK-NEXT: remark: switchyard AgentDecision: agent chose 'canonicalize @bar' instead of 'stop' for pass-pipeline step 1: 'canonicalize' on function 'bar'
// REMARK-NEXT: remark: switchyard AgentDecision: agent chose 'loop-invariant-code-motion' instead of 'stop' for pass-pipeline step 2: 'loop-invariant-code-motion'
// REMARK-NEXT: remark: switchyard AgentDecision: agent chose 'cse' instead of 'stop' for pass-pipeline step 3: 'cse'
// REMARK-NOT: remark

func.func @foo(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %y = arith.addi %x, %c0 : i32
  %z = arith.addi %x, %c0 : i32
  %w = arith.muli %y, %z : i32
  return %w : i32
}

func.func @bar(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %y = arith.addi %x, %c0 : i32
  return %y : i32
}

func.func @loop(%m: memref<16xi32>, %a: i32, %b: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %p = arith.muli %a, %b : i32
    memref.store %p, %m[%i] : memref<16xi32>
  }
  return
}
