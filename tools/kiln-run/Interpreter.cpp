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

namespace {
std::string str(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}
} // namespace

ScalarType dtypeOf(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    throw Error("kiln-run: " + str(type) + " is not a ranked tensor type");
  Type element = ranked.getElementType();
  if (element.isF32())
    return kFloat;
  if (element.isF64())
    return kDouble;
  if (element.isInteger(1))
    return kBool;
  if (element.isInteger(64))
    return kLong;
  throw Error("kiln-run: unsupported tensor type " + str(type));
}

int64_t byteSize(Type type) {
  int64_t bytes = elementSize(dtypeOf(type));
  for (int64_t d : cast<RankedTensorType>(type).getShape())
    bytes *= d;
  return bytes;
}

void checkRunnable(func::FuncOp func) {
  std::string name = func.getSymName().str();
  KILN_CHECK(!func.isExternal(), "kiln-run: '", name,
             "' is a declaration without a body; --entry must name a "
             "defined function");
  auto check = [&](Type type, const char *what, size_t i) {
    std::string where = std::string(what) + " " + std::to_string(i) + " of '" +
                        name + "' has type " + str(type);
    auto ranked = dyn_cast<RankedTensorType>(type);
    KILN_CHECK(ranked, "kiln-run: ", where,
               "; kiln-run takes and returns ranked tensors such as "
               "tensor<2x3xf32> or tensor<f64>");
    KILN_CHECK(ranked.hasStaticShape(), "kiln-run: ", where,
               ", whose shape is not static");
    Type e = ranked.getElementType();
    KILN_CHECK(e.isF32() || e.isF64() || e.isInteger(1) || e.isInteger(64),
               "kiln-run: ", where,
               "; the element types are f32, f64, i64 and i1");
    // The product of the non-zero dimensions bounds the strides as well.
    int64_t count = 1, bytes;
    for (int64_t d : ranked.getShape())
      KILN_CHECK(!__builtin_mul_overflow(count, d ? d : 1, &count),
                 "kiln-run: ", where, ", with more elements than int64 counts");
    KILN_CHECK(!__builtin_mul_overflow(
                   count, int64_t(elementSize(dtypeOf(type))), &bytes),
               "kiln-run: ", where, ", with more bytes than int64 counts");
  };
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    check(type, "argument", i);
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    check(type, "result", i);
}

namespace {

/// A binary op on two integer tensors of one type, by the runtime kernel:
/// kiln IR's integer semantics (kiln/ops/ScalarMath.h: truncating division,
/// x / 0 == 0), where the eager op would promote (true division).
Tensor sameTypeKernel(runtime::BinaryOp op, const Tensor &x, const Tensor &y) {
  Tensor a = x.contiguous(), b = y.contiguous();
  Tensor out = empty(a.sizes(), TensorOptions().dtype(a.dtype()));
  runtime::binary(op, a.impl().view(), b.impl().view(), out.impl().view());
  return out;
}

/// An MLIR integer list as a kiln one (same element type, no copy).
IntArrayRef ints(llvm::ArrayRef<int64_t> a) {
  return IntArrayRef(a.data(), a.size());
}

std::vector<int64_t> shapeOf(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    throw Error("kiln-run: " + str(type) + " is not a tensor of static shape");
  return ranked.getShape().vec();
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
  checkRunnable(func);
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
  .Case([&](ir::Name##Op o) {                                                  \
    Tensor x = in(o.getLhs()), y = in(o.getRhs());                             \
    return x.is_floating_point()                                               \
               ? x.method(y)                                                   \
               : sameTypeKernel(runtime::BinaryOp::RuntimeName, x, y);         \
  })
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
