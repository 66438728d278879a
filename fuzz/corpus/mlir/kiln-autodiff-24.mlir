func.func @select_cast(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xf32>, %v: tensor<3xf64>) -> (tensor<3xf32>, tensor<3xf32>) {
  %s = kiln.select %c, %x, %y : tensor<3xi1>, tensor<3xf32>
  %d = kiln.cast %s : tensor<3xf32> to tensor<3xf64>
  %gx, %gy = kiln.backward %d seed %v wrt %x, %y : tensor<3xf64> seed tensor<3xf64> wrt tensor<3xf32>, tensor<3xf32>
  return %gx, %gy : tensor<3xf32>, tensor<3xf32>
}
