func.func @neg_types(%a: tensor<3xf32>) {
  %0 = "kiln.neg"(%a) : (tensor<3xf32>) -> tensor<3xf64>
  return
}
