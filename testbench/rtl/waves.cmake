# testbench/rtl/waves.cmake: tests of the lockstep benches' waveforms and of the GTKWave views
# (scripts/gtkwave/, scripts/wave-png.sh), included by CMakeLists.txt after the benches.
#
#   rtl.waves.<bench>.fst-loads  --wave FILE.fst: GTKWave loads it (gtkwave -x exits 0), and the
#                                same check fails on a truncated copy
#   rtl.waves.<bench>.vcd-loads  --wave FILE.vcd (FST converted by fst2vcd): GTKWave loads it
#                                without a parse error, to the end; a broken copy fails
#   rtl.waves.<bench>.window     --wave-cycles A:B: smaller than the whole run, and holds
#                                exactly cycles A..B-1 (first and last time stamps)
#   rtl.waves.<bench>.savefile   every signal of scripts/gtkwave/*.gtkw is found in the dump
#   rtl.waves.png                scripts/wave-png.sh renders a window of a dump to a PNG
# <bench> is cpp (rtlbench-i486) or sc (rtlbench-sc-i486). GTKWave runs under xvfb-run.
#
# The same file is the tests' script (cmake -P waves.cmake -DCHECK=...), section at the top.

# ---- script mode ----------------------------------------------------------------------------
if(CMAKE_SCRIPT_MODE_FILE)
  set(ENV{SYSTEMC_DISABLE_COPYRIGHT_MESSAGE} 1)
  file(REMOVE_RECURSE ${WORK})
  file(MAKE_DIRECTORY ${WORK})

  # Run the bench on TRACE with extra arguments; the lockstep cycle count goes to out_cycles.
  function(run_bench out_cycles)
    execute_process(COMMAND ${BENCH} --output=/dev/null ${ARGN} ${TRACE}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${BENCH} ${ARGN} ${TRACE}: exit ${rc}\n${out}${err}")
    endif()
    if(NOT err MATCHES "lockstep: [0-9]+ translations, [0-9]+ commands, 0 mismatches; ([0-9]+) cycles")
      message(FATAL_ERROR "${BENCH}: no lockstep summary:\n${err}")
    endif()
    set(${out_cycles} ${CMAKE_MATCH_1} PARENT_SCOPE)
  endfunction()

  # GTKWave loads FILE: exit 0, no parse error; an FST with signals (its loader exits non-zero
  # on a damaged file), a VCD that reaches a time after 0 (its loader is lenient).
  function(gtkwave_loads file ok why)
    execute_process(COMMAND ${XVFB_RUN} -a ${GTKWAVE} -x ${file}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(log "${out}${err}")
    set(${ok} FALSE PARENT_SCOPE)
    if(NOT rc EQUAL 0)
      set(${why} "gtkwave -x exited with ${rc}:\n${log}" PARENT_SCOPE)
    elseif(log MATCHES "[Ee]rror|Unknown VCD identifier|[Cc]ould not")
      set(${why} "gtkwave reported a problem:\n${log}" PARENT_SCOPE)
    elseif(file MATCHES "\\.fst$" AND NOT log MATCHES "FSTLOAD \\| Built [1-9][0-9]* signals")
      set(${why} "gtkwave found no signals:\n${log}" PARENT_SCOPE)
    elseif(file MATCHES "\\.vcd$" AND (NOT log MATCHES "\\[([0-9]+)\\] end time" OR CMAKE_MATCH_1 EQUAL 0))
      set(${why} "gtkwave found no time after 0:\n${log}" PARENT_SCOPE)
    else()
      set(${ok} TRUE PARENT_SCOPE)
    endif()
  endfunction()

  if(CHECK STREQUAL "load")
    # EXT fst or vcd: the bench writes it, GTKWave loads it, and a damaged copy fails the same
    # check (so the check means something).
    set(dump ${WORK}/run.${EXT})
    run_bench(cycles --wave ${dump})
    gtkwave_loads(${dump} ok why)
    if(NOT ok)
      message(FATAL_ERROR "${dump}: ${why}")
    endif()
    file(SIZE ${dump} size)
    if(EXT STREQUAL "fst")
      # the first half of the file: blocks and the trailing hierarchy are missing
      math(EXPR cut "${size} / 2")
    else()
      # the header cut in the middle of the variable declarations
      file(READ ${dump} text)
      string(FIND "${text}" "$var" first_var)
      math(EXPR cut "${first_var} + 3000")
    endif()
    execute_process(COMMAND head -c ${cut} ${dump} OUTPUT_FILE ${WORK}/broken.${EXT})
    gtkwave_loads(${WORK}/broken.${EXT} ok why)
    if(ok)
      message(FATAL_ERROR "the check passes a damaged copy too: ${WORK}/broken.${EXT}")
    endif()
    message(STATUS "${dump}: ${size} bytes, ${cycles} cycles; GTKWave loads it, not a damaged copy")
  elseif(CHECK STREQUAL "window")
    # The whole run, then cycles FROM..TO-1 only.
    run_bench(cycles --wave ${WORK}/all.fst)
    run_bench(cycles2 --wave ${WORK}/window.fst --wave-cycles ${FROM}:${TO})
    if(NOT cycles2 EQUAL cycles)
      message(FATAL_ERROR "the windowed run took ${cycles2} cycles, the whole run ${cycles}")
    endif()
    file(SIZE ${WORK}/all.fst all_size)
    file(SIZE ${WORK}/window.fst window_size)
    if(NOT window_size LESS all_size)
      message(FATAL_ERROR "the window (${window_size} bytes) is not smaller than the whole run (${all_size})")
    endif()
    execute_process(COMMAND ${FST2VCD} -f ${WORK}/window.fst -o ${WORK}/window.vcd
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "fst2vcd failed on ${WORK}/window.fst")
    endif()
    file(STRINGS ${WORK}/window.vcd stamps REGEX "^#[0-9]+$")
    list(LENGTH stamps n)
    if(n LESS 2)
      message(FATAL_ERROR "the window holds ${n} time stamps")
    endif()
    list(GET stamps 0 first)
    list(GET stamps 1 second)
    list(GET stamps -1 last)
    string(SUBSTRING ${first} 1 -1 first)
    string(SUBSTRING ${second} 1 -1 second)
    string(SUBSTRING ${last} 1 -1 last)
    # Both edges of every cycle are dumped: half a period between stamps. Lockstep cycle c
    # has its falling edge at (c + 2) periods and its rising edge half a period later (two
    # reset cycles first), so the window starts at the falling edge of cycle FROM and ends
    # at the rising edge of cycle TO-1.
    math(EXPR half "${second} - ${first}")
    math(EXPR want_first "${half} * 2 * (${FROM} + 2)")
    math(EXPR want_last "${half} * (2 * ${TO} + 3)")
    math(EXPR want_n "2 * (${TO} - ${FROM})")
    if(NOT first EQUAL want_first OR NOT last EQUAL want_last OR NOT n EQUAL want_n)
      message(FATAL_ERROR "--wave-cycles ${FROM}:${TO}: time stamps ${first}..${last} (${n}), "
                          "expected ${want_first}..${want_last} (${want_n}), half period ${half}")
    endif()
    message(STATUS "window ${FROM}:${TO}: ${window_size} of ${all_size} bytes, stamps ${first}..${last}")
  elseif(CHECK STREQUAL "savefile")
    # Each save file with the dump: as many signal traces as the save file names.
    run_bench(cycles --wave ${WORK}/run.fst)
    file(WRITE ${WORK}/count.tcl
"set n [gtkwave::getTotalNumTraces]
set s 0
for {set i 0} {$i < $n} {incr i} {
    if {([gtkwave::getTraceFlagsFromIndex $i] & 0x200) == 0} { incr s }
}
puts \"SIGNALS $s\"
gtkwave::/File/Quit
")
    foreach(save ${SAVEFILES})
      file(STRINGS ${save} named REGEX "^(\\+{[^}]*} )?top\\.") # a signal, maybe aliased
      list(LENGTH named want)
      execute_process(COMMAND ${XVFB_RUN} -a ${GTKWAVE} -a ${save} -S ${WORK}/count.tcl ${WORK}/run.fst
                      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      if(NOT rc EQUAL 0 OR NOT out MATCHES "SIGNALS ([0-9]+)")
        message(FATAL_ERROR "gtkwave -a ${save}: exit ${rc}\n${out}${err}")
      endif()
      if(NOT CMAKE_MATCH_1 EQUAL want)
        message(FATAL_ERROR "${save}: ${CMAKE_MATCH_1} of its ${want} signals found in the dump "
                            "(names top.mmu_top.*)")
      endif()
      if("${out}${err}" MATCHES "Could not open filter file")
        message(FATAL_ERROR "${save}: a translate filter file is missing\n${out}${err}")
      endif()
      message(STATUS "${save}: ${want} signals found")
    endforeach()
  elseif(CHECK STREQUAL "png")
    run_bench(cycles --wave ${WORK}/run.vcd)
    execute_process(COMMAND ${WAVE_PNG} ${WORK}/run.vcd 100 460 ${WORK}/run.png ${SAVEFILE}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/run.png)
      message(FATAL_ERROR "wave-png.sh: exit ${rc}\n${out}${err}")
    endif()
    file(SIZE ${WORK}/run.png size)
    file(READ ${WORK}/run.png magic LIMIT 8 HEX)
    if(NOT magic STREQUAL "89504e470d0a1a0a" OR size LESS 10000)
      message(FATAL_ERROR "${WORK}/run.png: not a PNG picture of a waveform (${size} bytes)")
    endif()
    message(STATUS "${WORK}/run.png: ${size} bytes")
  else()
    message(FATAL_ERROR "waves.cmake: unknown CHECK '${CHECK}'")
  endif()
  return()
endif()

# ---- the tests ------------------------------------------------------------------------------
find_program(GTKWAVE gtkwave)
find_program(XVFB_RUN xvfb-run)
find_program(FST2VCD fst2vcd)
find_program(IMPORT import)
if(NOT GTKWAVE OR NOT XVFB_RUN OR NOT FST2VCD)
  message(STATUS "gtkwave, xvfb-run or fst2vcd not found: no waveform tests")
  return()
endif()

set(wave_trace ${CMAKE_CURRENT_SOURCE_DIR}/wave-demo.mmt)
file(GLOB wave_savefiles ${CMAKE_SOURCE_DIR}/scripts/gtkwave/*.gtkw)
set(wave_benches cpp)
if(TARGET rtlbench-sc-i486)
  list(APPEND wave_benches sc)
endif()
foreach(bench ${wave_benches})
  if(bench STREQUAL "sc")
    set(exe $<TARGET_FILE:rtlbench-sc-i486>)
  else()
    set(exe $<TARGET_FILE:rtlbench-i486>)
  endif()
  set(args -DBENCH=${exe} -DTRACE=${wave_trace} -DGTKWAVE=${GTKWAVE} -DXVFB_RUN=${XVFB_RUN}
           -DFST2VCD=${FST2VCD})
  set(work ${CMAKE_CURRENT_BINARY_DIR}/waves-${bench})
  foreach(ext fst vcd)
    add_test(NAME rtl.waves.${bench}.${ext}-loads
             COMMAND ${CMAKE_COMMAND} ${args} -DCHECK=load -DEXT=${ext} -DWORK=${work}-${ext}
                     -P ${CMAKE_CURRENT_LIST_FILE})
  endforeach()
  add_test(NAME rtl.waves.${bench}.window
           COMMAND ${CMAKE_COMMAND} ${args} -DCHECK=window -DFROM=20 -DTO=40 -DWORK=${work}-window
                   -P ${CMAKE_CURRENT_LIST_FILE})
  add_test(NAME rtl.waves.${bench}.savefile
           COMMAND ${CMAKE_COMMAND} ${args} "-DSAVEFILES=${wave_savefiles}" -DCHECK=savefile
                   -DWORK=${work}-savefile -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(rtl.waves.${bench}.fst-loads rtl.waves.${bench}.vcd-loads
                       rtl.waves.${bench}.savefile PROPERTIES RESOURCE_LOCK xvfb)
endforeach()
if(IMPORT)  # exe: the last bench of the loop above
  add_test(NAME rtl.waves.png
           COMMAND ${CMAKE_COMMAND} -DBENCH=${exe} -DTRACE=${wave_trace} -DCHECK=png
                   -DWAVE_PNG=${CMAKE_SOURCE_DIR}/scripts/wave-png.sh
                   -DSAVEFILE=${CMAKE_SOURCE_DIR}/scripts/gtkwave/walk.gtkw
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/waves-png -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(rtl.waves.png PROPERTIES RESOURCE_LOCK xvfb)
endif()

# scripts/wave-activity.sh counts a dump's value changes and the bits they write, exactly (the wave
# demo's full VCD dump).
add_test(NAME rtl.waves.activity
  COMMAND bash -c "set -e; $<TARGET_FILE:rtlbench-i486> --no-summary --quiet --wave \"$1\" --output=/dev/null ${wave_trace} >/dev/null
                   scripts/wave-activity.sh \"$1\" 2 | diff - <(printf '%s\\n' '928 value changes, 13946 bits written, 281 signals' '        bits    changes  width  signal' '        1144          4    286  top.mmu_top.env' '         960         15     64  top.mem_resp_rdata')"
          activity ${CMAKE_BINARY_DIR}/rtl-waves-activity.vcd
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
