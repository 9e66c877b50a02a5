; The 20-line C++ agent from docs/agents.md, exactly as written there
; (agent_sdk/examples/cold_sroa_agent.cpp), serving a real opt.
; RUN: %example_agent --socket %t.s -- \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   | FileCheck %s
; RUN: sed -n '/^```cpp$/,/^```$/p' %S/../../../docs/agents.md \
; RUN:   | sed '1d;$d' > %t.doc.cpp
; RUN: diff %t.doc.cpp %S/../../../agent_sdk/examples/cold_sroa_agent.cpp

; CHECK-LABEL: define i32 @hot(
; CHECK-NOT:   alloca
; CHECK-LABEL: define i32 @cold_path(
; CHECK:       alloca

define i32 @hot(i32 %x) {
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  ret i32 %v
}

define i32 @cold_path(i32 %x) {
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  ret i32 %v
}
