// A reduction: the sum of each row of a 128x256 matrix.
func.func @kernel(%a: tensor<128x256xf32>) -> tensor<128xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<128xf32>) -> tensor<128xf32>
  %r = linalg.reduce ins(%a : tensor<128x256xf32>) outs(%c : tensor<128xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<128xf32>
}
