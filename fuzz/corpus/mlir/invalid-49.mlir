func.func @cmp_types(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  %0 = "kiln.cmp"(%a, %b) {predicate = 2 : i32} : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xi1>
  return
}
