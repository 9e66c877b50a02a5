; An agent pushes a rule down (--push-rules): the compiler applies it
; itself. @bar's SROA is skipped exactly as when the agent answers the same
; rule remotely (skip-sroa.ll), but that request never reaches the agent:
; only @foo's is in its log.
; RUN: %agent --socket %t.s --policy default \
; RUN:   --push-rules %S/Inputs/skip-sroa-bar.rules --log %t.log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa \
; RUN:   -pass-remarks=switchyard -S %s -o - 2>%t.err | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK < %t.err
; RUN: FileCheck %s --check-prefix=LOG < %t.log
; RUN: not grep '"function":"bar"' %t.log

; The same rule answered by the agent gives the same module.
; RUN: %agent --socket %t.s --policy script:%S/Inputs/skip-sroa-bar.rules \
; RUN:   -- opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.remote.ll
; RUN: opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.plain.ll
; RUN: %agent --socket %t.s --policy default \
; RUN:   --push-rules %S/Inputs/skip-sroa-bar.rules -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.pushed.ll
; RUN: cmp %t.remote.ll %t.pushed.ll
; RUN: not cmp %t.plain.ll %t.pushed.ll

; A rule file the compiler could not read is refused when the agent starts.
; RUN: printf 'pass-gate pass=SROAPass => sometimes\n' > %t.bad.rules
; RUN: not %agent --socket %t.s --push-rules %t.bad.rules -- true 2>&1 \
; RUN:   | FileCheck %s --check-prefix=BAD
; RUN: printf 'subscribe inline\n' > %t.sub.rules
; RUN: not %agent --socket %t.s --push-rules %t.sub.rules -- true 2>&1 \
; RUN:   | FileCheck %s --check-prefix=SUB

; CHECK-LABEL: define i32 @foo(
; CHECK-NOT:   alloca
; CHECK:       ret i32
; CHECK-LABEL: define i32 @bar(
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %slot = alloca i32

; A pushed rule is the agent's answer: it is remarked on as one.
; REMARK: remark: <unknown>:0:0: agent chose 'skip' instead of 'run' for pass-gate of pass 'SROAPass' on Function 'bar'

; LOG: "function":"foo","pass":"SROAPass"

; BAD: switchyard-agent: --push-rules: {{.*}}bad.rules:1: {{.*}}sometimes
; SUB: switchyard-agent: --push-rules: {{.*}}sub.rules: pushed-down rules take no 'subscribe' lines

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
