func.func @slice(%x: tensor<5xf32>) -> tensor<5xf32> {
  %s = kiln.slice %x starts [1] limits [5] steps [2] : tensor<5xf32> -> tensor<2xf32>
  %l = kiln.reduce_sum %s dims [0] : tensor<2xf32> -> tensor<f32>
  %g = kiln.backward %l wrt %x : tensor<f32> wrt tensor<5xf32>
  return %g : tensor<5xf32>
}
