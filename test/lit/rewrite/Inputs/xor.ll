define i32 @f(i32 %a) {
  %r = xor i32 %a, %a
  ret i32 %r
}
