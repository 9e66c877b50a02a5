// A tile size larger than its loop's trip count is refused: a clear
// warning, the default (the matmul untiled), and the output of plain
// mlir-opt. In strict mode it is an error, exit status 1, no output.
// RUN: mlir-opt %S/Inputs/matmul.mlir -o %t.plain.mlir
// RUN: %agent --socket %t.s --policy script:%S/Inputs/tile-too-big.rules -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tile)' %S/Inputs/matmul.mlir -o %t.out.mlir 2>%t.err
// RUN: FileCheck %s < %t.err
// RUN: grep -c 'warning: switchyard:' %t.err | FileCheck %s --check-prefix=ONE
// RUN: cmp %t.plain.mlir %t.out.mlir

// RUN: not env SWITCHYARD_ON_FAILURE=error \
// RUN:   %agent --socket %t.s --policy script:%S/Inputs/tile-too-big.rules -- \
// RUN:   mlir-opt --load-pass-plugin=%switchyard_mlir_plugin \
// RUN:   --pass-pipeline='builtin.module(switchyard-tile)' %S/Inputs/matmul.mlir -o %t.strict.mlir 2>%t.strict.err
// RUN: FileCheck %s --check-prefix=STRICT < %t.strict.err
// RUN: test ! -e %t.strict.mlir

// CHECK: warning: switchyard: agent gave an illegal tile answer on module '{{.*}}matmul.mlir': parameter 'size1' of 'tile' is 128, outside [0, 64]; such answers are refused and the default used
// ONE: 1
// STRICT-NOT: warning
// STRICT: error: switchyard: agent failed on module '{{.*}}matmul.mlir': illegal tile answer: parameter 'size1' of 'tile' is 128, outside [0, 64] (SWITCHYARD_ON_FAILURE=error)
