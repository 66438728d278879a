func.func @sin(%x: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  %y = kiln.sin %x : tensor<3xf32>
  %g = kiln.backward %y seed %v wrt %x : tensor<3xf32> seed tensor<3xf32> wrt tensor<3xf32>
  return %g : tensor<3xf32>
}
