// Gradients built by kiln-autodiff, run by kiln-run, against central finite
// differences in float64: result 0 is the loss sum(f(args) * w), result
// 1 + i its gradient with respect to argument i.
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=neg --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=exp --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sin --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=cos --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=tanh --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sigmoid --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=erf --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=abs --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=log --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sqrt --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=add --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sub --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=mul --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=max --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=min --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=div --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=pow --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=remainder --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=select --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=broadcast --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_sum --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_max --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_min --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_max_first --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=matmul --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=bmm --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reshape --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=transpose --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=slice --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=pad --fd-check | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=neg --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=exp --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sin --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=cos --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=tanh --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sigmoid --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=erf --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=abs --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=log --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sqrt --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=add --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=sub --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=mul --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=max --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=min --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=div --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=pow --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=remainder --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=select --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=broadcast --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_sum --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_max --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_min --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reduce_max_first --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=matmul --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=bmm --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=reshape --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=transpose --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=slice --fd-check --backend=jit | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff | kiln-run --entry=pad --fd-check --backend=jit | FileCheck %s

// CHECK: fd-check: ok

func.func @neg(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.neg %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @exp(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.exp %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @sin(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.sin %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @cos(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.cos %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @tanh(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.tanh %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @erf(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.erf %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @sigmoid(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.sigmoid %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @abs(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.abs %x : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @log(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %sq = kiln.mul %x, %x : tensor<2x3xf64>
  %half = kiln.constant dense<0.5> : tensor<2x3xf64>
  %p = kiln.add %sq, %half : tensor<2x3xf64>
  %out = kiln.log %p : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @sqrt(%x: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %sq = kiln.mul %x, %x : tensor<2x3xf64>
  %half = kiln.constant dense<0.5> : tensor<2x3xf64>
  %p = kiln.add %sq, %half : tensor<2x3xf64>
  %out = kiln.sqrt %p : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @add(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.add %x, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @sub(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.sub %x, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @mul(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.mul %x, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @max(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.max %x, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @min(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %out = kiln.min %x, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @div(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %sq = kiln.mul %y, %y : tensor<2x3xf64>
  %half = kiln.constant dense<0.5> : tensor<2x3xf64>
  %p = kiln.add %sq, %half : tensor<2x3xf64>
  %out = kiln.div %x, %p : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

// Divisors of either sign, away from 0: -(y^2 + 0.5) where y < 0.
func.func @remainder(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %sq = kiln.mul %y, %y : tensor<2x3xf64>
  %half = kiln.constant dense<0.5> : tensor<2x3xf64>
  %p = kiln.add %sq, %half : tensor<2x3xf64>
  %zero = kiln.constant dense<0.0> : tensor<2x3xf64>
  %negative = kiln.cmp lt, %y, %zero : tensor<2x3xf64>
  %minus = kiln.neg %p : tensor<2x3xf64>
  %d = kiln.select %negative, %minus, %p : tensor<2x3xi1>, tensor<2x3xf64>
  %three = kiln.constant dense<3.0> : tensor<2x3xf64>
  %x3 = kiln.mul %x, %three : tensor<2x3xf64>
  %out = kiln.remainder %x3, %d : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @pow(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %sq = kiln.mul %x, %x : tensor<2x3xf64>
  %half = kiln.constant dense<0.5> : tensor<2x3xf64>
  %p = kiln.add %sq, %half : tensor<2x3xf64>
  %out = kiln.pow %p, %y : tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @select(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %c = kiln.cmp gt, %x, %y : tensor<2x3xf64>
  %out = kiln.select %c, %x, %y : tensor<2x3xi1>, tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

func.func @broadcast(%x: tensor<3xf64>, %w: tensor<4x3xf64>) -> (tensor<f64>, tensor<3xf64>, tensor<4x3xf64>) {
  %out = kiln.broadcast %x : tensor<3xf64> to tensor<4x3xf64>
  %weighted = kiln.mul %out, %w : tensor<4x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<4x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<3xf64>, tensor<4x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<3xf64>, tensor<4x3xf64>
}

func.func @reduce_sum(%x: tensor<2x3xf64>, %w: tensor<2x1xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x1xf64>) {
  %out = kiln.reduce_sum %x dims [1] keepdim : tensor<2x3xf64> -> tensor<2x1xf64>
  %weighted = kiln.mul %out, %w : tensor<2x1xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x1xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x1xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x1xf64>
}

func.func @reduce_max(%x: tensor<2x3xf64>, %w: tensor<3xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<3xf64>) {
  %out = kiln.reduce_max %x dims [0] : tensor<2x3xf64> -> tensor<3xf64>
  %weighted = kiln.mul %out, %w : tensor<3xf64>
  %loss = kiln.reduce_sum %weighted dims [0] : tensor<3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<3xf64>
}

func.func @reduce_min(%x: tensor<2x3xf64>, %w: tensor<2xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2xf64>) {
  %out = kiln.reduce_min %x dims [1] : tensor<2x3xf64> -> tensor<2xf64>
  %weighted = kiln.mul %out, %w : tensor<2xf64>
  %loss = kiln.reduce_sum %weighted dims [0] : tensor<2xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2xf64>
}

func.func @reduce_max_first(%x: tensor<2x3xf64>, %w: tensor<2x1xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<2x1xf64>) {
  %out = kiln.reduce_max %x dims [1] keepdim first : tensor<2x3xf64> -> tensor<2x1xf64>
  %weighted = kiln.mul %out, %w : tensor<2x1xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x1xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<2x1xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<2x1xf64>
}

func.func @matmul(%x: tensor<2x3xf64>, %y: tensor<3x4xf64>, %w: tensor<2x4xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<3x4xf64>, tensor<2x4xf64>) {
  %out = kiln.matmul %x, %y : tensor<2x3xf64>, tensor<3x4xf64> -> tensor<2x4xf64>
  %weighted = kiln.mul %out, %w : tensor<2x4xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x4xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<3x4xf64>, tensor<2x4xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x3xf64>, tensor<3x4xf64>, tensor<2x4xf64>
}

func.func @bmm(%x: tensor<2x2x3xf64>, %y: tensor<2x3x2xf64>, %w: tensor<2x2x2xf64>) -> (tensor<f64>, tensor<2x2x3xf64>, tensor<2x3x2xf64>, tensor<2x2x2xf64>) {
  %out = kiln.matmul %x, %y : tensor<2x2x3xf64>, tensor<2x3x2xf64> -> tensor<2x2x2xf64>
  %weighted = kiln.mul %out, %w : tensor<2x2x2xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1, 2] : tensor<2x2x2xf64> -> tensor<f64>
  %g:3 = kiln.backward %loss wrt %x, %y, %w : tensor<f64> wrt tensor<2x2x3xf64>, tensor<2x3x2xf64>, tensor<2x2x2xf64>
  return %loss, %g#0, %g#1, %g#2 : tensor<f64>, tensor<2x2x3xf64>, tensor<2x3x2xf64>, tensor<2x2x2xf64>
}

func.func @reshape(%x: tensor<2x3xf64>, %w: tensor<3x2xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<3x2xf64>) {
  %out = kiln.reshape %x : tensor<2x3xf64> -> tensor<3x2xf64>
  %weighted = kiln.mul %out, %w : tensor<3x2xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<3x2xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<3x2xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<3x2xf64>
}

func.func @transpose(%x: tensor<2x3xf64>, %w: tensor<3x2xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<3x2xf64>) {
  %out = kiln.transpose %x [1, 0] : tensor<2x3xf64> -> tensor<3x2xf64>
  %weighted = kiln.mul %out, %w : tensor<3x2xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<3x2xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<3x2xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<3x2xf64>
}

func.func @slice(%x: tensor<4x5xf64>, %w: tensor<2x3xf64>) -> (tensor<f64>, tensor<4x5xf64>, tensor<2x3xf64>) {
  %out = kiln.slice %x starts [1, 0] limits [4, 5] steps [2, 2] : tensor<4x5xf64> -> tensor<2x3xf64>
  %weighted = kiln.mul %out, %w : tensor<2x3xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<2x3xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<4x5xf64>, tensor<2x3xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<4x5xf64>, tensor<2x3xf64>
}

func.func @pad(%x: tensor<2x3xf64>, %w: tensor<4x7xf64>) -> (tensor<f64>, tensor<2x3xf64>, tensor<4x7xf64>) {
  %out = kiln.pad %x low [1, 0] high [0, 2] interior [1, 1] : tensor<2x3xf64> -> tensor<4x7xf64>
  %weighted = kiln.mul %out, %w : tensor<4x7xf64>
  %loss = kiln.reduce_sum %weighted dims [0, 1] : tensor<4x7xf64> -> tensor<f64>
  %g:2 = kiln.backward %loss wrt %x, %w : tensor<f64> wrt tensor<2x3xf64>, tensor<4x7xf64>
  return %loss, %g#0, %g#1 : tensor<f64>, tensor<2x3xf64>, tensor<4x7xf64>
}
