func.func @pad(%x: tensor<2x3xf32>) -> (tensor<3x5xf32>, tensor<4x7xf32>) {
  %0 = kiln.pad %x low [1, 0] high [0, 2] interior [0, 0] : tensor<2x3xf32> -> tensor<3x5xf32>
  %1 = kiln.pad %x low [1, 0] high [0, 2] interior [1, 1] : tensor<2x3xf32> -> tensor<4x7xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<4x7xf32>
}
