func.func @dynamic(%a: tensor<?xf32>) {
  %0 = kiln.neg %a : tensor<?xf32>
  return
}
