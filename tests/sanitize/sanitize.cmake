# Sanitizer runs, included from the top-level CMakeLists.txt after the C tests.
#
# Regular tree (LNP_SANITIZE empty): the ctest `sanitizers` configures and
# builds a CPU-only tree with -DLNP_SANITIZE=address,undefined beside this one
# (<build>-asan) and runs that tree's tests (scripts/sanitize.sh).
#
# Sanitized tree: the C tests run with leak detection on; the pytest subset
# below runs with ASan's runtime preloaded into the (uninstrumented) Python
# interpreter, leak detection off: CPython keeps its interned objects,
# modules and arenas to the end and never frees them, so LSan would report
# thousands of "leaks" that are not ours.  Leaks of ours on the Python side
# are the business of the memory tests (issue 17), which count StarPU's bytes.

if(NOT LNP_SANITIZE)
  option(LNP_SANITIZER_TESTS "Add the ctest `sanitizers` (builds and runs an ASan+UBSan tree)" ON)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _lnp_libasan OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  # -print-file-name echoes the bare name when the compiler has no libasan
  if(LNP_SANITIZER_TESTS AND IS_ABSOLUTE "${_lnp_libasan}")
    set(LNP_SANITIZE_BUILD_DIR "${CMAKE_BINARY_DIR}-asan" CACHE PATH
      "Where the ctest `sanitizers` builds the ASan+UBSan tree")
    add_test(NAME sanitizers
      COMMAND bash "${CMAKE_SOURCE_DIR}/scripts/sanitize.sh"
      WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}")
    set_tests_properties(sanitizers PROPERTIES
      ENVIRONMENT "LNP_SANITIZE_BUILD_DIR=${LNP_SANITIZE_BUILD_DIR};LEGATE_PYTHON=${Python3_EXECUTABLE};LNP_DEPS=${LNP_DEPS};CC=${CMAKE_C_COMPILER}"
      TIMEOUT 1800 LABELS "c;python;sanitizers")
  endif()
  return()
endif()

set(_lnp_san_dir "${CMAKE_SOURCE_DIR}/tests/sanitize")
# Report to stderr with whole stacks; any UBSan report fails the run (the
# code is also built with -fno-sanitize-recover=undefined).
set(_lnp_ubsan "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=${_lnp_san_dir}/ubsan.supp")
# allocator_may_return_null: an impossible allocation returns NULL as glibc
# does (the MemoryError tests ask for 8 TiB), instead of ASan aborting.
set(_lnp_asan_common "strict_string_checks=1:detect_stack_use_after_return=1:allocator_may_return_null=1")

# HWLOC_COMPONENTS=-pci: hwloc's PCI plugin (hwloc_pci.so, libpciaccess),
# which StarPU's topology discovery dlopens and dlcloses at every
# starpu_init, leaves libpciaccess's global state allocated; once the module
# is unloaded nothing points at it, so LSan reports ~1 KB a starpu_init from
# "<unknown module>", which no suppression can name (with libpciaccess kept
# loaded the report goes away).  CPU-only C tests need no PCI locality.
foreach(src IN LISTS LNP_C_TESTS)
  get_filename_component(name "${src}" NAME_WE)
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
    "HWLOC_COMPONENTS=-pci"
    "ASAN_OPTIONS=${_lnp_asan_common}:detect_leaks=1"
    "LSAN_OPTIONS=suppressions=${_lnp_san_dir}/lsan.supp:print_suppressions=0"
    "${_lnp_ubsan}")
  set_property(TEST ${name} APPEND PROPERTY LABELS sanitizers)
endforeach()

# ASan's runtime must be the first library of the process: preload the one
# the compiler linked against.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
  OUTPUT_VARIABLE LNP_LIBASAN OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(LNP_LIBASAN "${LNP_LIBASAN}" REALPATH)
if(NOT EXISTS "${LNP_LIBASAN}")
  message(FATAL_ERROR "LNP_SANITIZE: no libasan.so found for ${CMAKE_C_COMPILER}")
endif()

# The pytest subset: the suites that drive the most C (elementwise ops and
# casts, views and their copies, reductions, error paths, bad input) in a
# few minutes.  PYTHONMALLOC=malloc puts Python objects in ASan's heap too, so
# an overrun of a buffer the extension fills from a Python object is caught.
set(LNP_SANITIZE_PYTESTS test_ufuncs test_views test_reductions test_errors
  test_numpy_idioms test_bad_input test_shapes test_linalg test_conversion test_sorting
  CACHE STRING "tests/python suites run under the sanitizers")
set(_lnp_files "")
foreach(t IN LISTS LNP_SANITIZE_PYTESTS)
  list(APPEND _lnp_files "${CMAKE_SOURCE_DIR}/tests/python/${t}.py")
endforeach()
set(_lnp_pyenv
  "PYTHONPATH=${LNP_PYTHON_DIR}"
  "LD_PRELOAD=${LNP_LIBASAN}"
  "PYTHONMALLOC=malloc"
  "ASAN_OPTIONS=${_lnp_asan_common}:detect_leaks=0"
  "${_lnp_ubsan}"
  "STARPU_SILENT=1"
  "STARPU_HOME=${LNP_STARPU_HOME}")
foreach(mode IN ITEMS default test-mode)
  set(name "pytest-asan-${mode}")
  add_test(NAME ${name}
    # --capture=sys: pytest captures Python's streams only, so a sanitizer
    # report (written to fd 2 by a process that then exits) reaches ctest
    COMMAND "${Python3_EXECUTABLE}" -m pytest -q -p no:cacheprovider --capture=sys ${_lnp_files}
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}")
  set(_menv ${_lnp_pyenv})
  if(mode STREQUAL "test-mode")
    list(APPEND _menv "LEGATE_NUMPY_TEST=1")
  else()
    # default tiles, but arrays from 4096 elements deferred (not 65536):
    # the suites' arrays then reach the C library, not only NumPy
    list(APPEND _menv "LEGATE_NUMPY_EAGER_MAX=4096")
  endif()
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${_menv}" TIMEOUT 1200
    LABELS "python;sanitizers")
endforeach()
