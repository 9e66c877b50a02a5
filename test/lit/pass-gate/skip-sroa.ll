; The agent skips SROA on @bar only: @bar keeps its stack slot, @foo loses it.
; RUN: %agent --socket %t.s --policy script:%S/Inputs/skip-sroa-bar.rules \
; RUN:   --log %t.log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa \
; RUN:   -pass-remarks=switchyard -S %s -o - 2>%t.err | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK < %t.err
; RUN: FileCheck %s --check-prefix=LOG < %t.log

; Without an agent the same pipeline promotes both.
; RUN: opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   | FileCheck %s --check-prefix=PLAIN

; CHECK-LABEL: define i32 @foo(
; CHECK-NOT:   alloca
; CHECK:       ret i32
; CHECK-LABEL: define i32 @bar(
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %slot = alloca i32
; CHECK-NEXT:    store i32 %x, ptr %slot
; CHECK-NEXT:    %v = load i32, ptr %slot
; CHECK-NEXT:    %r = mul i32 %v, 3
; CHECK-NEXT:    ret i32 %r

; REMARK: remark: <unknown>:0:0: agent chose 'skip' instead of 'run' for pass-gate of pass 'SROAPass' on Function 'bar'
; REMARK-NOT: remark

; The agent saw both functions; the log has the features it was sent.
; LOG: "kind":"pass-gate","module":"{{.*}}skip-sroa.ll","function":"foo","pass":"SROAPass","unit_kind":"Function","unit":"foo"
; LOG-SAME: "features":{"unit_kind":2,"unit_inst_count":5,"unit_block_count":1,"execution_index":0,"occurrence":0},"default":"run","answer":"default"
; LOG: "function":"bar","pass":"SROAPass"
; LOG-SAME: "unit_inst_count":5
; LOG-SAME: "answer":"skip"

; PLAIN-LABEL: define i32 @bar(
; PLAIN-NOT:   alloca
; PLAIN:       ret i32

define i32 @foo(i32 %x) {
entry:
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  %r = add i32 %v, 1
  ret i32 %r
}

define i32 @bar(i32 %x) {
entry:
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  %r = mul i32 %v, 3
  ret i32 %r
}
