func.func @pad_negative(%a: tensor<4xf32>) {
  %0 = kiln.pad %a low [-1] high [0] interior [0] : tensor<4xf32> -> tensor<3xf32>
  return
}
