func.func @cmp_result(%a: tensor<3xf32>) {
  %0 = "kiln.cmp"(%a, %a) {predicate = 2 : i32} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}
