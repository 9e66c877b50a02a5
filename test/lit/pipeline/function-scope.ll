; Actions scoped to one function change only that function, and the episode
; replays exactly from the script the plugin writes.
; RUN: rm -f %t.episode
; RUN: env SWITCHYARD_PIPELINE_OUT=%t.episode \
; RUN:   %agent --socket %t.s --policy script:%S/Inputs/scoped.rules -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=switchyard-pipeline \
; RUN:   -S %s -o %t.out.ll
; RUN: FileCheck %s < %t.out.ll
; RUN: FileCheck %s --check-prefix=EPISODE < %t.episode
; RUN: %agent --socket %t.s --policy script:%t.episode -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=switchyard-pipeline \
; RUN:   -S %s -o %t.replay.ll
; RUN: cmp %t.out.ll %t.replay.ll

; @foo was promoted and folded; @bar is exactly as written.
; CHECK-LABEL: define i32 @foo(i32 %x) {
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %r = add i32 %x, 2
; CHECK-NEXT:    ret i32 %r
; CHECK-LABEL: define i32 @bar(i32 %x) {
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %slot = alloca i32
; CHECK-NEXT:    store i32 %x, ptr %slot
; CHECK-NEXT:    %v = load i32, ptr %slot
; CHECK-NEXT:    %a = add i32 %v, 1
; CHECK-NEXT:    %r = add i32 %a, 1
; CHECK-NEXT:    ret i32 %r

; EPISODE: # function-scoped actions: replay this file with --policy script:FILE
; EPISODE-NEXT: pass-pipeline index=0 => sroa @foo
; EPISODE-NEXT: pass-pipeline index=1 => instcombine @foo
; EPISODE-NEXT: pass-pipeline index=2 => stop

define i32 @foo(i32 %x) {
entry:
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  %a = add i32 %v, 1
  %r = add i32 %a, 1
  ret i32 %r
}

define i32 @bar(i32 %x) {
entry:
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  %a = add i32 %v, 1
  %r = add i32 %a, 1
  ret i32 %r
}
