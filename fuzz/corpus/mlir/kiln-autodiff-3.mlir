func.func @detach(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %d = kiln.detach %x : tensor<3xf32>
  %p = kiln.mul %d, %x : tensor<3xf32>
  %l = kiln.reduce_sum %p dims [0] : tensor<3xf32> -> tensor<f32>
  %gx, %gy = kiln.backward %l wrt %x, %y : tensor<f32> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}
