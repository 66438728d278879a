//===- TraceImport.cpp - A recorded trace as kiln IR ----------------------===//
#include "TraceImport.h"
#include "SourceLocations.h"

#include "ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <functional>

using namespace mlir;

namespace kiln::codegen {

namespace {

Type elementType(MLIRContext &ctx, ScalarType t) {
  switch (t) {
  case kFloat:
    return Float32Type::get(&ctx);
  case kDouble:
    return Float64Type::get(&ctx);
  case kLong:
    return IntegerType::get(&ctx, 64);
  default:
    return IntegerType::get(&ctx, 1);
  }
}

RankedTensorType typeOf(MLIRContext &ctx, const trace::ValueType &v) {
  return RankedTensorType::get(v.shape, elementType(ctx, v.dtype));
}

DenseElementsAttr constantAttr(RankedTensorType type, const Tensor &payload) {
  int64_t n = payload.numel();
  switch (payload.dtype()) {
  case kFloat:
    return DenseElementsAttr::get(type,
                                  llvm::ArrayRef(payload.data_ptr<float>(), n));
  case kDouble:
    return DenseElementsAttr::get(
        type, llvm::ArrayRef(payload.data_ptr<double>(), n));
  case kLong:
    return DenseElementsAttr::get(
        type, llvm::ArrayRef(payload.data_ptr<int64_t>(), n));
  default: {
    SmallVector<bool> bits(payload.data_ptr<bool>(),
                           payload.data_ptr<bool>() + n);
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(bits));
  }
  }
}

} // namespace

OwningOpRef<ModuleOp> importTrace(MLIRContext &ctx, const trace::Graph &g,
                                  llvm::StringRef name, ResultLayout &layout) {
  OpBuilder b(&ctx);
  Location loc = NameLoc::get(b.getStringAttr("kiln.trace"));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);

  SmallVector<Type> argTypes;
  SmallVector<int> argValues;
  for (int v : g.inputs)
    argValues.push_back(v);
  for (auto &c : g.captured)
    argValues.push_back(c.second);
  for (int v : argValues)
    argTypes.push_back(typeOf(ctx, g.values[v]));

  SmallVector<int> resultValues(g.outputs.begin(), g.outputs.end());
  for (auto &w : g.stateWrites)
    resultValues.push_back(w.second);
  size_t grads = 0;
  for (auto &s : g.gradSlots)
    if (s.second >= 0) {
      resultValues.push_back(s.second);
      ++grads;
    }
  for (auto &h : g.hostReads)
    resultValues.push_back(h.value);
  layout = ResultLayout{g.outputs.size(), g.stateWrites.size(), grads,
                        g.hostReads.size()};
  SmallVector<Type> resultTypes;
  for (int v : resultValues)
    resultTypes.push_back(typeOf(ctx, g.values[v]));

  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(loc, name,
                                     b.getFunctionType(argTypes, resultTypes));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);

  std::vector<Value> env(g.values.size());
  for (size_t i = 0; i < argValues.size(); ++i)
    env[argValues[i]] = entry->getArgument(i);

  // Nodes in order; a custom_gradient's region recursively (its nodes are
  // numbered after their owner's index, "trace#7.0", "trace#7.1", ...).
  std::function<void(const std::vector<trace::Node> &, const std::string &)>
      importNodes = [&](const std::vector<trace::Node> &nodes,
                        const std::string &prefix) {
        for (size_t index = 0; index < nodes.size(); ++index) {
          const trace::Node &n = nodes[index];
          std::string id = prefix + std::to_string(index);
          LocationAttr user = userLocation(ctx, n.callers);
          Location at = NameLoc::get(b.getStringAttr("trace#" + id),
                                     user ? Location(user) : loc);
          auto in = [&](size_t i) {
            Value v = env[n.operands[i]];
            // Only possible in a custom Function's backward region that uses a
            // tensor the step computes after the Function.
            KILN_CHECK(v, "kiln::compile: a custom Function's backward uses a "
                          "value computed after the Function");
            return v;
          };
          RankedTensorType type = typeOf(
              ctx, g.values[n.results.empty() ? n.operands[0] : n.results[0]]);
          auto ints = [&](int k) { return b.getDenseI64ArrayAttr(n.attr[k]); };
          Value result;
          using trace::Op;
          switch (n.op) {
#define KILN_UNARY(Name, ...)                                                  \
  case Op::Name:                                                               \
    result = b.create<ir::Name##Op>(at, in(0));                                \
    break;
            KILN_UNARY_OPS(KILN_UNARY)
            KILN_UNARY(Detach)
#undef KILN_UNARY
#define KILN_BINARY(Name, ...)                                                 \
  case Op::Name:                                                               \
    result = b.create<ir::Name##Op>(at, in(0), in(1));                         \
    break;
            KILN_BINARY_OPS(KILN_BINARY)
#undef KILN_BINARY
          case Op::Cmp:
            result = b.create<ir::CmpOp>(
                at, static_cast<ir::CmpPredicate>(n.flag), in(0), in(1));
            break;
          case Op::Select:
            result = b.create<ir::SelectOp>(at, in(0), in(1), in(2));
            break;
          case Op::Cast:
            result = b.create<ir::CastOp>(at, type, in(0));
            break;
          case Op::Constant:
            result = b.create<ir::ConstantOp>(at, type,
                                              constantAttr(type, n.payload));
            break;
          case Op::Broadcast:
            result = b.create<ir::BroadcastOp>(at, type, in(0));
            break;
          case Op::ReduceSum:
            result = b.create<ir::ReduceSumOp>(
                at, type, in(0), ints(0), n.flag ? b.getUnitAttr() : nullptr);
            break;
          // A non-empty attr[1] marks max/min(dim): the first extremum.
          case Op::ReduceMax:
            result = b.create<ir::ReduceMaxOp>(
                at, type, in(0), ints(0), n.flag ? b.getUnitAttr() : nullptr,
                n.attr[1].empty() ? nullptr : b.getUnitAttr());
            break;
          case Op::ReduceMin:
            result = b.create<ir::ReduceMinOp>(
                at, type, in(0), ints(0), n.flag ? b.getUnitAttr() : nullptr,
                n.attr[1].empty() ? nullptr : b.getUnitAttr());
            break;
          case Op::Matmul:
            result = b.create<ir::MatmulOp>(at, type, in(0), in(1));
            break;
          case Op::Reshape:
            result = b.create<ir::ReshapeOp>(at, type, in(0));
            break;
          case Op::Transpose:
            result = b.create<ir::TransposeOp>(at, type, in(0), ints(0));
            break;
          case Op::Slice:
            result = b.create<ir::SliceOp>(at, type, in(0), ints(0), ints(1),
                                           ints(2));
            break;
          case Op::Pad:
            result =
                b.create<ir::PadOp>(at, type, in(0), ints(0), ints(1), ints(2));
            break;
          case Op::CustomGradient: {
            SmallVector<Value> values, wrt;
            for (size_t i = 0; i < n.operands.size(); ++i)
              (int64_t(i) < n.flag ? values : wrt).push_back(in(i));
            auto op = b.create<ir::CustomGradientOp>(at, n.label, values, wrt);
            {
              OpBuilder::InsertionGuard guard(b);
              Block &body = op.getBackward().front();
              b.setInsertionPointToEnd(&body);
              for (size_t i = 0; i < n.body->arguments.size(); ++i)
                env[n.body->arguments[i]] = body.getArgument(i);
              importNodes(n.body->nodes, id + ".");
              SmallVector<Value> yields;
              for (int y : n.body->yields) {
                KILN_CHECK(env[y], "kiln::compile: a custom Function's "
                                   "backward returns a value computed "
                                   "after the Function");
                yields.push_back(env[y]);
              }
              b.create<ir::YieldOp>(at, yields);
            }
            for (size_t i = 0; i < n.results.size(); ++i)
              env[n.results[i]] = op.getResult(i);
            continue;
          }
          case Op::Backward: {
            size_t first = n.flag ? 2 : 1;
            SmallVector<Value> wrt;
            for (size_t i = first; i < n.operands.size(); ++i)
              wrt.push_back(in(i));
            auto op = b.create<ir::BackwardOp>(at, in(0),
                                               n.flag ? in(1) : Value(), wrt);
            for (size_t i = 0; i < n.results.size(); ++i)
              env[n.results[i]] = op.getResult(i);
            continue;
          }
          }
          env[n.results[0]] = result;
        }
      };
  importNodes(g.nodes, "");
  SmallVector<Value> results;
  for (int v : resultValues)
    results.push_back(env[v]);
  b.create<func::ReturnOp>(loc, results);
  return module;
}

} // namespace kiln::codegen
