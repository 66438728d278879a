func.func @custom_gradient_arguments(%x: tensor<3xf32>) {
  %y = kiln.custom_gradient "F" (%x) wrt (%x) : (tensor<3xf32>) wrt (tensor<3xf32>) {
  ^bb0(%g: tensor<4xf32>):
    kiln.yield %x : tensor<3xf32>
  }
  return
}
