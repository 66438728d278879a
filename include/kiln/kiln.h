//===- kiln.h - The one header kiln users include ---------------*- C++ -*-===//
//
// Port a libtorch program by replacing <torch/torch.h> with <kiln/kiln.h>
// and torch:: with kiln::.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_KILN_H
#define KILN_KILN_H

#include "kiln/Compile.h"
#include "kiln/Indexing.h"
#include "kiln/Serialize.h"
#include "kiln/Tensor.h"
#include "kiln/TensorData.h"
#include "kiln/autograd/Function.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Gradcheck.h"
#include "kiln/autograd/Node.h"
#include "kiln/nn.h"
#include "kiln/optim.h"

#endif // KILN_KILN_H
