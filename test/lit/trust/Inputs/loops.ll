; A little of everything the -O2 pipeline gates: stack slots, a loop, a call.
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
