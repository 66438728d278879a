func.func @unary_on_integers(%a: tensor<3xi64>) {
  %0 = "kiln.exp"(%a) : (tensor<3xi64>) -> tensor<3xi64>
  return
}
