; Every observation kind, checked against counts worked out by hand below.
; RUN: %agent --socket %t.s --policy script:%S/Inputs/observe.rules \
; RUN:   --log %t.log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=switchyard-pipeline \
; RUN:   -disable-output %s
; RUN: FileCheck %s < %t.log

; Step 0 carries what the subscription asks for with every request.
; @add3: 2 instructions; @loop: entry 1 + header 4 + body 3 + exit 1 = 9.
; CHECK: "index":0,"features":{"step":0,"inst_count":11,"function_count":2}
; CHECK-SAME: "obs":{"inst_count":11,"functions":{"add3":2,"loop":9}
; CHECK-SAME: "opcodes":{"ret":2,"br":3,"add":3,"icmp":1,"phi":2},"opcode_vector_length":{{[0-9]+}}
; Autophase, in docs/hooks.md order. Blocks: add3.entry (0 pred, 0 succ),
; loop.entry (0, 1), header (2, 2; 2 phis, 4 phi args), body (1, 1),
; exit (1, 0). Constants: 3, 0, 0, 1 (all i32).
; CHECK-SAME: "autophase":[0,1,2,1,0,2,1,0,1,1,0,1,0,4,2,3,0,0,4,4,0,2,1,2,2,0,3,0,0,0,5,0,3,0,0,1,0,0,0,0,2,2,0,0,0,0,0,0,0,0,5,11,0,2,4,0]}
; CHECK-SAME: "answer":"instsimplify"

; Step 1 also carries what the step-0 answer asked for.
; CHECK: "index":1,
; CHECK-SAME: "obs":{"inst_count":11,"functions":{"add3":2,"loop":9}
; CHECK-SAME: "ir_hash":"[[HASH:[0-9a-f]+]]","ir_text_bytes":{{[1-9][0-9]+}},"bitcode_bytes":{{[1-9][0-9]+}}}

; instsimplify found nothing to do, so the hash is the same. loop-rotate
; then guards the loop with a copy of the exit test (+icmp, +br) and gives
; the exit a phi for %acc in the preheader and in the exit (+2 phi): the
; hash moves with the IR.
; CHECK: "index":2,
; CHECK-SAME: "ir_hash":"[[HASH]]"
; CHECK: "index":3,
; CHECK-SAME: "obs":{"inst_count":15,"functions":{"add3":2,"loop":13}
; CHECK-SAME: "opcodes":{"ret":2,"br":4,"add":3,"icmp":2,"phi":4}
; CHECK-NOT: "ir_hash":"[[HASH]]"
; CHECK-SAME: "answer":"stop"

define i32 @add3(i32 %a) {
entry:
  %s = add i32 %a, 3
  ret i32 %s
}

define i32 @loop(i32 %n) {
entry:
  br label %header
header:
  %i = phi i32 [ 0, %entry ], [ %inc, %body ]
  %acc = phi i32 [ 0, %entry ], [ %acc2, %body ]
  %c = icmp slt i32 %i, %n
  br i1 %c, label %body, label %exit
body:
  %acc2 = add i32 %acc, %i
  %inc = add i32 %i, 1
  br label %header
exit:
  ret i32 %acc
}

declare void @ext()
