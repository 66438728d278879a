func.func @splat_table_folds() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>, tensor<2xi64>) {
  %zero = kiln.constant dense<0.0> : tensor<2xf32>
  %m1 = kiln.constant dense<-1.0> : tensor<2xf32>
  %two = kiln.constant dense<2.0> : tensor<2xf64>
  %ten = kiln.constant dense<10.0> : tensor<2xf64>
  %seven = kiln.constant dense<7> : tensor<2xi64>
  %izero = kiln.constant dense<0> : tensor<2xi64>
  %0 = kiln.exp %zero : tensor<2xf32>
  %1 = kiln.sigmoid %zero : tensor<2xf32>
  %2 = kiln.sqrt %m1 : tensor<2xf32>
  %3 = kiln.pow %two, %ten : tensor<2xf64>
  %4 = kiln.div %seven, %izero : tensor<2xi64>
  return %0, %1, %2, %3, %4 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf64>, tensor<2xi64>
}
