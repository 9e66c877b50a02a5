; The agent inlines a call the default heuristic would not (@big), keeps a
; call the heuristic would inline (@small), and is refused where inlining
; is illegal (a recursive call).
; RUN: opt -passes=inliner-wrapper -S %s | FileCheck %s --check-prefix=PLAIN
; RUN: %agent --socket %t.s --policy script:%S/Inputs/inline.rules \
; RUN:   --log %t.log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=inliner-wrapper \
; RUN:   -pass-remarks=switchyard -pass-remarks-missed=switchyard \
; RUN:   -S %s -o - 2>%t.err | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK < %t.err
; RUN: FileCheck %s --check-prefix=LOG < %t.log

; By default, @small is inlined and @big is not.
; PLAIN-LABEL: define i32 @main(
; PLAIN-NOT:   call i32 @small
; PLAIN:       call i32 @big(
; PLAIN:       call i32 @rec(

; CHECK-LABEL: define i32 @main(
; CHECK:       call i32 @small(
; CHECK-NOT:   call i32 @big(
; CHECK:       call i32 @rec(

; REMARK-DAG: remark: <unknown>:0:0: agent chose 'yes' instead of 'no' for inline of call 'main->big'
; REMARK-DAG: remark: <unknown>:0:0: agent chose 'no' instead of 'yes' for inline of call 'main->small'
; Only 'no' is legal for the recursive call, so 'yes' (sent as an unknown
; option) is refused.
; REMARK-DAG: remark: <unknown>:0:0: agent's inline answer refused: option 4294967295 is not one of the 1 legal options; using the default

; The request carries MLGO's features and the default decision.
; LOG: "kind":"inline",{{.*}}"unit_kind":"CallSite","unit":"main->small"
; LOG-SAME: "features":{"sroa_savings":{{[-0-9]+}},"sroa_losses":
; LOG-SAME: "callee_basic_block_count":1,"callsite_height":{{[0-9]+}},"node_count":4,"nr_ctant_params":1,
; LOG-SAME: "default_decision":1,"inline_legal":1},"default":"yes","answer":"no"

define i32 @small(i32 %x) {
  %r = add i32 %x, 1
  ret i32 %r
}

define i32 @big(i32 %x) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i32 [ %x, %entry ], [ %acc.next, %loop ]
  %a = mul i32 %acc, 31
  %b = xor i32 %a, %i
  %c = add i32 %b, 7
  %d = mul i32 %c, %c
  %e = lshr i32 %d, 3
  %f = add i32 %e, %a
  %g = xor i32 %f, 12345
  %h = mul i32 %g, 17
  %j = add i32 %h, %b
  %k = sub i32 %j, %c
  %l = mul i32 %k, %d
  %m = xor i32 %l, %e
  %n = add i32 %m, %f
  %o = mul i32 %n, %g
  %p = xor i32 %o, %h
  %q = add i32 %p, %j
  %s = mul i32 %q, %k
  %t = xor i32 %s, %l
  %u = add i32 %t, %m
  %v = mul i32 %u, %n
  %w = xor i32 %v, %o
  %y = add i32 %w, %p
  %z = mul i32 %y, %q
  %acc.next = xor i32 %z, %s
  call void @sink(i32 %acc.next)
  call void @sink(i32 %z)
  call void @sink(i32 %y)
  call void @sink(i32 %w)
  call void @sink(i32 %v)
  call void @sink(i32 %u)
  call void @sink(i32 %t)
  call void @sink(i32 %s)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, 100
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %acc.next
}

define i32 @rec(i32 %x) {
  %c = icmp eq i32 %x, 0
  br i1 %c, label %base, label %step
base:
  ret i32 0
step:
  %y = sub i32 %x, 1
  %r = call i32 @rec(i32 %y)
  %s = add i32 %r, %x
  ret i32 %s
}

define i32 @main(i32 %x) {
  %a = call i32 @small(i32 5)
  %b = call i32 @big(i32 %x)
  %c = call i32 @rec(i32 %x)
  %s1 = add i32 %a, %b
  %s2 = add i32 %s1, %c
  ret i32 %s2
}

declare void @sink(i32)
