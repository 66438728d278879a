func.func @constant_not_dense() {
  %0 = kiln.constant sparse<[[0]], [1.0]> : tensor<2xf32>
  return
}
