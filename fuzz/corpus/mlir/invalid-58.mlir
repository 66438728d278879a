func.func @too_large(%a: tensor<4294967296x4294967296x4xf32>) {
  %0 = kiln.exp %a : tensor<4294967296x4294967296x4xf32>
  return
}
