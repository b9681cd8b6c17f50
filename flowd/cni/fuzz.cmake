# The CNI fuzz targets (tests/fuzz/cni_*_fuzz.cc), for the clang fuzz build.
# tests/fuzz/CMakeLists.txt pulls them in with one line:
#
#   include(${PROJECT_SOURCE_DIR}/flowd/cni/fuzz.cmake)
#
# The fuzz build configures no packages and no flowd folders of its own, so
# this brings in nlohmann_json and flowd/cni (which, under FLOWS_FUZZ_ONLY,
# builds only its parser and plugin-logic libraries: no libbpf, no Boost).
find_package(nlohmann_json REQUIRED)
if(NOT TARGET flows_cni_proto)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${PROJECT_BINARY_DIR}/flowd/cni)
endif()
foreach(target cni_request_fuzz cni_config_fuzz)
  add_executable(${target} ${CMAKE_CURRENT_LIST_DIR}/../../tests/fuzz/${target}.cc)
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE flows_cni_plugin)
endforeach()
# The libraries under test are instrumented for coverage too.
target_compile_options(flows_cni_proto PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
target_compile_options(flows_cni_plugin PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
