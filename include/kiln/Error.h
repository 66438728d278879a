//===- Error.h - The exception kiln throws ----------------------*- C++ -*-===//
#ifndef KILN_ERROR_H
#define KILN_ERROR_H

#include <sstream>
#include <stdexcept>
#include <string>

namespace kiln {

/// Every user-facing failure: bad shapes, bad dtypes, autograd misuse.
/// Messages follow PyTorch's wording where PyTorch has one.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &msg) : std::runtime_error(msg) {}
};

namespace detail {
template <class... Args> std::string concat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
} // namespace detail

} // namespace kiln

/// Throws kiln::Error with the streamed arguments unless `cond` holds.
#define KILN_CHECK(cond, ...)                                                  \
  do {                                                                         \
    if (!(cond))                                                               \
      throw ::kiln::Error(::kiln::detail::concat(__VA_ARGS__));                \
  } while (0)

#endif // KILN_ERROR_H
