//===- Compile.h - kiln::compile --------------------------------*- C++ -*-===//
//
//   auto step = kiln::compile([&](kiln::Tensor x, kiln::Tensor y) {
//     auto loss = criterion(model(x), y);
//     optimizer.zero_grad(); loss.backward(); optimizer.step();
//     return loss;
//   });
//   auto loss = step(x, y);   // traces (runs eagerly) on the first call
//
// Tensor arguments are inputs; arithmetic arguments (int, double, bool) are
// static: part of the cache key. Tensors reached from the closure are
// captured state, read and updated in place as eager would. Each compiled
// specialization is guarded (input shapes/dtypes/requires_grad, grad mode,
// static arguments, host state the trace depended on, values read with
// item()); a failed guard re-traces, what cannot be captured runs eagerly,
// and state is committed only after every check passed. KILN_LOG=recompiles
// (or =all) says why; KILN_DUMP_IR=<dir> writes the IR of every stage.
//
// Linking: the compiler library `kiln_compiler` (kiln::compiler), which
// brings LLVM/MLIR; eager-only programs do not need it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILE_H
#define KILN_COMPILE_H

#include "kiln/Tensor.h"

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>

namespace kiln {

struct CompileOptions {
  /// Most specializations kept per compiled function; past it, new cases
  /// run eagerly.
  size_t cacheLimit = 8;
  /// Name of the function in dumps and logs.
  std::string name = "step";
  /// Where compiled objects are kept between processes; empty: the
  /// environment's choice ($KILN_CACHE_DIR, else the user's cache
  /// directory). KILN_CACHE=0 turns every cache off.
  std::string cacheDir;
};

/// What a compiled function did so far.
struct CompileStats {
  size_t calls = 0;
  size_t traces = 0;         ///< eager runs that recorded a trace
  size_t compilations = 0;   ///< traces turned into code
  size_t cachedObjects = 0;  ///< of which the code came from the object cache
  size_t hits = 0;           ///< calls that ran compiled code
  size_t guardFailures = 0;  ///< specializations rejected by a guard
  size_t fallbacks = 0;      ///< calls run eagerly without compiling
  double compileSeconds = 0; ///< total trace-to-code time
};

namespace detail {

/// The type-erased engine behind kiln::compile.
class CompiledFunction {
public:
  explicit CompiledFunction(CompileOptions options);
  ~CompiledFunction();

  /// One call: `inputs` are the tensor arguments, `staticKey` encodes the
  /// static ones, `runEagerly` runs the user's function.
  variable_list call(const variable_list &inputs, const std::string &staticKey,
                     const std::function<variable_list()> &runEagerly);
  const CompileStats &stats() const;
  /// Writes the specialization that ran last (see Compiled::save).
  void save(const std::string &path) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Splits call arguments into tensors and a key of the static ones (built
/// by hand: this runs on every call).
inline void collectArgs(variable_list &, std::string &) {}
template <class A, class... Rest>
void collectArgs(variable_list &tensors, std::string &key, const A &a,
                 const Rest &...rest) {
  using T = std::decay_t<A>;
  if constexpr (std::is_same_v<T, Tensor>) {
    tensors.push_back(a);
  } else if constexpr (std::is_floating_point_v<T>) {
    // By exact bits: 1234567.0 and 1234568.0, 0.0 and -0.0 differ.
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, &a, sizeof(T));
    key += typeid(T).name();
    key += ':';
    for (unsigned char b : bytes) {
      key += "0123456789abcdef"[b >> 4];
      key += "0123456789abcdef"[b & 15];
    }
    key += ';';
  } else if constexpr (std::is_arithmetic_v<T>) {
    key += typeid(T).name();
    key += ':';
    key += std::to_string(+a);
    key += ';';
  } else {
    static_assert(std::is_same_v<T, Tensor> || std::is_arithmetic_v<T>,
                  "kiln::compile: arguments must be Tensors or arithmetic "
                  "(static) values");
  }
  collectArgs(tensors, key, rest...);
}

template <class R> struct ResultAdapter;
template <> struct ResultAdapter<Tensor> {
  static variable_list toList(const Tensor &t) { return {t}; }
  static Tensor fromList(const variable_list &l) { return l.at(0); }
};
template <> struct ResultAdapter<variable_list> {
  static variable_list toList(const variable_list &l) { return l; }
  static variable_list fromList(const variable_list &l) { return l; }
};
template <class... Ts> struct ResultAdapter<std::tuple<Ts...>> {
  static variable_list toList(const std::tuple<Ts...> &t) {
    return std::apply([](const auto &...x) { return variable_list{x...}; }, t);
  }
  static std::tuple<Ts...> fromList(const variable_list &l) {
    return fromListImpl(l, std::index_sequence_for<Ts...>{});
  }
  template <size_t... I>
  static std::tuple<Ts...> fromListImpl(const variable_list &l,
                                        std::index_sequence<I...>) {
    return std::tuple<Ts...>(l.at(I)...);
  }
};

} // namespace detail

/// A callable with the signature of the function it compiles.
template <class F> class Compiled {
public:
  Compiled(F f, CompileOptions options)
      : f_(std::move(f)),
        engine_(std::make_shared<detail::CompiledFunction>(options)) {}

  template <class... Args> auto operator()(Args &&...args) {
    using R = std::decay_t<std::invoke_result_t<F &, Args...>>;
    variable_list tensors;
    std::string key;
    detail::collectArgs(tensors, key, args...);
    if constexpr (std::is_void_v<R>) {
      engine_->call(tensors, key, [&] {
        f_(args...);
        return variable_list{};
      });
    } else {
      variable_list out = engine_->call(tensors, key, [&] {
        return detail::ResultAdapter<R>::toList(f_(args...));
      });
      return detail::ResultAdapter<R>::fromList(out);
    }
  }

  const CompileStats &stats() const { return engine_->stats(); }

  /// Exports the specialization that ran last: `path.mlir` (its kiln IR,
  /// with source locations), `path.json` (a manifest of its arguments,
  /// state, runtime scalars, results and guards) and `path.safetensors`
  /// (the current values of its state). Throws kiln::Error when nothing
  /// was compiled yet.
  void save(const std::string &path) const { engine_->save(path); }

private:
  F f_;
  std::shared_ptr<detail::CompiledFunction> engine_;
};

/// Compiles `f`: see the file comment.
template <class F> Compiled<F> compile(F f, CompileOptions options = {}) {
  return Compiled<F>(std::move(f), std::move(options));
}

} // namespace kiln

#endif // KILN_COMPILE_H
