func.func @fanout(%x: tensor<3xf32>) -> tensor<3xf32> {
  %e = kiln.exp %x : tensor<3xf32>
  %p = kiln.mul %e, %x : tensor<3xf32>
  %l = kiln.reduce_sum %p dims [0] : tensor<3xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
