func.func @pad_arity(%a: tensor<4xf32>) {
  %0 = kiln.pad %a low [0] high [0, 1] interior [0] : tensor<4xf32> -> tensor<4xf32>
  return
}
