// A 3-D transpose that moves the innermost dimension outermost.
func.func @kernel(%a: tensor<16x24x32xf32>) -> tensor<32x16x24xf32> {
  %init = tensor.empty() : tensor<32x16x24xf32>
  %r = linalg.transpose ins(%a : tensor<16x24x32xf32>) outs(%init : tensor<32x16x24xf32>) permutation = [2, 0, 1]
  return %r : tensor<32x16x24xf32>
}
