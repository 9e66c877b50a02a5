// A matmul whose sizes few tile sizes divide: C(100x50) = A(100x75) * B(75x50).
func.func @kernel(%a: tensor<100x75xf32>, %b: tensor<75x50xf32>) -> tensor<100x50xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<100x50xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<100x50xf32>) -> tensor<100x50xf32>
  %r = linalg.matmul ins(%a, %b : tensor<100x75xf32>, tensor<75x50xf32>)
                     outs(%c : tensor<100x50xf32>) -> tensor<100x50xf32>
  return %r : tensor<100x50xf32>
}
