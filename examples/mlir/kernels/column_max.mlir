// A reduction over the outer dimension: the maximum of each column.
func.func @kernel(%a: tensor<192x64xf32>) -> tensor<64xf32> {
  %low = arith.constant -3.0e38 : f32
  %init = tensor.empty() : tensor<64xf32>
  %c = linalg.fill ins(%low : f32) outs(%init : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.reduce ins(%a : tensor<192x64xf32>) outs(%c : tensor<64xf32>) dimensions = [0]
    (%x: f32, %acc: f32) {
      %m = arith.maximumf %x, %acc : f32
      linalg.yield %m : f32
    }
  return %r : tensor<64xf32>
}
