func.func @reshape_transpose_pad(%x: tensor<2x3xf32>, %v: tensor<4x2xf32>) -> tensor<2x3xf32> {
  %t = kiln.transpose %x [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %r = kiln.reshape %t : tensor<3x2xf32> -> tensor<6xf32>
  %p = kiln.pad %r low [1] high [1] interior [0] : tensor<6xf32> -> tensor<8xf32>
  %q = kiln.reshape %p : tensor<8xf32> -> tensor<4x2xf32>
  %g = kiln.backward %q seed %v wrt %x : tensor<4x2xf32> seed tensor<4x2xf32> wrt tensor<2x3xf32>
  return %g : tensor<2x3xf32>
}
