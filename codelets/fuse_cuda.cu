/* Fused groups on a GPU: the group's source (fuse_codegen.c) is compiled
 * once with NVRTC for the device's architecture, cached by source text, and
 * launched on the worker's stream, one launch per piece.
 *
 * A source seen for the first time is compiled in place (10-50 ms, once per
 * program shape and, with the disk cache below, once per machine), as CuPy
 * compiles its kernels on first use.  LEGATE_NUMPY_FUSE_ASYNC=1 queues it
 * for a background compile thread instead and runs its loops unfused
 * meanwhile: no stall, but a short run may end before its kernels exist
 * (channel flow's 6-step benchmark did).
 *
 * NVRTC is opened with dlopen: without it (or if a compile fails) the
 * caller runs the group's loops one by one, so fusion is only ever an
 * optimisation.  Compiled kernels are loaded as context-independent
 * libraries (cudaLibraryLoadData), usable from every GPU of the process. */
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <nvrtc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <string>
#include <unordered_map>
#include <vector>

#include "fuse.h"
#include "loop_cuda.h"

namespace {

struct Nvrtc {
  bool tried = false, ok = false;
  nvrtcResult (*create)(nvrtcProgram *, const char *, const char *, int, const char *const *, const char *const *);
  nvrtcResult (*compile)(nvrtcProgram, int, const char *const *);
  nvrtcResult (*log_size)(nvrtcProgram, size_t *);
  nvrtcResult (*log)(nvrtcProgram, char *);
  nvrtcResult (*cubin_size)(nvrtcProgram, size_t *);
  nvrtcResult (*cubin)(nvrtcProgram, char *);
  nvrtcResult (*destroy)(nvrtcProgram *);
};

/* a cached kernel; !ok: being compiled in the background, or failed */
struct Entry {
  bool ok = false;
  cudaLibrary_t lib = nullptr;
  cudaKernel_t kernel = nullptr;
};

struct Job {
  std::string key, src;
  int arch;
};

/* never destroyed: the compile thread may still wait on them at exit */
std::mutex &mtx = *new std::mutex;
std::condition_variable &jobs_cv = *new std::condition_variable;
std::deque<Job> &jobs = *new std::deque<Job>;
std::unordered_map<std::string, Entry> &cache = *new std::unordered_map<std::string, Entry>;
Nvrtc nv;
/* more programs than this: no new compiles (a program that never repeats) */
constexpr size_t kMaxKernels = 4096;

bool env_on(const char *name)
{
  const char *e = getenv(name);
  return e && *e && *e != '0';
}

bool debug()
{
  static const bool d = env_on("LEGATE_NUMPY_FUSE_DEBUG");
  return d;
}

template <class F> bool sym(void *h, const char *name, F &f)
{
  f = reinterpret_cast<F>(dlsym(h, name));
  return f != nullptr;
}

/* under mtx */
bool load_nvrtc()
{
  if (nv.tried) return nv.ok;
  nv.tried = true;
  const char *names[] = {"libnvrtc.so.13", "libnvrtc.so", "libnvrtc.so.12"};
  void *h = nullptr;
  for (const char *n : names)
    if ((h = dlopen(n, RTLD_NOW | RTLD_LOCAL))) break;
  if (!h) {
    if (debug()) fprintf(stderr, "legate.numpy fuse: no NVRTC (%s): loops are not fused\n", dlerror());
    return false;
  }
  nv.ok = sym(h, "nvrtcCreateProgram", nv.create) && sym(h, "nvrtcCompileProgram", nv.compile) &&
          sym(h, "nvrtcGetProgramLogSize", nv.log_size) && sym(h, "nvrtcGetProgramLog", nv.log) &&
          sym(h, "nvrtcGetCUBINSize", nv.cubin_size) && sym(h, "nvrtcGetCUBIN", nv.cubin) &&
          sym(h, "nvrtcDestroyProgram", nv.destroy);
  return nv.ok;
}

/* The on-disk cache of compiled kernels ($LEGATE_NUMPY_CACHE, else
 * $XDG_CACHE_HOME/legate-numpy, else ~/.cache/legate-numpy; /fused/):
 * one file per key, named by its FNV-1a hash, holding the key (checked on
 * load) and the CUBIN.  A new process running the same program then loads
 * instead of compiling.  LEGATE_NUMPY_FUSE_DISK_CACHE=0 turns it off. */
std::string disk_path(const std::string &key)
{
  static const std::string dir = [] {
    const char *off = getenv("LEGATE_NUMPY_FUSE_DISK_CACHE");
    if (off && !strcmp(off, "0")) return std::string();
    std::string d;
    if (const char *c = getenv("LEGATE_NUMPY_CACHE")) d = c;
    else if (const char *x = getenv("XDG_CACHE_HOME")) d = std::string(x) + "/legate-numpy";
    else if (const char *h = getenv("HOME")) d = std::string(h) + "/.cache/legate-numpy";
    if (d.empty()) return d;
    mkdir(d.c_str(), 0755);
    d += "/fused";
    mkdir(d.c_str(), 0755);
    return d;
  }();
  if (dir.empty()) return dir;
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  char name[32];
  snprintf(name, sizeof name, "/%016llx.cubin", (unsigned long long)h);
  return dir + name;
}

bool disk_load(const std::string &key, std::vector<char> &cubin)
{
  const std::string path = disk_path(key);
  if (path.empty()) return false;
  FILE *f = fopen(path.c_str(), "rb");
  if (!f) return false;
  bool ok = false;
  uint64_t klen = 0, clen = 0;
  if (fread(&klen, 8, 1, f) == 1 && klen == key.size() && fread(&clen, 8, 1, f) == 1 && clen > 0 &&
      clen < (1u << 30)) {
    std::string k(klen, '\0');
    cubin.resize(clen);
    ok = fread(&k[0], 1, klen, f) == klen && k == key && fread(cubin.data(), 1, clen, f) == clen;
  }
  fclose(f);
  return ok;
}

void disk_store(const std::string &key, const std::vector<char> &cubin)
{
  const std::string path = disk_path(key);
  if (path.empty()) return;
  const std::string tmp = path + "." + std::to_string(getpid()) + ".tmp";
  FILE *f = fopen(tmp.c_str(), "wb");
  if (!f) return;
  const uint64_t klen = key.size(), clen = cubin.size();
  const bool ok = fwrite(&klen, 8, 1, f) == 1 && fwrite(&clen, 8, 1, f) == 1 && fwrite(key.data(), 1, klen, f) == klen &&
                  fwrite(cubin.data(), 1, clen, f) == clen;
  if (fclose(f) == 0 && ok) rename(tmp.c_str(), path.c_str()); /* atomic: readers see all or nothing */
  else remove(tmp.c_str());
}

/* compile src for sm_<arch> (NVRTC is thread-safe; nv is set before) */
bool compile(const std::string &src, int arch, std::vector<char> &cubin)
{
  if (!nv.ok) return false;
  nvrtcProgram prog;
  /* the kernel includes elem.h's semantics as "lnp_elem.h" */
  const char *hdr_text[] = {lnp_elem_device_source}, *hdr_name[] = {"lnp_elem.h"};
  if (nv.create(&prog, src.c_str(), "lnp_fused.cu", 1, hdr_text, hdr_name) != NVRTC_SUCCESS) return false;
  const std::string archopt = "--gpu-architecture=sm_" + std::to_string(arch);
  /* no FMA contraction: the loops' kernels and the CPU round each op */
  const char *opts[] = {archopt.c_str(), "--fmad=false", "--std=c++17"};
  const nvrtcResult rc = nv.compile(prog, 3, opts);
  if (rc != NVRTC_SUCCESS) {
    size_t n = 0;
    nv.log_size(prog, &n);
    std::string log(n, '\0');
    if (n) nv.log(prog, &log[0]);
    fprintf(stderr, "legate.numpy fuse: NVRTC failed (the loops run unfused):\n%s\n%s\n", log.c_str(), src.c_str());
  }
  size_t n = 0;
  bool ok = rc == NVRTC_SUCCESS && nv.cubin_size(prog, &n) == NVRTC_SUCCESS && n;
  if (ok) {
    cubin.resize(n);
    ok = nv.cubin(prog, cubin.data()) == NVRTC_SUCCESS;
  }
  nv.destroy(&prog);
  return ok;
}

/* the kernel of key (from the disk cache, else compiled and stored there) */
Entry build(const std::string &key, const std::string &src, int arch)
{
  Entry e;
  std::vector<char> cubin;
  const bool cached = disk_load(key, cubin);
  if (!cached && !compile(src, arch, cubin)) return e;
  if (cudaLibraryLoadData(&e.lib, cubin.data(), nullptr, nullptr, 0, nullptr, nullptr, 0) == cudaSuccess &&
      cudaLibraryGetKernel(&e.kernel, e.lib, "lnp_fused") == cudaSuccess)
    e.ok = true;
  else
    (void)cudaGetLastError();
  if (e.ok && !cached) disk_store(key, cubin);
  if (debug())
    fprintf(stderr, "legate.numpy fuse: %s a %zu-byte kernel for sm_%d: %s\n", cached ? "loaded" : "compiled",
            src.size(), arch, e.ok ? "ok" : "failed");
  return e;
}

bool stopping = false;
std::thread *compiler = nullptr;

void compile_thread()
{
  /* created by a CUDA worker, which StarPU binds to one core: run anywhere
   * else instead of competing with it */
  cpu_set_t all;
  CPU_ZERO(&all);
  const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  for (long c = 0; c < ncpu && c < CPU_SETSIZE; c++) CPU_SET(c, &all);
  pthread_setaffinity_np(pthread_self(), sizeof all, &all);
  std::unique_lock<std::mutex> lock(mtx);
  for (;;) {
    jobs_cv.wait(lock, [] { return stopping || !jobs.empty(); });
    if (stopping) return;
    Job job = std::move(jobs.front());
    jobs.pop_front();
    lock.unlock();
    Entry e = build(job.key, job.src, job.arch);
    lock.lock();
    cache[job.key] = e;
  }
}

thread_local int tl_dev = -1, tl_arch = 0, tl_nsm = 0;

} /* namespace */

extern "C" int lnp_fuse_cuda_launch(const lnp_fuse_group *g, void *const *bufptrs, void *stream)
{
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) return -1;
  if (dev != tl_dev) {
    int ma = 0, mi = 0, nsm = 0;
    if (cudaDeviceGetAttribute(&ma, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&mi, cudaDevAttrComputeCapabilityMinor, dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&nsm, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess) {
      (void)cudaGetLastError();
      return -1;
    }
    tl_dev = dev;
    tl_arch = ma * 10 + mi;
    tl_nsm = nsm;
  }
  int64_t words[LNP_FUSE_MAXWORDS + 1];
  if (lnp_fuse_params(g, bufptrs, lnp_loop_cuda_fp_area(dev), lnp_loop_cuda_fp_gen(), words) < 0) return -1;
  char stack_src[8192];
  size_t n = lnp_fuse_cuda_source(g, stack_src, sizeof stack_src);
  std::string src;
  if (n < sizeof stack_src) {
    src.assign(stack_src, n);
  } else {
    src.assign(n + 1, '\0');
    lnp_fuse_cuda_source(g, &src[0], n + 1);
    src.resize(n);
  }
  /* the semantics' text is part of what the cubin depends on (disk cache) */
  static const std::string elem_hash = [] {
    uint64_t h = 1469598103934665603ull;
    for (const char *c = lnp_elem_device_source; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ull;
    return std::to_string(h);
  }();
  const std::string key = std::to_string(tl_arch) + "\n" + elem_hash + "\n" + src;
  cudaKernel_t kernel;
  {
    static const bool sync = !env_on("LEGATE_NUMPY_FUSE_ASYNC");
    std::unique_lock<std::mutex> lock(mtx);
    auto it = cache.find(key);
    if (it == cache.end()) {
      if (!load_nvrtc() || cache.size() >= kMaxKernels) return -1;
      if (sync) {
        lock.unlock();
        Entry e = build(key, src, tl_arch);
        lock.lock();
        it = cache.emplace(key, e).first;
      } else {
        cache.emplace(key, Entry{});
        jobs.push_back(Job{key, src, tl_arch});
        if (!compiler) compiler = new std::thread(compile_thread);
        jobs_cv.notify_one();
        return -1;
      }
    }
    if (!it->second.ok) return -1;
    kernel = it->second.kernel;
  }
  for (int p = 0; p < g->npieces; p++) {
    const int nd = g->ndim;
    int64_t outer = 1;
    for (int j = 0; j < nd - 1; j++) outer *= g->shape[p][j];
    const int64_t inner = g->shape[p][nd - 1];
    const int64_t bx_need = (inner + 255) / 256;
    const int64_t by = outer < 65535 ? outer : 65535;
    /* enough blocks to fill the GPU a few times over; the kernel strides */
    int64_t bx_cap = (int64_t)tl_nsm * 32 / by;
    if (bx_cap < 1) bx_cap = 1;
    const int64_t bx = bx_need < bx_cap ? bx_need : bx_cap;
    int piece = p;
    void *args[] = {words, &piece};
    const cudaError_t rc = cudaLaunchKernel((const void *)kernel, dim3((unsigned)bx, (unsigned)by), dim3(256), args,
                                            0, (cudaStream_t)stream);
    if (rc != cudaSuccess) {
      (void)cudaGetLastError();
      if (debug()) fprintf(stderr, "legate.numpy fuse: launch failed: %s\n", cudaGetErrorString(rc));
      return p == 0 ? -1 : -2;
    }
  }
  return 0;
}

extern "C" int lnp_fuse_cuda_compiles(const lnp_fuse_group *g, int arch)
{
  {
    std::lock_guard<std::mutex> lock(mtx);
    if (!load_nvrtc()) return -1;
  }
  const size_t n = lnp_fuse_cuda_source(g, nullptr, 0);
  std::string src(n + 1, '\0');
  lnp_fuse_cuda_source(g, &src[0], n + 1);
  src.resize(n);
  std::vector<char> cubin;
  return compile(src, arch, cubin) ? 1 : 0;
}

/* Before starpu_shutdown (codelets.c): the compile thread stops (after the
 * compile in progress: NVRTC must not run while the process exits) and the
 * kernels are unloaded; a runtime started again starts afresh. */
extern "C" void lnp_fuse_cuda_shutdown(void)
{
  std::thread *t;
  {
    std::lock_guard<std::mutex> lock(mtx);
    stopping = true;
    jobs.clear();
    t = compiler;
    compiler = nullptr;
  }
  jobs_cv.notify_all();
  if (t) {
    t->join();
    delete t;
  }
  std::lock_guard<std::mutex> lock(mtx);
  for (auto &kv : cache)
    if (kv.second.lib) (void)cudaLibraryUnload(kv.second.lib);
  (void)cudaGetLastError();
  cache.clear();
  stopping = false;
}
