/* The vocabulary every layer shares: the 14 element types of legate.numpy
 * as one X-macro list, their sets, a scalar of any of them, and the most
 * dimensions an array may have.  It sits at the bottom of the layers
 * (docs/design.md): data-interfaces/, codelets/, numpy/ and scheduler/ may
 * include it; it includes nothing of ours.
 *
 * Every kernel is written once and instantiated for the types it supports by
 * expanding these lists (as NumPy generates its ufunc inner loops), so adding a
 * type or an op never means pasting per-type copies.  The enum values are our
 * own (stable across NumPy versions); python/ maps them to NumPy dtypes. */
#ifndef LNP_DTYPES_H
#define LNP_DTYPES_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#include <complex.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The most dimensions of an array, a view or a loop. */
#define LNP_MAXDIM 32

/* float16 is stored as its IEEE binary16 bits and computed in float, like
 * NumPy's npy_half loops. */
typedef uint16_t lnp_half;

/* X(ENUM, ctype, name, kind)  kind: b=bool i=signed u=unsigned f=float h=half c=complex */
#define LNP_FOR_BOOL(X)    X(LNP_BOOL, bool, bool, b)
#define LNP_FOR_SINT(X)                         \
  X(LNP_INT8, int8_t, int8, i)                  \
  X(LNP_INT16, int16_t, int16, i)               \
  X(LNP_INT32, int32_t, int32, i)               \
  X(LNP_INT64, int64_t, int64, i)
#define LNP_FOR_UINT(X)                         \
  X(LNP_UINT8, uint8_t, uint8, u)               \
  X(LNP_UINT16, uint16_t, uint16, u)            \
  X(LNP_UINT32, uint32_t, uint32, u)            \
  X(LNP_UINT64, uint64_t, uint64, u)
#define LNP_FOR_HALF(X)    X(LNP_FLOAT16, lnp_half, float16, h)
#define LNP_FOR_REAL(X)                         \
  X(LNP_FLOAT32, float, float32, f)             \
  X(LNP_FLOAT64, double, float64, f)
#ifndef __cplusplus
#define LNP_FOR_COMPLEX(X)                      \
  X(LNP_COMPLEX64, float _Complex, complex64, c) \
  X(LNP_COMPLEX128, double _Complex, complex128, c)
#define LNP_FOR_COMPLEX_ARGS(X, ...)                           \
  X(LNP_COMPLEX64, float _Complex, complex64, c, __VA_ARGS__) \
  X(LNP_COMPLEX128, double _Complex, complex128, c, __VA_ARGS__)
#else
/* C++ (the CUDA kernels) has no _Complex: structs of the same size,
 * alignment and layout ({real, imag}, C11 6.2.5p13). */
typedef struct lnp_complex64 { float re, im; } lnp_complex64;
typedef struct lnp_complex128 { double re, im; } lnp_complex128;
#define LNP_FOR_COMPLEX(X)                      \
  X(LNP_COMPLEX64, lnp_complex64, complex64, c) \
  X(LNP_COMPLEX128, lnp_complex128, complex128, c)
#define LNP_FOR_COMPLEX_ARGS(X, ...)                          \
  X(LNP_COMPLEX64, lnp_complex64, complex64, c, __VA_ARGS__) \
  X(LNP_COMPLEX128, lnp_complex128, complex128, c, __VA_ARGS__)
#endif

/* The same lists passing extra arguments through to X: X(E, T, N, K, ...),
 * so that a list can be expanded inside another X-macro (the op table) with
 * that row's columns at hand. */
#define LNP_FOR_ALL_ARGS(X, ...)                 \
  X(LNP_BOOL, bool, bool, b, __VA_ARGS__)        \
  X(LNP_INT8, int8_t, int8, i, __VA_ARGS__)      \
  X(LNP_INT16, int16_t, int16, i, __VA_ARGS__)   \
  X(LNP_INT32, int32_t, int32, i, __VA_ARGS__)   \
  X(LNP_INT64, int64_t, int64, i, __VA_ARGS__)   \
  X(LNP_UINT8, uint8_t, uint8, u, __VA_ARGS__)   \
  X(LNP_UINT16, uint16_t, uint16, u, __VA_ARGS__) \
  X(LNP_UINT32, uint32_t, uint32, u, __VA_ARGS__) \
  X(LNP_UINT64, uint64_t, uint64, u, __VA_ARGS__) \
  X(LNP_FLOAT16, lnp_half, float16, h, __VA_ARGS__) \
  X(LNP_FLOAT32, float, float32, f, __VA_ARGS__) \
  X(LNP_FLOAT64, double, float64, f, __VA_ARGS__) \
  LNP_FOR_COMPLEX_ARGS(X, __VA_ARGS__)

#define LNP_FOR_INT(X)     LNP_FOR_SINT(X) LNP_FOR_UINT(X)
#define LNP_FOR_FLOAT(X)   LNP_FOR_HALF(X) LNP_FOR_REAL(X)
#define LNP_FOR_ALL(X)     LNP_FOR_BOOL(X) LNP_FOR_INT(X) LNP_FOR_FLOAT(X) LNP_FOR_COMPLEX(X)

/* Dtype sets, named in the op table (codelets/op_table.h):
 * LNP_IN_<SET>_<K> is 1 if element kind K (dtypes' last column) is in SET. */
#define LNP_IN_ALL_b 1
#define LNP_IN_ALL_i 1
#define LNP_IN_ALL_u 1
#define LNP_IN_ALL_h 1
#define LNP_IN_ALL_f 1
#define LNP_IN_ALL_c 1
#define LNP_IN_NUM_b 0 /* numbers: all but bool */
#define LNP_IN_NUM_i 1
#define LNP_IN_NUM_u 1
#define LNP_IN_NUM_h 1
#define LNP_IN_NUM_f 1
#define LNP_IN_NUM_c 1
#define LNP_IN_BINT_b 1 /* bool and integers */
#define LNP_IN_BINT_i 1
#define LNP_IN_BINT_u 1
#define LNP_IN_BINT_h 0
#define LNP_IN_BINT_f 0
#define LNP_IN_BINT_c 0
#define LNP_IN_INT_b 0 /* integers */
#define LNP_IN_INT_i 1
#define LNP_IN_INT_u 1
#define LNP_IN_INT_h 0
#define LNP_IN_INT_f 0
#define LNP_IN_INT_c 0
#define LNP_IN_REAL_b 0 /* integers and real floats */
#define LNP_IN_REAL_i 1
#define LNP_IN_REAL_u 1
#define LNP_IN_REAL_h 1
#define LNP_IN_REAL_f 1
#define LNP_IN_REAL_c 0
#define LNP_IN_FLT_b 0 /* real floats */
#define LNP_IN_FLT_i 0
#define LNP_IN_FLT_u 0
#define LNP_IN_FLT_h 1
#define LNP_IN_FLT_f 1
#define LNP_IN_FLT_c 0
#define LNP_IN_INEXACT_b 0 /* real and complex floats */
#define LNP_IN_INEXACT_i 0
#define LNP_IN_INEXACT_u 0
#define LNP_IN_INEXACT_h 1
#define LNP_IN_INEXACT_f 1
#define LNP_IN_INEXACT_c 1
#define LNP_IN_BFLT_b 1 /* bool, integers and real floats */
#define LNP_IN_BFLT_i 1
#define LNP_IN_BFLT_u 1
#define LNP_IN_BFLT_h 1
#define LNP_IN_BFLT_f 1
#define LNP_IN_BFLT_c 0
#define LNP_IN_F3264_b 0 /* float32 and float64 (NumPy draws no float16) */
#define LNP_IN_F3264_i 0
#define LNP_IN_F3264_u 0
#define LNP_IN_F3264_h 0
#define LNP_IN_F3264_f 1
#define LNP_IN_F3264_c 0

/* LNP_IF(c)(x...): x if c expands to 1, nothing if to 0 (for tables). */
#define LNP_IF(c) LNP_IF_(c)
#define LNP_IF_(c) LNP_IF_##c
#define LNP_IF_1(...) __VA_ARGS__
#define LNP_IF_0(...)

typedef enum lnp_dtype {
#define LNP_DT_ENUM(E, T, N, K) E,
  LNP_FOR_ALL(LNP_DT_ENUM)
#undef LNP_DT_ENUM
  LNP_NTYPES
} lnp_dtype;

/* Size in bytes of one element (0 for an invalid dtype). */
static inline size_t lnp_dtype_size(int dt)
{
  switch (dt) {
#define LNP_DT_SIZE(E, T, N, K) case E: return sizeof(T);
    LNP_FOR_ALL(LNP_DT_SIZE)
#undef LNP_DT_SIZE
  default: return 0;
  }
}

static inline const char *lnp_dtype_name(int dt)
{
  switch (dt) {
#define LNP_DT_NAME(E, T, N, K) case E: return #N;
    LNP_FOR_ALL(LNP_DT_NAME)
#undef LNP_DT_NAME
  default: return "invalid";
  }
}

/* A scalar of any dtype, passed by value inside task arguments. */
typedef union lnp_scalar {
  bool b;
  int8_t i8; int16_t i16; int32_t i32; int64_t i64;
  uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;
  lnp_half f16; float f32; double f64;
#ifndef __cplusplus
  float _Complex c64; double _Complex c128;
#else
  lnp_complex64 c64; lnp_complex128 c128;
#endif
  unsigned char bytes[16];
} lnp_scalar;

#ifdef __cplusplus
}
#endif

#endif
