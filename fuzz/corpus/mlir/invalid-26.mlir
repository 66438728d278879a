func.func @slice_bounds(%a: tensor<4xf32>) {
  %0 = kiln.slice %a starts [0] limits [5] steps [1] : tensor<4xf32> -> tensor<5xf32>
  return
}
