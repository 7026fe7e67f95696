/* A cuSOLVER handle and a device workspace per CUDA worker thread (each
 * CUDA worker drives one device), shared by the factorization kernels
 * (cholesky_cuda.cu, lu_cuda.cu) and grown when a larger problem needs it.
 * The workspace is used in stream order: growing it waits for the stream,
 * since an earlier task's kernels may still read the old one. */
#ifndef LNP_CUSOLVER_WORKSPACE_CUH
#define LNP_CUSOLVER_WORKSPACE_CUH

#include <cuda_runtime.h>
#include <cusolverDn.h>

extern "C" void lnp_codelets_report(const char *fmt, ...);

struct LnpSolver {
  cusolverDnHandle_t h = nullptr;
  void *work = nullptr;
  size_t bytes = 0;
};

inline LnpSolver &lnp_solver_of_thread()
{
  static thread_local LnpSolver s;
  return s;
}

/* The thread's handle on stream s, or nullptr (reported, naming `what`). */
inline LnpSolver *lnp_solver_handle(cudaStream_t s, const char *what)
{
  LnpSolver &S = lnp_solver_of_thread();
  if (!S.h && cusolverDnCreate(&S.h) != CUSOLVER_STATUS_SUCCESS) {
    S.h = nullptr;
    lnp_codelets_report("cuSOLVER: no handle for %s", what);
    return nullptr;
  }
  cusolverDnSetStream(S.h, s);
  return &S;
}

/* At least `need` bytes of workspace in S.work, or false (reported). */
inline bool lnp_solver_reserve(LnpSolver &S, cudaStream_t s, size_t need, const char *what)
{
  if (need > S.bytes) {
    if (S.work) {
      cudaStreamSynchronize(s);
      cudaFree(S.work);
    }
    S.bytes = cudaMalloc(&S.work, need) == cudaSuccess ? need : 0;
    if (!S.bytes) {
      S.work = nullptr;
      (void)cudaGetLastError();
      lnp_codelets_report("cuSOLVER: no workspace of %zu bytes for %s", need, what);
      return false;
    }
  }
  return true;
}

/* 256-byte aligned sizes, to carve one workspace into several arrays */
inline size_t lnp_align256(size_t b) { return (b + 255) & ~(size_t)255; }

#endif
