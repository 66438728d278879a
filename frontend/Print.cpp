//===- Print.cpp - PyTorch's Python repr of a tensor ----------------------===//
//
// Follows torch/_tensor_str.py: one formatter for all elements (integer
// mode "1.", fixed "4.5000" or scientific "5.1200e+01"), right-aligned to a
// common width, wrapped at 80 columns, summarised with "..." past 1000
// elements.
//
//===----------------------------------------------------------------------===//
#include "OpsCommon.h"
#include "kiln/autograd/Node.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace kiln {

using namespace detail;

namespace {

constexpr int kLineWidth = 80;
constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;

/// One element: integers stay exact (a double holds 53 bits, int64 64).
struct Elem {
  double d = 0;
  int64_t i = 0;
};

class Formatter {
public:
  Formatter(const Tensor &t) : type_(t.dtype()) {
    int64_t n = t.numel();
    if (!isFloatingType(type_)) {
      Tensor flat = t.contiguous().to(kLong);
      const int64_t *v = flat.data_ptr<int64_t>();
      for (int64_t i = 0; i < n; ++i)
        width_ = std::max(width_, static_cast<int>(format({0, v[i]}).size()));
      return;
    }
    Tensor flat = t.contiguous().to(kDouble);
    const double *v = flat.data_ptr<double>();
    double lo = INFINITY, hi = 0;
    bool any = false;
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(v[i]) || v[i] == 0)
        continue;
      any = true;
      double a = std::fabs(v[i]);
      lo = std::min(lo, a);
      hi = std::max(hi, a);
      if (v[i] != std::ceil(v[i]))
        intMode_ = false;
    }
    if (any) {
      if (intMode_)
        sci_ = hi / lo > 1000. || hi > 1.e8;
      else
        sci_ = hi / lo > 1000. || hi > 1.e8 || lo < 1.e-4;
    }
    // Like PyTorch, only nonzero finite values set the width: "inf" and
    // "nan" may stick out, zeros never do.
    for (int64_t i = 0; i < n; ++i)
      if (std::isfinite(v[i]) && v[i] != 0)
        width_ = std::max(width_, static_cast<int>(format({v[i], 0}).size()));
  }

  std::string format(Elem e) const {
    char buf[64];
    if (type_ == kBool)
      return e.i != 0 ? "True" : "False";
    if (type_ == kLong) {
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(e.i));
      return buf;
    }
    double x = e.d;
    if (std::isnan(x))
      return "nan";
    if (std::isinf(x))
      return x > 0 ? "inf" : "-inf";
    if (sci_)
      std::snprintf(buf, sizeof buf, "%.4e", x);
    else if (intMode_)
      std::snprintf(buf, sizeof buf, "%.0f.", x);
    else
      std::snprintf(buf, sizeof buf, "%.4f", x);
    return buf;
  }
  std::string padded(Elem x) const {
    std::string s = format(x);
    return std::string(std::max<int>(0, width_ - int(s.size())), ' ') + s;
  }
  int width() const { return width_; }

private:
  ScalarType type_;
  bool intMode_ = true;
  bool sci_ = false;
  int width_ = 1;
};

Elem valueAt(const Tensor &t) {
  return dispatchType(t.dtype(), [&](auto v) -> Elem {
    using T = decltype(v);
    const void *p = t.impl().data();
    if constexpr (std::is_floating_point_v<T>)
      return {static_cast<double>(*static_cast<const T *>(p)), 0};
    else if constexpr (std::is_same_v<T, bool>) // any nonzero byte is true
      return {0, *static_cast<const uint8_t *>(p) != 0};
    else
      return {0, static_cast<int64_t>(*static_cast<const T *>(p))};
  });
}

std::string vectorStr(const Tensor &t, int indent, bool summarize,
                      const Formatter &f) {
  int elementLength = f.width() + 2;
  int perLine = std::max(1, (kLineWidth - indent) / elementLength);
  std::vector<std::string> items;
  int64_t n = t.size(0);
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i)
      items.push_back(f.padded(valueAt(t.select(0, i))));
    items.push_back(" ..."); // PyTorch's 1-D ellipsis has a leading space
    for (int64_t i = n - kEdgeItems; i < n; ++i)
      items.push_back(f.padded(valueAt(t.select(0, i))));
  } else {
    for (int64_t i = 0; i < n; ++i)
      items.push_back(f.padded(valueAt(t.select(0, i))));
  }
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += (i % perLine == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
    out += items[i];
  }
  return out + "]";
}

std::string tensorStr(const Tensor &t, int indent, bool summarize,
                      const Formatter &f) {
  if (t.dim() == 0)
    return f.format(valueAt(t));
  if (t.dim() == 1)
    return vectorStr(t, indent, summarize, f);
  std::vector<std::string> slices;
  int64_t n = t.size(0);
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i)
      slices.push_back(tensorStr(t.select(0, i), indent + 1, summarize, f));
    slices.push_back("...");
    for (int64_t i = n - kEdgeItems; i < n; ++i)
      slices.push_back(tensorStr(t.select(0, i), indent + 1, summarize, f));
  } else {
    for (int64_t i = 0; i < n; ++i)
      slices.push_back(tensorStr(t.select(0, i), indent + 1, summarize, f));
  }
  std::string sep =
      "," + std::string(t.dim() - 1, '\n') + std::string(indent + 1, ' ');
  std::string out = "[";
  for (size_t i = 0; i < slices.size(); ++i)
    out += (i ? sep : "") + slices[i];
  return out + "]";
}

/// The elements shown when summarising (edges of every dimension).
Tensor summaryValues(const Tensor &t) {
  if (t.dim() == 0)
    return t.reshape({1});
  if (t.size(0) > 2 * kEdgeItems) {
    Tensor head = summaryValues(t.slice(0, 0, kEdgeItems));
    Tensor tail = summaryValues(t.slice(0, t.size(0) - kEdgeItems));
    return cat({head, tail});
  }
  if (t.dim() == 1)
    return t;
  variable_list parts;
  for (int64_t i = 0; i < t.size(0); ++i)
    parts.push_back(summaryValues(t.select(0, i)));
  return cat(parts);
}

} // namespace

std::string Tensor::toString() const {
  if (!defined())
    return "None";
  NoGradGuard noGrad;
  const std::string prefix = "tensor(";
  int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  bool summarize = numel() > kThreshold;
  std::string body;
  if (numel() == 0) {
    body = "[]";
    if (dim() != 1)
      suffixes.push_back("size=(" + [&] {
        std::string s;
        for (int64_t d = 0; d < dim(); ++d)
          s += (d ? ", " : "") + std::to_string(size(d));
        return s;
      }() + ")");
    // Empty tensors name every non-default dtype, int64 and bool included.
    if (dtype() != get_default_dtype_as_scalartype())
      suffixes.push_back(std::string("dtype=") + pythonName(dtype()));
  } else {
    Formatter f(summarize ? summaryValues(*this) : *this);
    body = tensorStr(*this, indent, summarize, f);
    // Python names a float type that is not the default one.
    if (isFloatingType(dtype()) && dtype() != get_default_dtype_as_scalartype())
      suffixes.push_back(std::string("dtype=") + pythonName(dtype()));
  }
  if (grad_fn())
    suffixes.push_back("grad_fn=<" + grad_fn()->name() + ">");
  else if (requires_grad())
    suffixes.push_back("requires_grad=True");
  std::string out = prefix + body;
  size_t lastNewline = out.rfind('\n');
  int lastLine = static_cast<int>(lastNewline == std::string::npos
                                      ? out.size() + 2
                                      : out.size() - lastNewline + 1);
  for (const std::string &s : suffixes) {
    int len = static_cast<int>(s.size());
    if (lastLine + len + 2 > kLineWidth) {
      out += ",\n" + std::string(indent, ' ') + s;
      lastLine = indent + len;
    } else {
      out += ", " + s;
      lastLine += len + 2;
    }
  }
  return out + ")";
}

std::ostream &operator<<(std::ostream &os, const Tensor &t) {
  return os << t.toString();
}

} // namespace kiln
