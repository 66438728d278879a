//===- DefaultDtype.cpp - set_default_dtype and unsupported dtypes --------===//
//
// The default float type is process-wide, as in PyTorch. A traced step that
// reads it depends on it through a guard, so changing it re-traces rather
// than replaying code specialised for the old type.
//
//===----------------------------------------------------------------------===//
#include "OpsCommon.h"
#include "kiln/Trace.h"

#include <atomic>

namespace kiln {

namespace {
std::atomic<ScalarType> defaultDtype{kFloat};
} // namespace

void set_default_dtype(TypeMeta dtype) {
  ScalarType t = dtype.toScalarType();
  KILN_CHECK(isFloatingType(t),
             "only floating-point types are supported as the default type");
  defaultDtype.store(t, std::memory_order_relaxed);
}

ScalarType get_default_dtype_as_scalartype() {
  ScalarType now = defaultDtype.load(std::memory_order_relaxed);
  if (auto *r = trace::active())
    r->guardOnce(
        &defaultDtype, "default dtype",
        [&] {
          return [now] {
            return defaultDtype.load(std::memory_order_relaxed) == now;
          };
        },
        std::string("the default dtype (") + pythonName(now) + ")");
  return now;
}

TypeMeta get_default_dtype() { return get_default_dtype_as_scalartype(); }

void detail::checkSupportedType(ScalarType t) {
  KILN_CHECK(isSupportedType(t), "kiln does not support dtype ", toString(t),
             " (", pythonName(t),
             "): kiln tensors are Bool, Long, Float or Double");
}

} // namespace kiln
