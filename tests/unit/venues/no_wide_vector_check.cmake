# Fails when one of LIBS ('|'-separated paths) holds an instruction on a ymm/zmm register (AVX,
# AVX2, AVX-512): our codecs are compiled for baseline x86-64 and leave every wide kernel to
# libsimdjson's run-time dispatch, so the binary runs on any x86-64 CPU (docs/performance/
# simd_kernel.md). CONTROL is a library known to hold such code (libsimdjson's haswell and icelake
# kernels): the scan must find it there, or it proves nothing.
# cmake -DOBJDUMP=... -DLIBS=a.a|b.a -DCONTROL=libsimdjson.so -P no_wide_vector_check.cmake
function(wide_vector_lines lib out)
  # grep, not string(REGEX): CMake's regex takes seconds on a disassembly.
  execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn ${lib}
                  COMMAND grep -E "%[yz]mm[0-9]"
                  OUTPUT_VARIABLE text RESULTS_VARIABLE rcs ERROR_VARIABLE err)
  list(GET rcs 0 objdump_rc)
  list(GET rcs 1 grep_rc)
  if(NOT objdump_rc EQUAL 0 OR grep_rc GREATER 1)
    message(FATAL_ERROR "objdump -d ${lib} | grep failed (${rcs}): ${err}")
  endif()
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" ";" hits "${text}")
  set(${out} "${hits}" PARENT_SCOPE)
endfunction()

string(REPLACE "|" ";" LIBS "${LIBS}")
wide_vector_lines(${CONTROL} control_hits)
list(LENGTH control_hits control_count)
if(control_count EQUAL 0)
  message(FATAL_ERROR "the scan found no ymm/zmm instruction in ${CONTROL}: it cannot be trusted")
endif()
message(STATUS "control ${CONTROL}: ${control_count} ymm/zmm instructions (as expected)")

foreach(lib IN LISTS LIBS)
  wide_vector_lines(${lib} hits)
  list(LENGTH hits count)
  if(count GREATER 0)
    list(GET hits 0 first)
    message(FATAL_ERROR "${lib} holds ${count} ymm/zmm instructions (first: ${first}): a codec was "
                        "compiled for a wider CPU than baseline x86-64 and may crash on an older one")
  endif()
  message(STATUS "${lib}: no ymm/zmm instruction")
endforeach()
