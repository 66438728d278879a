func.func @log_types(%a: tensor<3xf32>) {
  %0 = "kiln.log"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
