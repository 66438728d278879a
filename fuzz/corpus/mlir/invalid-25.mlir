func.func @slice_step(%a: tensor<4xf32>) {
  %0 = kiln.slice %a starts [0] limits [4] steps [0] : tensor<4xf32> -> tensor<4xf32>
  return
}
