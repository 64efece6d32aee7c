# Script mode (cmake -P), run by the build through NzezaWeb.cmake: copies web/package.json and
# web/package-lock.json to WORK_DIR and runs `npm ci` there, then touches STAMP. A failure
# (registry unreachable, lock file out of date) stops the build with npm's own words.
foreach(var NPM SOURCE_DIR WORK_DIR STAMP)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "NzezaWebNpmCi.cmake: -D${var}=... is required")
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK_DIR})
file(COPY_FILE ${SOURCE_DIR}/package.json ${WORK_DIR}/package.json)
file(COPY_FILE ${SOURCE_DIR}/package-lock.json ${WORK_DIR}/package-lock.json)
file(REMOVE ${STAMP})

# No install scripts (nothing may download a browser or a binary); playwright-core drives the
# system's chromium.
set(ENV{PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} 1)
execute_process(
  COMMAND ${NPM} ci --no-audit --no-fund --ignore-scripts --loglevel=error
  WORKING_DIRECTORY ${WORK_DIR}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR
    "npm ci failed in ${WORK_DIR} (exit ${rc}): the npm registry may be unreachable, or "
    "web/package-lock.json may not match web/package.json (run `npm install` in a scratch copy "
    "of web/ and commit the new lock file).\n${out}\n${err}")
endif()
file(TOUCH ${STAMP})
