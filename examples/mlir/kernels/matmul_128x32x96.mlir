// A tall matmul with a short reduction: C(128x96) = A(128x32) * B(32x96).
func.func @kernel(%a: tensor<128x32xf32>, %b: tensor<32x96xf32>) -> tensor<128x96xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<128x96xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<128x96xf32>) -> tensor<128x96xf32>
  %r = linalg.matmul ins(%a, %b : tensor<128x32xf32>, tensor<32x96xf32>)
                     outs(%c : tensor<128x96xf32>) -> tensor<128x96xf32>
  return %r : tensor<128x96xf32>
}
