//===- optim.h - Optimizers -------------------------------------*- C++ -*-===//
#ifndef KILN_OPTIM_H
#define KILN_OPTIM_H

#include "kiln/optim/Adagrad.h"
#include "kiln/optim/Adam.h"
#include "kiln/optim/AdamW.h"
#include "kiln/optim/Optimizer.h"
#include "kiln/optim/RMSprop.h"
#include "kiln/optim/SGD.h"
#include "kiln/optim/Schedulers.h"

#endif // KILN_OPTIM_H
