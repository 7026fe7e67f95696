# bin/legate --profile (tests/profile/test_profile.py), included from the
# top-level CMakeLists.txt: a profile of tests/profile/sample.py with default
# tiles, one in test mode (3-element tiles: ~1200 tasks), and with
# StarPU-MPI one of 2 ranks in test mode (one trace, ranks as groups).
set(_lnp_prof_modes default test-mode)
find_program(LNP_PROF_MPIRUN mpirun)
if(STARPUMPI_FOUND AND MPI_C_FOUND AND LNP_PROF_MPIRUN)
  list(APPEND _lnp_prof_modes mpi2)
endif()
foreach(_lnp_prof_mode IN LISTS _lnp_prof_modes)
  if(_lnp_prof_mode STREQUAL "default")
    set(_lnp_prof_name profile)
    set(_lnp_prof_env "")
  elseif(_lnp_prof_mode STREQUAL "test-mode")
    set(_lnp_prof_name profile-testmode)
    set(_lnp_prof_env "LEGATE_NUMPY_TEST=1;LNP_PROFILE_SAMPLE_N=20")
  else()
    set(_lnp_prof_name profile-mpi2)
    set(_lnp_prof_env "LEGATE_NUMPY_TEST=1;LNP_PROFILE_SAMPLE_N=20;LNP_PROFILE_RANKS=2")
  endif()
  add_test(NAME ${_lnp_prof_name}
    COMMAND "${Python3_EXECUTABLE}" -m pytest -q -p no:cacheprovider "${CMAKE_SOURCE_DIR}/tests/profile"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}")
  set_tests_properties(${_lnp_prof_name} PROPERTIES
    ENVIRONMENT "PYTHONPATH=${CMAKE_SOURCE_DIR}/python;STARPU_SILENT=1;STARPU_HOME=${LNP_STARPU_HOME};LNP_PROFILE_OUT=${CMAKE_BINARY_DIR}/${_lnp_prof_name};${_lnp_prof_env}"
    TIMEOUT 600 LABELS profile)
endforeach()
