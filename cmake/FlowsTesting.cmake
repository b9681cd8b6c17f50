# flows_unit_test(<name> SOURCES ... LIBS ...)
#
# A GoogleTest executable of unit tests (no privileges). It is registered
# with CTest (label "unit") and, from the ASan+UBSan build in FLOWS_ASAN_DIR,
# once more as <name>_asan_ubsan (label "asan"), so one `ctest` run covers
# both and `ctest -L unit` needs only this build.
include(GoogleTest)
add_custom_target(all_unit_tests)

function(flows_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_MODE PRE_TEST)
  add_dependencies(all_unit_tests ${name})
  if(NOT FLOWS_SANITIZE)
    file(RELATIVE_PATH rel ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR})
    add_test(NAME ${name}_asan_ubsan COMMAND ${FLOWS_ASAN_DIR}/${rel}/${name})
    set_tests_properties(${name}_asan_ubsan PROPERTIES LABELS asan)
  endif()
endfunction()
