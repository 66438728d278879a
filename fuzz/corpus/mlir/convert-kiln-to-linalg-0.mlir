func.func @unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.neg %x : tensor<4xf32>
  %1 = kiln.exp %x : tensor<4xf32>
  %2 = kiln.log %x : tensor<4xf32>
  %3 = kiln.sqrt %x : tensor<4xf32>
  %4 = kiln.abs %x : tensor<4xf32>
  %5 = kiln.sin %x : tensor<4xf32>
  %6 = kiln.cos %x : tensor<4xf32>
  %7 = kiln.tanh %x : tensor<4xf32>
  %8 = kiln.sigmoid %x : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
