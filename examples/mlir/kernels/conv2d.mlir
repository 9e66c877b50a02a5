// A 3x3 convolution, NHWC input and HWCF filter: 8 channels in, 16 out.
func.func @kernel(%in: tensor<1x18x18x8xf32>, %filter: tensor<3x3x8x16xf32>) -> tensor<1x16x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x16x16x16xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%in, %filter : tensor<1x18x18x8xf32>, tensor<3x3x8x16xf32>)
         outs(%c : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  return %r : tensor<1x16x16x16xf32>
}
