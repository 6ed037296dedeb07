# testbench/rtl/systemc.cmake: the SystemC lockstep bench (sc_bench.cpp), included by
# CMakeLists.txt after the C++ bench, and its tests rtl.sc-<geometry>.*.
#
# The same file is also the script of the test that the two benches agree
# (cmake -P systemc.cmake, section at the top).

# ---- script mode: the SystemC bench and the C++ bench on one trace --------------------------
# -DSC=bench -DCPP=bench -DWORK=dir -DARGS="a;b;..." : both must exit 0 (every answer of the
# RTL matched the C model) and print the same lockstep summary: the RTL took as many cycles
# in the SystemC kernel as in the C++ loop. (Their statistics are the C model's, the same by
# construction once both exit 0, so they are not compared.)
if(CMAKE_SCRIPT_MODE_FILE)
  file(MAKE_DIRECTORY ${WORK})
  set(ENV{SYSTEMC_DISABLE_COPYRIGHT_MESSAGE} 1)
  foreach(side SC CPP)
    execute_process(COMMAND ${${side}} --output=/dev/null ${ARGS}
                    RESULT_VARIABLE rc ERROR_VARIABLE stderr OUTPUT_VARIABLE stdout)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${${side}} exited with ${rc}:\n${stdout}${stderr}")
    endif()
    string(REGEX MATCHALL "lockstep:[^\n]*" summary "${stderr}")
    if(NOT summary)
      message(FATAL_ERROR "${${side}} printed no lockstep summary:\n${stderr}")
    endif()
    string(REPLACE ";" "\n" summary_${side} "${summary}")
    file(WRITE ${WORK}/${side}.summary "${summary_${side}}\n")
  endforeach()
  if(NOT summary_SC STREQUAL summary_CPP)
    message(FATAL_ERROR "the lockstep summaries differ:\nSystemC:\n${summary_SC}\nC++:\n${summary_CPP}")
  endif()
  message(STATUS "same lockstep summary:\n${summary_SC}")
  return()
endif()

# ---- the bench ----------------------------------------------------------------------------
# SystemC from Debian (libsystemc-dev, scripts/setup.sh): headers in /usr/include,
# libsystemc.so with systemc.pc but no CMake package.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc)

# rtl_sc_bench(NAME CONFIG...): build/rtlbench-sc-NAME, the SystemC bench for that geometry
# (its model is verilated with --sc under rtl-sc-NAME/). libsystemc.so defines main() and
# calls sc_main, so sc_bench.cpp is compiled into the executable itself.
function(rtl_sc_bench NAME)
  rtl_model(sc-${NAME} sc ${ARGN})
  string(REPLACE ";" " " text "${ARGN}")
  add_executable(rtlbench-sc-${NAME} sc_bench.cpp)
  target_compile_definitions(rtlbench-sc-${NAME} PRIVATE RTLBENCH_CONFIG="${text}")
  target_link_libraries(rtlbench-sc-${NAME} PRIVATE lockstep rtlmodel-sc-${NAME} PkgConfig::SYSTEMC)
  add_dependencies(rtlbench-sc-${NAME} rtlmodel-sc-${NAME}-build)
endfunction()

rtl_sc_bench(i486 --preset=i486)

# ---- tests: rtl.sc-i486.* -------------------------------------------------------------------
# The conformance scripts, the memory-manager scenarios (with their "# options:" line) and
# one sample trace, as the C++ bench runs them; then the two benches compared.
set(sc_env SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1)
set(sc_geom i486)
set(sc_sample ${CMAKE_SOURCE_DIR}/traces/samples/shmcow.mmb.zst)
rtl_suite(rtlbench-sc-${sc_geom} rtl.sc-${sc_geom} "${sc_env}" ${sc_sample})

# The same trace on both benches: the same lockstep summary (cycles per kind of translation).
add_test(NAME rtl.sc-${sc_geom}.same-as-cpp
         COMMAND ${CMAKE_COMMAND} -DSC=$<TARGET_FILE:rtlbench-sc-${sc_geom}>
                 -DCPP=$<TARGET_FILE:rtlbench-${sc_geom}>
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sc-same-as-cpp
                 "-DARGS=--mem-latency;3;${sc_sample}"
                 -P ${CMAKE_CURRENT_LIST_FILE})
