//===- Interpreter.cpp - Executes kiln IR on the eager kernels ------------===//
//
// The numeric oracle of the compiler: every kiln op maps to the eager op
// with the same meaning, run by the runtime's CPU kernels.
//
//===----------------------------------------------------------------------===//
#include "Interpreter.h"

#include "ir/KilnDialect.h"
#include "kiln/runtime/Kernels.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln::tools {

ScalarType dtypeOf(Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  if (element.isF32())
    return kFloat;
  if (element.isF64())
    return kDouble;
  if (element.isInteger(1))
    return kBool;
  if (element.isInteger(64))
    return kLong;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  throw Error("kiln-run: unsupported tensor type " + s);
}

namespace {

/// An MLIR integer list as a kiln one (same element type, no copy).
IntArrayRef ints(llvm::ArrayRef<int64_t> a) {
  return IntArrayRef(a.data(), a.size());
}

std::vector<int64_t> shapeOf(Type type) {
  return cast<RankedTensorType>(type).getShape().vec();
}

Tensor constantTensor(ir::ConstantOp op) {
  auto dense = cast<DenseElementsAttr>(op.getValue());
  Tensor t = empty(shapeOf(op.getType()), dtypeOf(op.getType()));
  int64_t n = t.numel();
  Type element = dense.getElementType();
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = dense.isSplat() ? 0 : i;
    if (element.isF32())
      t.data_ptr<float>()[i] = dense.getValues<float>()[src];
    else if (element.isF64())
      t.data_ptr<double>()[i] = dense.getValues<double>()[src];
    else if (element.isInteger(1))
      t.data_ptr<bool>()[i] = dense.getValues<bool>()[src];
    else
      t.data_ptr<int64_t>()[i] = dense.getValues<int64_t>()[src];
  }
  return t;
}

Tensor compare(ir::CmpPredicate p, const Tensor &a, const Tensor &b) {
  switch (p) {
  case ir::CmpPredicate::eq:
    return a.eq(b);
  case ir::CmpPredicate::ne:
    return a.ne(b);
  case ir::CmpPredicate::lt:
    return a.lt(b);
  case ir::CmpPredicate::le:
    return a.le(b);
  case ir::CmpPredicate::gt:
    return a.gt(b);
  case ir::CmpPredicate::ge:
  default:
    return a.ge(b);
  }
}

/// reduce_max / reduce_min: under `first` the values of eager max(dim) /
/// min(dim) (the first extremum); otherwise the eager max()/min() kernel
/// over `dims`.
template <class ExtremumOp>
Tensor reduceExtremum(ExtremumOp op, const Tensor &x, bool isMax) {
  std::vector<bool> mask(x.dim(), false);
  std::vector<int64_t> keep = x.sizes().vec();
  for (int64_t d : op.getDims()) {
    int64_t n = d < 0 ? d + x.dim() : d;
    mask[n] = true;
    keep[n] = 1;
  }
  std::vector<int64_t> shape = shapeOf(op.getType());
  if (op.getFirst()) {
    int64_t d =
        op.getDims()[0] < 0 ? op.getDims()[0] + x.dim() : op.getDims()[0];
    return std::get<0>(isMax ? x.max(d, true) : x.min(d, true)).reshape(shape);
  }
  Tensor out = empty(keep, x.dtype());
  runtime::reduce(isMax ? runtime::ReduceOp::Max : runtime::ReduceOp::Min,
                  x.impl().view(), mask, out.impl().view());
  return out.reshape(shape);
}

Tensor pad(ir::PadOp op, const Tensor &x) {
  Tensor out = zeros(shapeOf(op.getType()), x.dtype());
  Tensor region = out;
  for (int64_t d = 0; d < x.dim(); ++d) {
    int64_t step = op.getInterior()[d] + 1, low = op.getLow()[d];
    region = region.slice(d, low, low + (x.size(d) - 1) * step + 1, step);
  }
  region.copy_(x);
  return out;
}

} // namespace

variable_list interpret(func::FuncOp func, const variable_list &inputs) {
  NoGradGuard noGrad;
  Block &body = func.getBody().front();
  KILN_CHECK(inputs.size() == body.getNumArguments(), "kiln-run: '",
             func.getSymName().str(), "' takes ", body.getNumArguments(),
             " inputs, got ", inputs.size());
  llvm::DenseMap<Value, Tensor> env;
  for (auto [arg, t] : llvm::zip(body.getArguments(), inputs)) {
    KILN_CHECK(t.sizes() == IntArrayRef(shapeOf(arg.getType())) &&
                   t.dtype() == dtypeOf(arg.getType()),
               "kiln-run: input ", arg.getArgNumber(), " has shape ", t.sizes(),
               " and dtype ", t.dtype(), ", the function expects ",
               IntArrayRef(shapeOf(arg.getType())), " ",
               dtypeOf(arg.getType()));
    env[arg] = t;
  }
  auto in = [&](Value v) { return env.lookup(v); };
  variable_list results;
  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        results.push_back(in(v));
      break;
    }
    // Outside a gradient computation: the forward values.
    if (auto custom = dyn_cast<ir::CustomGradientOp>(op)) {
      for (auto [result, value] :
           llvm::zip(custom.getResults(), custom.getValues()))
        env[result] = in(value);
      continue;
    }
    Tensor r =
        llvm::TypeSwitch<Operation *, Tensor>(&op)
            .Case([&](ir::ConstantOp o) { return constantTensor(o); })
// The elementwise ops as the eager methods of kiln/ops/Elementwise.h.
#define KILN_UNARY_CASE(Name, method, ...)                                     \
  .Case([&](ir::Name##Op o) { return in(o.getInput()).method(); })
#define KILN_BINARY_CASE(Name, mnemonic, RuntimeName, method, ...)             \
  .Case([&](ir::Name##Op o) { return in(o.getLhs()).method(in(o.getRhs())); })
                KILN_UNARY_OPS(KILN_UNARY_CASE)
                    KILN_BINARY_OPS(KILN_BINARY_CASE)
#undef KILN_UNARY_CASE
#undef KILN_BINARY_CASE
            .Case([&](ir::CmpOp o) {
              return compare(o.getPredicate(), in(o.getLhs()), in(o.getRhs()));
            })
            .Case([&](ir::SelectOp o) {
              return where(in(o.getCond()), in(o.getLhs()), in(o.getRhs()));
            })
            .Case([&](ir::CastOp o) {
              return in(o.getInput()).to(dtypeOf(o.getType()));
            })
            .Case([&](ir::BroadcastOp o) {
              return in(o.getInput()).expand(shapeOf(o.getType()));
            })
            .Case([&](ir::ReduceSumOp o) {
              return in(o.getInput()).sum(ints(o.getDims()), o.getKeepdim());
            })
            .Case([&](ir::ReduceMaxOp o) {
              return reduceExtremum(o, in(o.getInput()), true);
            })
            .Case([&](ir::ReduceMinOp o) {
              return reduceExtremum(o, in(o.getInput()), false);
            })
            .Case([&](ir::MatmulOp o) {
              Tensor a = in(o.getLhs()), b = in(o.getRhs());
              return a.dim() == 3 ? a.bmm(b) : a.mm(b);
            })
            .Case([&](ir::ReshapeOp o) {
              return in(o.getInput()).reshape(shapeOf(o.getType()));
            })
            .Case([&](ir::TransposeOp o) {
              return in(o.getInput()).permute(ints(o.getPermutation()));
            })
            .Case([&](ir::SliceOp o) {
              Tensor t = in(o.getInput());
              for (int64_t d = 0; d < t.dim(); ++d)
                t = t.slice(d, o.getStarts()[d], o.getLimits()[d],
                            o.getSteps()[d]);
              return t;
            })
            .Case([&](ir::PadOp o) { return pad(o, in(o.getInput())); })
            .Case([&](ir::DetachOp o) { return in(o.getInput()); })
            .Case([&](ir::BackwardOp) -> Tensor {
              throw Error("kiln-run: kiln.backward is a marker; run "
                          "kiln-opt -kiln-autodiff first");
            })
            .Default([&](Operation *o) -> Tensor {
              throw Error("kiln-run: unsupported op '" +
                          o->getName().getStringRef().str() + "'");
            });
    // Results keep the IR's dtype (e.g. integer division stays integral).
    ScalarType want = dtypeOf(op.getResult(0).getType());
    env[op.getResult(0)] = r.dtype() == want ? r : r.to(want);
  }
  return results;
}

} // namespace kiln::tools
