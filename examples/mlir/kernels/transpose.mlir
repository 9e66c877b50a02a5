// A transpose: B(160x96) = A(96x160)^T.
func.func @kernel(%a: tensor<96x160xf32>) -> tensor<160x96xf32> {
  %init = tensor.empty() : tensor<160x96xf32>
  %r = linalg.transpose ins(%a : tensor<96x160xf32>) outs(%init : tensor<160x96xf32>) permutation = [1, 0]
  return %r : tensor<160x96xf32>
}
