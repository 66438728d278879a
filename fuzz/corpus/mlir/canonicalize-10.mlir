func.func @reshape_reshape(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reshape %x : tensor<6xf32> -> tensor<2x3xf32>
  %1 = kiln.reshape %0 : tensor<2x3xf32> -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}
