func.func @splat_shapes() -> (tensor<3x2xf32>, tensor<6xf32>) {
  %c = kiln.constant dense<7.0> : tensor<2xf32>
  %0 = kiln.broadcast %c : tensor<2xf32> to tensor<3x2xf32>
  %1 = kiln.reshape %0 : tensor<3x2xf32> -> tensor<6xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<6xf32>
}
