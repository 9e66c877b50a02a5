// A matmul followed by an elementwise bias add and ReLU: the elementwise op
// is a consumer whose producer (the matmul) can be fused into its tiles.
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
func.func @kernel(%a: tensor<64x48xf32>, %b: tensor<48x80xf32>, %bias: tensor<80xf32>) -> tensor<64x80xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<64x80xf32>
  %c = linalg.fill ins(%zero : f32) outs(%init : tensor<64x80xf32>) -> tensor<64x80xf32>
  %m = linalg.matmul ins(%a, %b : tensor<64x48xf32>, tensor<48x80xf32>)
                     outs(%c : tensor<64x80xf32>) -> tensor<64x80xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
         ins(%m, %bias : tensor<64x80xf32>, tensor<80xf32>) outs(%init : tensor<64x80xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %s = arith.addf %x, %y : f32
    %z = arith.maximumf %s, %zero : f32
    linalg.yield %z : f32
  } -> tensor<64x80xf32>
  return %r : tensor<64x80xf32>
}
