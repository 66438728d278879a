//===- nn.h - Neural network modules ----------------------------*- C++ -*-===//
#ifndef KILN_NN_H
#define KILN_NN_H

#include "kiln/nn/Containers.h"
#include "kiln/nn/Functional.h"
#include "kiln/nn/Init.h"
#include "kiln/nn/Module.h"
#include "kiln/nn/Modules.h"

#endif // KILN_NN_H
