func.func @reshape_numel(%a: tensor<16xf32>) {
  %0 = kiln.reshape %a : tensor<16xf32> -> tensor<3x5xf32>
  return
}
