func.func @too_many_bytes(%a: tensor<4611686018427387904xf32>) {
  %0 = kiln.neg %a : tensor<4611686018427387904xf32>
  return
}
