// A batch of 4 matmuls: C(4x32x40) = A(4x32x48) * B(4x48x40).
func.func @kernel(%a: tensor<4x32x48xf32>, %b: tensor<4x48x40xf32>) -> tensor<4x32x40xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x32x40xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<4x32x40xf32>) -> tensor<4x32x40xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x32x48xf32>, tensor<4x48x40xf32>)
                           outs(%c : tensor<4x32x40xf32>) -> tensor<4x32x40xf32>
  return %r : tensor<4x32x40xf32>
}
