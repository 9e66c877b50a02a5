; A malformed setting stops the compiler with an error that names it,
; before any module is touched; it is never silently ignored.
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_TIMEOUT_MS=0 \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=TIMEOUT
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_SPIN_US=fast \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=SPIN
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_SPIN_US=20000 \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=SPINBIG
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_HOOKS=inline,unroll-all \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=HOOKS
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_ON_FAILURE=ignore \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=FAIL
; RUN: not env SWITCHYARD_AGENT=%t.s SWITCHYARD_POLICY=default \
; RUN:   opt -load-pass-plugin=%switchyard_plugin -passes=sroa -S %s \
; RUN:   -o %t.out 2>&1 | FileCheck %s --check-prefix=BOTH
; RUN: not test -e %t.out

; TIMEOUT: error: switchyard: SWITCHYARD_TIMEOUT_MS: '0' is not a number of milliseconds in [1, 3600000]
; SPIN: error: switchyard: SWITCHYARD_SPIN_US: 'fast' is not a number of microseconds in [0, 10000]
; SPINBIG: error: switchyard: SWITCHYARD_SPIN_US: '20000' is not a number of microseconds
; HOOKS: error: switchyard: SWITCHYARD_HOOKS: 'unroll-all' is not a decision kind this plugin offers
; FAIL: error: switchyard: SWITCHYARD_ON_FAILURE: 'ignore' is neither 'default' nor 'error'
; BOTH: error: switchyard: set SWITCHYARD_AGENT or SWITCHYARD_POLICY, not both

define i32 @f(i32 %x) {
  %slot = alloca i32
  store i32 %x, ptr %slot
  %v = load i32, ptr %slot
  ret i32 %v
}
