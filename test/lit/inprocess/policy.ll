; SWITCHYARD_POLICY runs a built-in policy inside the compiler, with no
; agent process: a script skips SROA on @bar; "default" changes nothing; and
; the random policy in-process makes exactly the choices the same policy
; makes behind a socket.
; RUN: env SWITCHYARD_POLICY=script:%S/../pass-gate/Inputs/skip-sroa-bar.rules \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   | FileCheck %s
; RUN: opt -passes='default<O2>' %s -o %t.plain.bc
; RUN: env SWITCHYARD_POLICY=default opt -load-pass-plugin=%switchyard_plugin \
; RUN:   -passes='default<O2>' %s -o %t.default.bc
; RUN: cmp %t.plain.bc %t.default.bc
; RUN: env SWITCHYARD_POLICY=random:3 opt -load-pass-plugin=%switchyard_plugin \
; RUN:   -passes='default<O2>' %s -o %t.inproc.bc
; RUN: %agent --socket %t.s --policy random --seed 3 -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes='default<O2>' %s \
; RUN:   -o %t.socket.bc
; RUN: cmp %t.inproc.bc %t.socket.bc
; RUN: not cmp -s %t.plain.bc %t.inproc.bc

; In-process, the policy gets the compiler's messages directly; with
; SWITCHYARD_VERIFY_FRAMES=1 they go through the codec and the Verifier
; first, as to a socket agent, and the choices are the same.
; RUN: env SWITCHYARD_POLICY=random:3 SWITCHYARD_VERIFY_FRAMES=1 \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes='default<O2>' %s \
; RUN:   -o %t.verified.bc
; RUN: cmp %t.inproc.bc %t.verified.bc

; A bad policy is a clear error, and so is asking for both.
; RUN: not env SWITCHYARD_POLICY=script:%t.missing opt \
; RUN:   -load-pass-plugin=%switchyard_plugin -passes=sroa -disable-output %s \
; RUN:   2>&1 | FileCheck %s --check-prefix=BAD
; RUN: not env SWITCHYARD_POLICY=default SWITCHYARD_AGENT=%t.s opt \
; RUN:   -load-pass-plugin=%switchyard_plugin -passes=sroa -disable-output %s \
; RUN:   2>&1 | FileCheck %s --check-prefix=BOTH
; BAD: switchyard: SWITCHYARD_POLICY: cannot read script '{{.*}}.missing'
; BOTH: switchyard: set SWITCHYARD_AGENT or SWITCHYARD_POLICY, not both

; CHECK-LABEL: define i32 @foo(
; CHECK-NOT:   alloca
; CHECK-LABEL: define i32 @bar(
; CHECK:       alloca

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
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i32 [ %r, %entry ], [ %acc.next, %loop ]
  %acc.next = mul i32 %acc, 7
  %i.next = add i32 %i, 1
  %c = icmp eq i32 %i.next, 8
  br i1 %c, label %exit, label %loop
exit:
  ret i32 %acc.next
}
