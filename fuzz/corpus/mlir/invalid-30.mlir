func.func @pad_result(%a: tensor<4xf32>) {
  %0 = kiln.pad %a low [1] high [1] interior [1] : tensor<4xf32> -> tensor<8xf32>
  return
}
