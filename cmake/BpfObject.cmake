# bpf_object(<name> <source.bpf.c>)
#
# Compiles a BPF program with clang -target bpf and turns the object into a
# libbpf skeleton header with bpftool. Gives an INTERFACE target <name>_skel
# whose include directory holds <name>.skel.h. Nothing here runs on the node:
# the object is embedded in the skeleton, so no clang or kernel headers are
# needed at run time.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)

# Debian puts <asm/types.h> under the multiarch directory, which a
# -target bpf compile does not search by default.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-multiarch
                OUTPUT_VARIABLE BPF_MULTIARCH OUTPUT_STRIP_TRAILING_WHITESPACE)

file(GLOB_RECURSE BPF_HEADERS CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/bpf/lib/*.h ${PROJECT_SOURCE_DIR}/bpf/include/*.h)

function(bpf_object name src)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/skel)
  set(skel ${skel_dir}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -Wall -Werror
            -Wno-gnu-variable-sized-type-not-at-end
            -I/usr/include/${BPF_MULTIARCH}
            -I${PROJECT_SOURCE_DIR}/bpf
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${src} ${BPF_HEADERS}
    COMMENT "BPF ${src}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  target_include_directories(${name}_skel INTERFACE ${skel_dir})
  add_dependencies(${name}_skel ${name}_skel_gen)
endfunction()
