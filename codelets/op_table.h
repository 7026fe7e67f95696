/* The op catalogue: every operation of the generic strided loop, one row
 * each.  It is the only list of ops in the project: the op enum and names
 * (loop.h), the CPU inner loops (loop_cpu.c), the CUDA kernels and their
 * translation units (loop_cuda_*.cu), the reductions (numpy/reduce.c), the
 * fusion plan and its code generator (fuse*.c) and the Python ufunc objects
 * (python/legate/numpy/_ufunc.py, through _core.op_table()) are all made
 * from it.  What an op computes per element is in elem.h.
 *
 * LNP_OP_TABLE(X) calls
 *   X(NAME, ufunc, nin, kind, unit, cpu, gpu, fold, tree, identity, ureduce, fuse, ulp, fpe)
 * once per op, in enum order; a user that needs a few columns names them
 * and ends its X with `...`.
 *
 *   NAME      enum LNP_OP_<NAME>; element semantics LNP_E_<NAME>_<ek> (elem.h)
 *   ufunc     NumPy's ufunc of that name runs natively on it (_ for none)
 *   nin       inputs (outputs: 2 for kind R, else 1)
 *   kind      S  output dtype == loop dtype
 *             P  predicate: bool output, inputs of the loop dtype
 *             A  absolute: complex input gives the real type, others same
 *             C  cast/copy: any dtype to any dtype
 *             W  where(cond (bool), x, y)
 *             G  generator from the element index (no inputs; loop dtype
 *                is the output dtype).  ARANGE and EYE load their scalars
 *                in the compute type (loops of their own, LNP_GEN_OWN_*);
 *                the others' semantics take the loop's scalars whole:
 *                LNP_E_<NAME>_<ek>(zero of the compute type, scalars, idx)
 *                (the RANDOM_* rows: elem_random.h)
 *             R  arg-reduction step: operands (out_val, out_idx(int64), in...)
 *   unit      CUDA translation unit of its kernels (loop_cuda_<unit>.cu),
 *             so that a parallel build compiles the families side by side
 *   cpu, gpu  the loop dtypes with a CPU / CUDA kernel (dtype sets of
 *             elem.h's LNP_TS_*: ALL NUM BINT INT REAL FLT INEXACT BFLT
 *             F3264);
 *             NumPy 1.24's loop lists (np.<ufunc>.types) less what the
 *             Python layer never sends (it casts ints to float64 for
 *             true_divide and the transcendental functions, as NumPy does)
 *   fold      how a binary op's loop folds a run into one element (the
 *             reduction by aliasing, loop.h):  ROUND rounds float16 after
 *             each step, EXACT keeps the compute type through the run, SUM
 *             is EXACT for bool/integers and NumPy's pairwise sum for
 *             floats, NONE: no fold path (predicates, unary ops)
 *   tree      whether a run's fold may be evaluated as an ordered tree with
 *             the same result bit for bit (CUDA block reductions):
 *             ANY dtype, INTLIKE (bool and integers), BOOL only, NO
 *   identity  reduction seed: ZERO, ONE, ONES (all bits set), LOWEST,
 *             HIGHEST (of the dtype: -inf/+inf for floats), NONE: the op
 *             does not reduce
 *   ureduce   1: the ufunc's .reduce runs natively (0 for fmax/fmin: a seed
 *             of -inf/+inf would hide an all-NaN run)
 *   fuse      1: fusible into one generated kernel (float32/float64 loops of
 *             one dtype; needs LNP_E_<NAME>_f)
 *   ulp       where backends may differ in the last bits because the value
 *             comes from a math library (glibc, libdevice): F for real and
 *             complex floats, C for complex only, 0 never (bit-exact; the
 *             GPU tests compare these bit for bit)
 *   fpe       1: the op's floating-point status (divide by zero, overflow,
 *             underflow, invalid) reaches the user as NumPy's RuntimeWarning
 *             or FloatingPointError (np.errstate); 0 where NumPy's loop
 *             clears it (comparisons, maximum/minimum, hypot, arctan2, ...)
 *             or can raise none.  Integer floor_divide/remainder raise
 *             divide-by-zero explicitly, as NumPy's loops do.
 */
#ifndef LNP_OP_TABLE_H
#define LNP_OP_TABLE_H

#define LNP_OP_TABLE(X) \
  /* NAME            ufunc          nin kind unit    cpu      gpu      fold   tree     identity ureduce fuse ulp fpe */ \
  X(COPY,           _,              1, C,  cast,   ALL,     ALL,     NONE,  NO,      NONE,    0, 1, 0, 1)                 \
  X(NEGATIVE,       negative,       1, S,  unary,  NUM,     NUM,     NONE,  NO,      NONE,    0, 1, 0, 0)                 \
  X(POSITIVE,       positive,       1, S,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 1, 0, 0)                 \
  X(ABSOLUTE,       absolute,       1, A,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 1, C, 0)                 \
  X(SQUARE,         square,         1, S,  unary,  NUM,     NUM,     NONE,  NO,      NONE,    0, 1, 0, 1)                 \
  X(SQRT,           sqrt,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 1, C, 1)                 \
  X(EXP,            exp,            1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(LOG,            log,            1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(LOG10,          log10,          1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(LOG2,           log2,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(EXP2,           exp2,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(SIN,            sin,            1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(COS,            cos,            1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(TAN,            tan,            1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  /* complex arcsin/arccos/arctan stay on the CPU: libcu++'s lose up to ~1e-5                                       \
   * relative (and tiny parts entirely) against glibc's careful kernels */                                          \
  X(ARCSIN,         arcsin,         1, S,  unary,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(ARCCOS,         arccos,         1, S,  unary,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(ARCTAN,         arctan,         1, S,  unary,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 0)                 \
  X(SINH,           sinh,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(COSH,           cosh,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(TANH,           tanh,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 0)                 \
  X(FLOOR,          floor,          1, S,  unary,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(CEIL,           ceil,           1, S,  unary,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(RINT,           rint,           1, S,  unary,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(TRUNC,          trunc,          1, S,  unary,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(SIGN,           sign,           1, S,  unary,  REAL,    REAL,    NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(RECIPROCAL,     reciprocal,     1, S,  unary,  NUM,     NUM,     NONE,  NO,      NONE,    0, 1, 0, 1)                 \
  X(CONJUGATE,      conjugate,      1, S,  unary,  NUM,     NUM,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(INVERT,         invert,         1, S,  unary,  BINT,    BINT,    NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(LOGICAL_NOT,    logical_not,    1, P,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ISNAN,          isnan,          1, P,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ISINF,          isinf,          1, P,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ISFINITE,       isfinite,       1, P,  unary,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(SIGNBIT,        signbit,        1, P,  unary,  BFLT,    BFLT,    NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ADD,            add,            2, S,  arith,  ALL,     ALL,     SUM,   ANY,     ZERO,    1, 1, 0, 1)                 \
  X(SUBTRACT,       subtract,       2, S,  arith,  NUM,     NUM,     EXACT, NO,      NONE,    0, 1, 0, 1)                 \
  X(MULTIPLY,       multiply,       2, S,  arith,  ALL,     ALL,     EXACT, INTLIKE, ONE,     1, 1, 0, 1)                 \
  X(TRUE_DIVIDE,    divide,         2, S,  arith,  INEXACT, INEXACT, EXACT, NO,      NONE,    0, 1, 0, 1)                 \
  X(FLOOR_DIVIDE,   floor_divide,   2, S,  arith,  REAL,    REAL,    ROUND, NO,      NONE,    0, 0, 0, 1)                 \
  X(REMAINDER,      remainder,      2, S,  arith,  REAL,    REAL,    ROUND, NO,      NONE,    0, 0, 0, 1)                 \
  X(POWER,          power,          2, S,  arith,  NUM,     NUM,     ROUND, NO,      NONE,    0, 0, F, 1)                 \
  X(MAXIMUM,        maximum,        2, S,  minmax, ALL,     ALL,     ROUND, ANY,     LOWEST,  1, 1, 0, 0)                 \
  X(MINIMUM,        minimum,        2, S,  minmax, ALL,     ALL,     ROUND, ANY,     HIGHEST, 1, 1, 0, 0)                 \
  X(FMAX,           fmax,           2, S,  minmax, ALL,     ALL,     ROUND, ANY,     LOWEST,  0, 0, 0, 0)                 \
  X(FMIN,           fmin,           2, S,  minmax, ALL,     ALL,     ROUND, ANY,     HIGHEST, 0, 0, 0, 0)                 \
  X(ARCTAN2,        arctan2,        2, S,  minmax, FLT,     FLT,     ROUND, NO,      NONE,    0, 0, F, 0)                 \
  X(HYPOT,          hypot,          2, S,  minmax, FLT,     FLT,     ROUND, NO,      NONE,    0, 0, F, 0)                 \
  X(LOGADDEXP,      logaddexp,      2, S,  minmax, FLT,     FLT,     ROUND, NO,      LOWEST,  1, 1, F, 1)                 \
  /* NumPy's umath beyond the basic families (unit umath); complex inverse                                           \
   * hyperbolics stay on the CPU as arcsin's do */                                                                  \
  X(ARCSINH,        arcsinh,        1, S,  umath,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(ARCCOSH,        arccosh,        1, S,  umath,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(ARCTANH,        arctanh,        1, S,  umath,  INEXACT, FLT,     NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(EXPM1,          expm1,          1, S,  umath,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(LOG1P,          log1p,          1, S,  umath,  INEXACT, INEXACT, NONE,  NO,      NONE,    0, 0, F, 1)                 \
  X(CBRT,           cbrt,           1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, F, 0)                 \
  X(FABS,           fabs,           1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(DEG2RAD,        deg2rad,        1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 1)                 \
  X(RADIANS,        radians,        1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 1)                 \
  X(RAD2DEG,        rad2deg,        1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 1)                 \
  X(DEGREES,        degrees,        1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 1)                 \
  X(SPACING,        spacing,        1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 1)                 \
  /* the parts of modf (with trunc) and frexp (the exponent as a float, cast                                          \
   * to int32 by the Python layer) */                                                                                 \
  X(MODF_FRAC,      _,              1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(FREXP_MANT,     _,              1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(FREXP_EXP,      _,              1, S,  umath,  FLT,     FLT,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(LOGADDEXP2,     logaddexp2,     2, S,  umath,  FLT,     FLT,     ROUND, NO,      LOWEST,  1, 0, F, 1)                 \
  X(COPYSIGN,       copysign,       2, S,  umath,  FLT,     FLT,     ROUND, NO,      NONE,    0, 0, 0, 0)                 \
  X(NEXTAFTER,      nextafter,      2, S,  umath,  FLT,     FLT,     ROUND, NO,      NONE,    0, 0, 0, 1)                 \
  X(LDEXP,          ldexp,          2, S,  umath,  FLT,     FLT,     ROUND, NO,      NONE,    0, 0, 0, 1)                 \
  X(FLOAT_POWER,    float_power,    2, S,  umath,  INEXACT, INEXACT, ROUND, NO,      NONE,    0, 0, F, 1)                 \
  X(HEAVISIDE,      heaviside,      2, S,  umath,  FLT,     FLT,     ROUND, NO,      NONE,    0, 0, 0, 0)                 \
  X(FMOD,           fmod,           2, S,  umath,  REAL,    REAL,    ROUND, NO,      NONE,    0, 0, 0, 1)                 \
  X(GCD,            gcd,            2, S,  umath,  INT,     INT,     EXACT, INTLIKE, ZERO,    1, 0, 0, 0)                 \
  X(LCM,            lcm,            2, S,  umath,  INT,     INT,     EXACT, NO,      NONE,    0, 0, 0, 0)                 \
  X(BITWISE_AND,    bitwise_and,    2, S,  logic,  BINT,    BINT,    ROUND, INTLIKE, ONES,    1, 0, 0, 0)                 \
  X(BITWISE_OR,     bitwise_or,     2, S,  logic,  BINT,    BINT,    ROUND, INTLIKE, ZERO,    1, 0, 0, 0)                 \
  X(BITWISE_XOR,    bitwise_xor,    2, S,  logic,  BINT,    BINT,    ROUND, INTLIKE, ZERO,    1, 0, 0, 0)                 \
  X(LEFT_SHIFT,     left_shift,     2, S,  logic,  INT,     INT,     ROUND, NO,      NONE,    0, 0, 0, 0)                 \
  X(RIGHT_SHIFT,    right_shift,    2, S,  logic,  INT,     INT,     ROUND, NO,      NONE,    0, 0, 0, 0)                 \
  X(EQUAL,          equal,          2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(NOT_EQUAL,      not_equal,      2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(LESS,           less,           2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(LESS_EQUAL,     less_equal,     2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(GREATER,        greater,        2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(GREATER_EQUAL,  greater_equal,  2, P,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(LOGICAL_AND,    logical_and,    2, P,  logic,  ALL,     ALL,     NONE,  BOOL,    ONE,     1, 0, 0, 0)                 \
  X(LOGICAL_OR,     logical_or,     2, P,  logic,  ALL,     ALL,     NONE,  BOOL,    ZERO,    1, 0, 0, 0)                 \
  X(LOGICAL_XOR,    logical_xor,    2, P,  logic,  ALL,     ALL,     NONE,  BOOL,    NONE,    0, 0, 0, 0)                 \
  X(WHERE,          _,              3, W,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ARANGE,         _,              0, G,  logic,  NUM,     NUM,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(EYE,            _,              0, G,  logic,  ALL,     ALL,     NONE,  NO,      NONE,    0, 0, 0, 0)                 \
  X(ARGMAX_ACC,     _,              1, R,  arg,    ALL,     ALL,     NONE,  ANY,     LOWEST,  0, 0, 0, 0)                 \
  X(ARGMIN_ACC,     _,              1, R,  arg,    ALL,     ALL,     NONE,  ANY,     HIGHEST, 0, 0, 0, 0)                 \
  X(ARGMAX_COMBINE, _,              2, R,  arg,    ALL,     ALL,     NONE,  ANY,     NONE,    0, 0, 0, 0)                 \
  X(ARGMIN_COMBINE, _,              2, R,  arg,    ALL,     ALL,     NONE,  ANY,     NONE,    0, 0, 0, 0)                 \
  /* random draws (elem_random.h): values are functions of the seed, the stream and idx */                            \
  X(RANDOM_UNIFORM,            _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, 0, 0)                             \
  X(RANDOM_INTEGERS,           _, 0, G, random, BINT,  BINT,  NONE, NO, NONE, 0, 0, 0, 0)                             \
  X(RANDOM_NORMAL,             _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_EXPONENTIAL,        _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_GAMMA,              _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_BETA,               _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_LOGNORMAL,          _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_LOGISTIC,           _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_LAPLACE,            _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_GUMBEL,             _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_WEIBULL,            _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_PARETO,             _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_POWER,              _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_CAUCHY,             _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_TRIANGULAR,         _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, 0, 0)                             \
  X(RANDOM_STANDARD_T,         _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_F,                  _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_WALD,               _, 0, G, random, F3264, F3264, NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_POISSON,            _, 0, G, random, INT,   INT,   NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_BINOMIAL,           _, 0, G, random, INT,   INT,   NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_GEOMETRIC,          _, 0, G, random, INT,   INT,   NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_NEGATIVE_BINOMIAL,  _, 0, G, random, INT,   INT,   NONE, NO, NONE, 0, 0, F, 0)                             \
  X(RANDOM_LOGSERIES,          _, 0, G, random, INT,   INT,   NONE, NO, NONE, 0, 0, F, 0)

/* The generators with loops of their own (the kind G legend above):
 * LNP_GEN_BY_SCALARS(NAME) is 0 for them, 1 for the others. */
#define LNP_GEN_OWN_ARANGE ~, 0
#define LNP_GEN_OWN_EYE ~, 0
#define LNP_GEN_SECOND_(a, b, ...) b
#define LNP_GEN_SECOND(...) LNP_GEN_SECOND_(__VA_ARGS__)
#define LNP_GEN_BY_SCALARS(NAME) LNP_GEN_SECOND(LNP_GEN_OWN_##NAME, 1, ~)

#endif
