; Invalid actions get an error in the next request, leave the module
; unchanged, and the episode goes on.
; RUN: %agent --socket %t.s --policy script:%S/Inputs/invalid.rules \
; RUN:   --unchecked-options --log %t.log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=switchyard-pipeline \
; RUN:   -S %s -o %t.out.ll 2>%t.err
; RUN: opt -S %s -o %t.plain.ll
; RUN: cmp %t.out.ll %t.plain.ll
; RUN: FileCheck %s < %t.log
; RUN: FileCheck %s --check-prefix=WARN < %t.err

; CHECK: "index":0,{{.*}}"answer":"#4294967295"
; CHECK: "index":1,{{.*}}"previous_error":"option 4294967295 is not one of the {{[0-9]+}} legal options"{{.*}}"answer":"globalopt @foo"
; CHECK: "index":2,{{.*}}"previous_error":"option 'globalopt' cannot be scoped to a target function"{{.*}}"answer":"sroa @nosuch"
; CHECK: "index":3,{{.*}}"previous_error":"no function 'nosuch' with a body in module '{{.*}}invalid-actions.ll'"{{.*}}"answer":"sroa @ext"
; CHECK: "index":4,{{.*}}"previous_error":"no function 'ext' with a body{{.*}}"answer":"sroa 3"
; CHECK: "index":5,{{.*}}"previous_error":"option 'sroa' takes 0 parameters, got 1"{{.*}}"answer":"stop"

; One warning for the module, not one per refused answer.
; WARN-COUNT-1: warning: switchyard:
; WARN-NOT: warning

define i32 @foo(i32 %x) {
entry:
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  ret i32 %v
}

declare void @ext()
