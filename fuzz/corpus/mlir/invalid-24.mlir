func.func @slice_arity(%a: tensor<4xf32>) {
  %0 = kiln.slice %a starts [0, 0] limits [4] steps [1] : tensor<4xf32> -> tensor<4xf32>
  return
}
