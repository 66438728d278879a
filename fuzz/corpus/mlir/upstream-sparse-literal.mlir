func.func @constant_not_dense() {
  %0 = kiln.constant sparse<[[0]], [110]> : memref<2xf32>
  return
}
