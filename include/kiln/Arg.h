//===- Arg.h - Builder-style option fields ----------------------*- C++ -*-===//
#ifndef KILN_ARG_H
#define KILN_ARG_H

/// Declares an option `name` of type T with libtorch's builder accessors:
/// `opts.name(value)` sets and returns *this, `opts.name()` reads.
#define KILN_ARG(T, name)                                                      \
public:                                                                        \
  inline auto name(const T &new_##name)->decltype(*this) {                     \
    this->name##_ = new_##name;                                                \
    return *this;                                                              \
  }                                                                            \
  inline const T &name() const noexcept { return this->name##_; }              \
  inline T &name() noexcept { return this->name##_; }                          \
                                                                               \
private:                                                                       \
  T name##_

#endif // KILN_ARG_H
