func.func @custom_gradient_yield(%x: tensor<3xf32>, %w: tensor<2xf32>) {
  %y = kiln.custom_gradient "F" (%x) wrt (%x, %w) : (tensor<3xf32>) wrt (tensor<3xf32>, tensor<2xf32>) {
  ^bb0(%g: tensor<3xf32>):
    kiln.yield %g : tensor<3xf32>
  }
  return
}
