// Marks the functions and data liblitelift.so exports: the SQLite ABI only.

#ifndef LITELIFT_SHIM_EXPORT_H_
#define LITELIFT_SHIM_EXPORT_H_

#define LL_EXPORT __attribute__((visibility("default")))
#define LL_UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif  // LITELIFT_SHIM_EXPORT_H_
