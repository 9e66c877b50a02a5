// Each rewrite of the switchyard-arith set, on edge inputs: 0, 1, -1, the
// extremes of i32, a subnormal, the largest f32 (whose double overflows),
// infinities, zeros of both signs and a NaN.
func.func @ints(%x: i32) -> (i32, i32, i32, vector<2xi32>) {
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %c1 = arith.constant 1 : i32
  %v4 = arith.constant dense<4> : vector<2xi32>
  %m = arith.muli %x, %c8 : i32
  %d = arith.divui %x, %c16 : i32
  %r = arith.remui %x, %c16 : i32
  %xv = vector.broadcast %x : i32 to vector<2xi32>
  %mv = arith.muli %xv, %v4 : vector<2xi32>
  %m1 = arith.muli %m, %c1 : i32
  return %m1, %d, %r, %mv : i32, i32, i32, vector<2xi32>
}
func.func @floats(%x: f32) -> f32 {
  %c2 = arith.constant 2.0 : f32
  %y = arith.mulf %x, %c2 : f32
  return %y : f32
}
func.func @main() {
  %ints = arith.constant dense<[0, 1, -1, 7, 2147483647, -2147483648, 123456789, -123456789]> : vector<8xi32>
  %floats = arith.constant dense<[0.0, -0.0, 1.5, 3.40282347e+38, 1.0e-45, 0x7F800000, 0xFF800000, 0x7FC00000, -2.75]> : vector<9xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c9 = arith.constant 9 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %x = vector.extract %ints[%i] : i32 from vector<8xi32>
    %a, %b, %c, %d = func.call @ints(%x) : (i32) -> (i32, i32, i32, vector<2xi32>)
    vector.print %a : i32
    vector.print %b : i32
    vector.print %c : i32
    vector.print %d : vector<2xi32>
  }
  scf.for %i = %c0 to %c9 step %c1 {
    %x = vector.extract %floats[%i] : f32 from vector<9xf32>
    %y = func.call @floats(%x) : (f32) -> f32
    vector.print %y : f32
  }
  return
}
