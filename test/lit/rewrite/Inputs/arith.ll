; Instructions where rules of the built-in catalog compete.
define i32 @scale(i32 %x, i32 %y) {
entry:
  %m = mul i32 %x, 8
  %n = mul i32 %y, 9
  %s = add i32 %m, %n
  ret i32 %s
}

define i32 @pick(i1 %c, i32 %a, i32 %b) {
entry:
  %sel = select i1 %c, i32 1, i32 0
  %lt = icmp slt i32 %a, %b
  %min = select i1 %lt, i32 %a, i32 %b
  %q = udiv i32 %min, 16
  %r = add i32 %sel, %q
  ret i32 %r
}
