func.func @reduce_none_detach(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.reduce_sum %x dims [] : tensor<4xf32> -> tensor<4xf32>
  %1 = kiln.detach %x : tensor<4xf32>
  %2 = kiln.detach %1 : tensor<4xf32>
  return %0, %2 : tensor<4xf32>, tensor<4xf32>
}
