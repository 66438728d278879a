//===- Gradcheck.cpp - Gradients against finite differences ---------------===//
#include "kiln/autograd/Gradcheck.h"
#include "kiln/autograd/GradMode.h"
#include "kiln/autograd/Node.h"

#include <cmath>
#include <sstream>

namespace kiln::autograd {

namespace {
/// Flattened, contiguous float64 copy of every output.
std::vector<std::vector<double>> evaluate(const TensorFunction &fn,
                                          const variable_list &inputs) {
  NoGradGuard noGrad;
  std::vector<std::vector<double>> out;
  for (const Tensor &o : fn(inputs)) {
    Tensor c = o.to(kDouble).contiguous();
    out.emplace_back(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  }
  return out;
}
} // namespace

std::string gradcheckReport(const TensorFunction &fn,
                            const variable_list &inputs, double eps,
                            double atol, double rtol) {
  variable_list diffInputs;
  std::vector<size_t> diffIndex;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      KILN_CHECK(inputs[i].dtype() == kDouble,
                 "gradcheck expects float64 inputs, input ", i, " is ",
                 toString(inputs[i].dtype()));
      diffInputs.push_back(inputs[i]);
      diffIndex.push_back(i);
    }
  KILN_CHECK(!diffInputs.empty(),
             "gradcheck expects at least one input tensor to require "
             "gradient, but none of the them have requires_grad=True.");

  variable_list outputs = fn(inputs);
  std::ostringstream report;
  for (size_t o = 0; o < outputs.size(); ++o) {
    const Tensor &out = outputs[o];
    if (!out.defined() || !out.is_floating_point())
      continue;
    // Analytic Jacobian rows: one vector-Jacobian product per element.
    std::vector<std::vector<std::vector<double>>> analytic(out.numel());
    for (int64_t j = 0; j < out.numel(); ++j) {
      // Built in float64, then cast: the output may be float32.
      Tensor v = zeros({out.numel()}, kDouble);
      v.data_ptr<double>()[j] = 1;
      v = v.to(out.dtype());
      variable_list g;
      if (out.requires_grad())
        g = grad({out}, diffInputs, {v.view(out.sizes())}, true, false, true);
      for (size_t k = 0; k < diffInputs.size(); ++k) {
        Tensor gk = k < g.size() && g[k].defined()
                        ? g[k].to(kDouble).contiguous()
                        : zeros_like(diffInputs[k], kDouble);
        analytic[j].emplace_back(gk.data_ptr<double>(),
                                 gk.data_ptr<double>() + gk.numel());
      }
    }
    // Numeric Jacobian columns by central differences.
    for (size_t k = 0; k < diffInputs.size(); ++k) {
      Tensor x = diffInputs[k];
      KILN_CHECK(x.is_contiguous(), "gradcheck expects contiguous inputs");
      double *data = x.data_ptr<double>();
      for (int64_t e = 0; e < x.numel(); ++e) {
        double saved = data[e];
        data[e] = saved + eps;
        auto plus = evaluate(fn, inputs);
        data[e] = saved - eps;
        auto minus = evaluate(fn, inputs);
        data[e] = saved;
        for (int64_t j = 0; j < out.numel(); ++j) {
          double numeric = (plus[o][j] - minus[o][j]) / (2 * eps);
          double a = analytic[j][k][e];
          if (!(std::fabs(a - numeric) <= atol + rtol * std::fabs(numeric))) {
            report << "Jacobian mismatch for output " << o << " with respect "
                   << "to input " << diffIndex[k] << ", element " << e
                   << " -> output element " << j << ": numerical " << numeric
                   << ", analytical " << a;
            return report.str();
          }
        }
      }
    }
  }
  return "";
}

bool gradcheck(const TensorFunction &fn, const variable_list &inputs,
               double eps, double atol, double rtol, bool raise_exception) {
  std::string report = gradcheckReport(fn, inputs, eps, atol, rtol);
  if (report.empty())
    return true;
  if (raise_exception)
    throw Error(report);
  return false;
}

} // namespace kiln::autograd
