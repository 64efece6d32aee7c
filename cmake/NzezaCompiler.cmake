# Warnings, sanitizers and ccache for every nzeza target.

# ccache that also hits in fresh clones: paths are made relative to the source root and the
# build directory is not hashed. Set through the launcher so it holds however the build starts.
find_program(NZEZA_CCACHE ccache)
if(NZEZA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=pch_defines,time_macros
      ${NZEZA_CCACHE})
endif()

# lld links the Beast-heavy test executables several times faster than GNU ld on 2 cores.
find_program(NZEZA_LLD ld.lld)
if(NZEZA_LLD)
  add_link_options(-fuse-ld=lld)
endif()

add_library(nzeza_warnings INTERFACE)
target_compile_options(nzeza_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 needs -fcoroutines implied by C++20; nothing else to add.
endif()

if(NZEZA_FUZZ)
  # Instrument the libraries under test for coverage and memory errors; the fuzz targets add
  # -fsanitize=fuzzer themselves (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(NZEZA_SANITIZER STREQUAL "asan")
  # Disk and time at -O0: UBSan's null/alignment checks (one static record and a branch per
  # pointer use) tripled every object and put ~200 MB of check data plus ~170 MB of dynamic
  # relocations into each test executable (600-700 MB each, a 20 GB build tree that filled a CI
  # disk). ASan reports a null dereference itself (SEGV with the stack) and x86-64 tolerates
  # misaligned loads, so those two go; every other UBSan check stays. A non-PIE link resolves the
  # check records' pointers at link time and lld compresses the line tables.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=alignment,null
                      -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined -no-pie)
  if(NZEZA_LLD)
    add_link_options(-Wl,--compress-debug-sections=zlib)
  endif()
elseif(NZEZA_SANITIZER STREQUAL "tsan")
  # -Wno-tsan: libstdc++'s atomic_thread_fence inlined from Asio otherwise fails -Werror.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
  add_link_options(-fsanitize=thread)
elseif(NOT NZEZA_SANITIZER STREQUAL "")
  message(FATAL_ERROR "NZEZA_SANITIZER must be '', 'asan' or 'tsan', not '${NZEZA_SANITIZER}'")
endif()

# nzeza_library(name SOURCES ... DEPS ...): a static library under src/ with the project's
# warnings, include root at src/.
function(nzeza_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT ARG_SOURCES)
    # A layer folder with no sources yet: an interface target keeps dependents linking.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE nzeza_warnings ${ARG_PRIVATE_DEPS})
endfunction()
