# The browser assets of web/: npm installs the packages pinned by web/package-lock.json into the
# build tree (never the source tree), once per build folder and again only when the lock file
# changes; nzeza_embed_web_assets() turns files (the charting library, our page script) into a
# generated .cpp so the nzeza binary carries them and writes reports that open with no network.
#
# Set by this file:
#   NZEZA_WEB_NODE_MODULES   <build>/web/node_modules (tests find playwright-core there)
#   NZEZA_NODE               the node executable
#   nzeza_web_npm            target: `npm ci` has run
#   NZEZA_WEB_NPM_STAMP      touched after each successful `npm ci` (npm keeps old mtimes)
#   NZEZA_LIGHTWEIGHT_CHARTS_JS  the library's standalone production bundle (a BYPRODUCT of npm ci)
#   NZEZA_LIGHTWEIGHT_CHARTS_MJS the same as an ES module with no import (the dashboard's)

find_program(NZEZA_NODE node)
find_program(NZEZA_NPM npm)
if(NOT NZEZA_NODE OR NOT NZEZA_NPM)
  message(FATAL_ERROR
    "nzeza: node and npm are needed to build the web assets (the charting library of the "
    "backtest report, web/package-lock.json); node='${NZEZA_NODE}' npm='${NZEZA_NPM}'. "
    "Install Node.js 20 with npm (scripts/install-deps.sh does on Debian).")
endif()

set(NZEZA_WEB_SOURCE_DIR ${PROJECT_SOURCE_DIR}/web)
set(NZEZA_WEB_BUILD_DIR ${PROJECT_BINARY_DIR}/web)
set(NZEZA_WEB_NODE_MODULES ${NZEZA_WEB_BUILD_DIR}/node_modules)
set(NZEZA_LIGHTWEIGHT_CHARTS_JS
    ${NZEZA_WEB_NODE_MODULES}/lightweight-charts/dist/lightweight-charts.standalone.production.js)
set(NZEZA_LIGHTWEIGHT_CHARTS_MJS
    ${NZEZA_WEB_NODE_MODULES}/lightweight-charts/dist/lightweight-charts.standalone.production.mjs)
set(NZEZA_WEB_NPM_STAMP ${NZEZA_WEB_BUILD_DIR}/npm-ci.stamp)

add_custom_command(
  OUTPUT ${NZEZA_WEB_NPM_STAMP}
  BYPRODUCTS ${NZEZA_LIGHTWEIGHT_CHARTS_JS} ${NZEZA_LIGHTWEIGHT_CHARTS_MJS}
  COMMAND ${CMAKE_COMMAND} -DNPM=${NZEZA_NPM} -DSOURCE_DIR=${NZEZA_WEB_SOURCE_DIR}
          -DWORK_DIR=${NZEZA_WEB_BUILD_DIR} -DSTAMP=${NZEZA_WEB_NPM_STAMP}
          -P ${CMAKE_CURRENT_LIST_DIR}/NzezaWebNpmCi.cmake
  DEPENDS ${NZEZA_WEB_SOURCE_DIR}/package.json ${NZEZA_WEB_SOURCE_DIR}/package-lock.json
          ${CMAKE_CURRENT_LIST_DIR}/NzezaWebNpmCi.cmake
  COMMENT "npm ci of web/package-lock.json in ${NZEZA_WEB_BUILD_DIR}"
  VERBATIM)
add_custom_target(nzeza_web_npm DEPENDS ${NZEZA_WEB_NPM_STAMP})

# nzeza_embed_web_assets(NAME n NAMESPACE ns ASSETS fn1 file1 [fn2 file2 ...] [DEPENDS ...])
# Writes <binary dir>/generated/<n>.hpp declaring `std::string_view ns::fnK() noexcept` for
# each asset and <n>.cpp holding its bytes (an array, not a string literal: the library is
# ~200 KB). Sets <n>_SOURCE and <n>_INCLUDE_DIR in the caller's scope.
function(nzeza_embed_web_assets)
  cmake_parse_arguments(ARG "" "NAME;NAMESPACE" "ASSETS;DEPENDS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
  set(files)
  set(pairs)
  list(LENGTH ARG_ASSETS n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET ARG_ASSETS ${i} fn)
    list(GET ARG_ASSETS ${j} file)
    list(APPEND files ${file})
    list(APPEND pairs "${fn}=${file}")
  endforeach()
  add_custom_command(
    OUTPUT ${out_dir}/${ARG_NAME}.cpp ${out_dir}/${ARG_NAME}.hpp
    COMMAND ${NZEZA_NODE} ${NZEZA_WEB_SOURCE_DIR}/tools/embed-assets.cjs
            --namespace ${ARG_NAMESPACE} --out ${out_dir}/${ARG_NAME} ${pairs}
    DEPENDS ${files} ${ARG_DEPENDS} ${NZEZA_WEB_NPM_STAMP}
            ${NZEZA_WEB_SOURCE_DIR}/tools/embed-assets.cjs
    COMMENT "Embedding web assets into ${ARG_NAME}.cpp"
    VERBATIM)
  set(${ARG_NAME}_SOURCE ${out_dir}/${ARG_NAME}.cpp PARENT_SCOPE)
  set(${ARG_NAME}_INCLUDE_DIR ${out_dir} PARENT_SCOPE)
endfunction()
