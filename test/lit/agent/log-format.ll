; The --log line of a decision, byte for byte: compact JSON, keys in this
; order, integral features as integers, and every control character of a
; name written as \u00XX (as the Python SDK's log writes it too); bytes
; that are not UTF-8 become U+FFFD.
; RUN: %agent --socket %t.s --policy default --log %t.log --quiet -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa %s -o /dev/null
; RUN: sed -E 's/"pid":[0-9]+/"pid":PID/' %t.log | FileCheck %s --match-full-lines

; CHECK: {"conn":1,"pid":PID,"id":1,"kind":"pass-gate","module":"{{.*}}log-format.ll","function":"f\u000a\u0009\"\\\u0001\u0008\u000c\u000d/é�","pass":"SROAPass","unit_kind":"Function","unit":"f\u000a\u0009\"\\\u0001\u0008\u000c\u000d/é�","site":{{[0-9]+}},"index":0,"features":{"unit_kind":2,"unit_inst_count":4,"unit_block_count":1,"execution_index":0,"occurrence":0},"default":"run","answer":"default"}
; CHECK-EMPTY:

define i32 @"f\0A\09\22\5C\01\08\0C\0D/\C3\A9\FF"(i32 %x) {
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  ret i32 %v
}
