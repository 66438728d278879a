func.func @slice_result(%a: tensor<4xf32>) {
  %0 = kiln.slice %a starts [0] limits [4] steps [2] : tensor<4xf32> -> tensor<4xf32>
  return
}
