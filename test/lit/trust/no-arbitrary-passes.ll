; An agent cannot make the compiler write a file or run a pass of its own
; choosing: pass-pipeline answers come only from the action space the
; compiler announces, and none of these passes is in it.
; RUN: rm -rf %t && mkdir -p %t/cwd

; dot-cfg writes one file per function into the working directory when a
; user asks for it: this is what must not happen below.
; RUN: cd %t && opt -passes=dot-cfg %s -o /dev/null 2>/dev/null
; RUN: ls -A %t | FileCheck %s --check-prefix=DOTCFG
; DOTCFG: .main.dot

; RUN: cd %t/cwd && %agent --socket %t/a.s \
; RUN:   --policy script:%S/Inputs/outside-actions.rules --unchecked-options \
; RUN:   --dump-action-space %t/space --log %t/log -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=switchyard-pipeline \
; RUN:   -pass-remarks-missed=switchyard %s -S -o %t/out.ll 2> %t/err
; RUN: FileCheck %s < %t/log
; RUN: grep remark: %t/err | FileCheck %s --check-prefix=REMARK
; RUN: FileCheck %s --check-prefix=WARN < %t/err
; RUN: grep warning: %t/err | count 1
; RUN: not grep -E "Writing '|define" %t/err

; Nothing was written, and the only pass that ran is the one in the space.
; RUN: ls -A %t/cwd | count 0
; RUN: opt -passes=sroa %s -S -o %t/sroa.ll
; RUN: cmp %t/sroa.ll %t/out.ll

; None of them is in the action space the compiler announced, nor is
; anything that prints, views, verifies or writes.
; RUN: cut -f2 %t/space > %t/names
; RUN: not grep -x -F -f %S/Inputs/outside-actions.txt %t/names
; RUN: not grep -E '^(print|dot-|view-|verify|write|trigger-crash)' %t/names
; RUN: grep -x -F sroa %t/names

; CHECK: "index":0,{{.*}}"answer":"#4294967295"
; CHECK: "index":1,{{.*}}"previous_error":"option 4294967295 is not one of the [[N:[0-9]+]] legal options"{{.*}}"answer":"#4294967295 @main"
; CHECK: "index":2,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":3,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":4,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":5,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":6,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":7,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":8,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":9,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":10,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":11,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":12,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":13,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"
; CHECK: "index":14,{{.*}}"previous_error":"option 4294967295 is not one of the [[N]] legal options"{{.*}}"answer":"sroa"
; CHECK: "index":15,{{.*}}"answer":"stop"

; REMARK-COUNT-14: remark: {{.*}}agent's pass-pipeline answer refused: option 4294967295 is not one of the {{[0-9]+}} legal options; using the default
; REMARK-NOT: remark
; WARN: warning: switchyard: agent gave an illegal pass-pipeline answer on module '{{.*}}no-arbitrary-passes.ll': option 4294967295 is not one of the {{[0-9]+}} legal options; such answers are refused and the default used

define internal i32 @sum(ptr %a, i32 %n) {
entry:
  %acc = alloca i32
  store i32 0, ptr %acc
  br label %loop

loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr inbounds i32, ptr %a, i32 %i
  %v = load i32, ptr %p
  %old = load i32, ptr %acc
  %new = add i32 %old, %v
  store i32 %new, ptr %acc
  %i.next = add nuw nsw i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = load i32, ptr %acc
  ret i32 %r
}

define i32 @main() {
entry:
  %buf = alloca [8 x i32]
  store [8 x i32] [i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8], ptr %buf
  %s = call i32 @sum(ptr %buf, i32 8)
  ret i32 %s
}
