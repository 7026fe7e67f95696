# bin/legate --profile (tests/profile/test_profile.py), included from the
# top-level CMakeLists.txt: a profile of tests/profile/sample.py with default
# tiles, and one in test mode (3-element tiles: ~1200 tasks).
foreach(_lnp_prof_mode IN ITEMS default test-mode)
  if(_lnp_prof_mode STREQUAL "default")
    set(_lnp_prof_name profile)
    set(_lnp_prof_env "")
  else()
    set(_lnp_prof_name profile-testmode)
    set(_lnp_prof_env "LEGATE_NUMPY_TEST=1;LNP_PROFILE_SAMPLE_N=20")
  endif()
  add_test(NAME ${_lnp_prof_name}
    COMMAND "${Python3_EXECUTABLE}" -m pytest -q -p no:cacheprovider "${CMAKE_SOURCE_DIR}/tests/profile"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}")
  set_tests_properties(${_lnp_prof_name} PROPERTIES
    ENVIRONMENT "PYTHONPATH=${CMAKE_SOURCE_DIR}/python;STARPU_SILENT=1;STARPU_HOME=${LNP_STARPU_HOME};LNP_PROFILE_OUT=${CMAKE_BINARY_DIR}/${_lnp_prof_name};${_lnp_prof_env}"
    TIMEOUT 600 LABELS profile)
endforeach()
