# SPDX-License-Identifier: MIT
# The library's modules form layers, each using only the ones below it:
#   core -> calendar, erlang -> engine -> stats -> snapshot, forecast, schedule
#        -> config -> sim -> plan
# An #include of another module's private header ("engine/internal.h") or of a
# public header (include/omniq/) that belongs to a module above the includer
# fails this test (docs/design.md). `allowed` lists the edges that still go
# upward until the journal's encoder moves into the engine and the statistics
# hook becomes a table the engine is given (issue #18); the test also fails
# when one of them is gone, so the list only shrinks.
# Run: cmake -DROOT=<source dir> -P check_layers.cmake
cmake_policy(SET CMP0057 NEW)
set(rank_core 0)
set(rank_calendar 1)
set(rank_erlang 1)
set(rank_engine 2)
set(rank_stats 3)
set(rank_snapshot 4)
set(rank_forecast 4)
set(rank_schedule 4)
set(rank_config 5)
set(rank_sim 6)
set(rank_plan 7)
# public header -> module
set(header_core core export)
set(header_engine engine model contact escalation profile)
set(header_stats stats)
set(header_erlang erlang)
set(header_snapshot snapshot)
set(header_config config)
set(header_sim sim)
set(header_calendar calendar)
set(header_forecast forecast)
set(header_schedule schedule schedule_cbc)
set(header_plan plan)
set(allowed
  "engine -> snapshot/journal.h"
  "engine -> omniq/snapshot.h"
  "engine -> stats/hook.h"
  "stats -> snapshot/journal.h"
  "stats -> snapshot/persist.h")

set(modules core calendar erlang engine stats snapshot forecast schedule config sim plan)
set(bad "")
set(seen "")
file(GLOB dirs LIST_DIRECTORIES true "${ROOT}/lib/*")
foreach(dir ${dirs})
  if(NOT IS_DIRECTORY "${dir}")
    continue()
  endif()
  get_filename_component(mod "${dir}" NAME)
  if(NOT DEFINED rank_${mod})
    list(APPEND bad "lib/${mod}: a module with no place in the layer order (add it here and to docs/design.md)")
    continue()
  endif()
  file(GLOB_RECURSE srcs "${dir}/*.c" "${dir}/*.h")
  foreach(f ${srcs})
    file(STRINGS "${f}" lines REGEX "^#include \"")
    foreach(line ${lines})
      string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" inc "${line}")
      set(target "")
      if(inc MATCHES "^omniq/([a-z_]+)\\.h$")
        set(h "${CMAKE_MATCH_1}")
        if(h STREQUAL "omniq")
          set(target plan) # the umbrella header reaches every module
        else()
          foreach(m ${modules})
            if(DEFINED header_${m} AND h IN_LIST header_${m})
              set(target ${m})
            endif()
          endforeach()
        endif()
      elseif(inc MATCHES "^([a-z_-]+)/")
        set(target "${CMAKE_MATCH_1}")
      endif()
      if(target STREQUAL "" OR target STREQUAL mod)
        continue()
      endif()
      if(NOT DEFINED rank_${target})
        list(APPEND bad "${f}: includes ${inc}, of no known module")
      elseif(rank_${target} GREATER rank_${mod} OR
             (rank_${target} EQUAL rank_${mod} AND NOT target STREQUAL mod))
        if("${mod} -> ${inc}" IN_LIST allowed)
          list(APPEND seen "${mod} -> ${inc}")
        else()
          file(RELATIVE_PATH rel "${ROOT}" "${f}")
          list(APPEND bad "${rel}: ${mod} includes ${inc} (${target}), a module above it")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()
foreach(a ${allowed})
  if(NOT a IN_LIST seen)
    list(APPEND bad "'${a}' no longer happens: remove it from the allowed list")
  endif()
endforeach()
if(bad)
  list(REMOVE_DUPLICATES bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "includes against the layer order:\n  ${text}")
endif()
list(LENGTH allowed n)
message(STATUS "every include follows the layer order (${n} known upward edges remain)")
