include(GoogleTest)

# Aggregates the sanitizer presets build: ASan+UBSan runs the unit and integration labels and
# the in-process end-to-end suites labelled `sanitize` (the trading server on a manual clock),
# except `allocation` (a replaced global operator new cannot count under ASan), TSan the
# multi-threaded suites (labels actors and concurrency: the actor runtime, the network
# clients, the feed sessions and the venue clients).
add_custom_target(nzeza_asan_tests)
add_custom_target(nzeza_tsan_tests)

# nzeza_test(name SOURCES ... LIBS ... LABELS ... [TIMEOUT s])
# One GoogleTest executable; every test case becomes a CTest test (discovered when the tests
# run, so sanitizer builds do not pay for discovery at build time) carrying the given labels.
function(nzeza_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # Shared working trees only (several engineers in one checkout): skip a test whose sources
  # are not written yet instead of failing the whole configure. Never set in CI.
  if(NZEZA_TOLERATE_MISSING_TEST_SOURCES)
    foreach(src IN LISTS ARG_SOURCES)
      if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${src})
        message(WARNING "nzeza_test(${name}): ${src} missing, test skipped in this tree")
        return()
      endif()
    endforeach()
    if(NOT ARG_SOURCES)
      return()
    endif()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main nzeza_warnings)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE NZEZA_DEFAULT_FIXTURES_DIR="${NZEZA_FIXTURES_DIR}")
  if(TARGET nzeza_test_pch)
    target_precompile_headers(${name} REUSE_FROM nzeza_test_pch)
    # g++ 12 at -O2 reports false -Warray-bounds / -Wstringop-overflow errors inside libstdc++'s
    # string operator+ once the GoogleTest headers come first (GCC PR 105329, 105651): test code
    # only; product code keeps both warnings.
    target_compile_options(${name} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-array-bounds>
                                           $<$<CXX_COMPILER_ID:GNU>:-Wno-stringop-overflow>)
  endif()
  if(ARG_LABELS MATCHES "(^|;)(unit|integration|sanitize)(;|$)"
     AND NOT ARG_LABELS MATCHES "(^|;)allocation(;|$)")
    add_dependencies(nzeza_asan_tests ${name})
  endif()
  if(ARG_LABELS MATCHES "(^|;)(actors|concurrency)(;|$)")
    add_dependencies(nzeza_tsan_tests ${name})
  endif()
  # gtest_discover_tests re-splits the property list twice on its way to the generated test
  # file: escape the separators so each test keeps every label, not only the first.
  # (GoogleTest.cmake already marks "[  SKIPPED ]" output as skipped.)
  string(REPLACE ";" [=[\\\\\\\;]=] labels_escaped "${ARG_LABELS}")
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${labels_escaped}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

# Adds every immediate sub-folder of `dir` that has a CMakeLists.txt, so each area owns its
# own test list and nobody edits a shared file to add one.
function(nzeza_add_subdirs dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/${dir}
       ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${child}/CMakeLists.txt)
      add_subdirectory(${dir}/${child})
    endif()
  endforeach()
endfunction()
