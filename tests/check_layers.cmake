# SPDX-License-Identifier: MIT
# The library's modules form layers, each using only the ones below it:
#   core -> calendar, erlang -> engine -> stats -> snapshot, forecast, schedule
#        -> config -> sim -> plan
# An #include of another module's private header ("engine/internal.h") or of a
# public header (include/omniq/) that belongs to a module above the includer
# fails this test (docs/design.md), in lib/ and in the public headers alike. There are no exceptions: the engine feeds
# the statistics through the table it is given at creation (engine/observer.h),
# and the snapshot module reads the statistics' own header (stats/persist.h).
# Run: cmake -DROOT=<source dir> -P check_layers.cmake
cmake_policy(SET CMP0057 NEW)
set(rank_core 0)
set(rank_calendar 1)
set(rank_erlang 1)
set(rank_engine 2)
set(rank_stats 3)
set(rank_snapshot 4)
set(rank_journal 4)
set(rank_forecast 4)
set(rank_schedule 4)
set(rank_config 5)
set(rank_sim 6)
set(rank_plan 7)
# public header -> module
set(header_core core export)
set(header_engine engine model contact escalation profile journal)
set(header_stats stats)
set(header_erlang erlang)
set(header_snapshot snapshot)
set(header_config config)
set(header_calendar calendar)
set(header_forecast forecast)
set(header_schedule schedule schedule_cbc)
set(header_plan plan)

set(header_sim sim scenario)

set(modules core calendar erlang engine stats snapshot journal forecast schedule config sim plan)

# The engine's private headers that modules above it may include, and which
# modules may (docs/design.md, "What modules above the engine see"); any other
# engine/ header is the engine's alone.
set(engine_header_internal stats snapshot) # its whole private interface: the observer and the snapshot
set(engine_header_types stats snapshot config) # the data layout, read-only (the configuration dump)
set(engine_header_fail stats snapshot config) # the last-error setter (scripts)
set(engine_header_observer stats) # the table the statistics give the engine
set(engine_header_journal stats journal) # record codes and layout: the encoder's users, the replayer
set(bad "")

# The module an #include "inc" reaches ("" for a system or unknown header).
function(included_module inc out)
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
      if(target STREQUAL "")
        set(target "?${h}")
      endif()
    endif()
  elseif(inc MATCHES "^([a-z_-]+)/")
    set(target "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${target}" PARENT_SCOPE)
endfunction()

# Check every #include "..." of file f, which belongs to module mod.
macro(check_file f mod)
  file(STRINGS "${f}" lines REGEX "^#include \"")
  foreach(line ${lines})
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" inc "${line}")
    included_module("${inc}" target)
    if(target STREQUAL "" OR target STREQUAL ${mod})
      continue()
    endif()
    file(RELATIVE_PATH rel "${ROOT}" "${f}")
    if(target STREQUAL "engine" AND inc MATCHES "^engine/([a-z_]+)\\.h$")
      if(NOT DEFINED engine_header_${CMAKE_MATCH_1} OR NOT ${mod} IN_LIST engine_header_${CMAKE_MATCH_1})
        list(APPEND bad "${rel}: ${mod} includes ${inc}, a private header of the engine not declared for ${mod}")
      endif()
    endif()
    if(NOT DEFINED rank_${target})
      list(APPEND bad "${rel}: includes ${inc}, of no known module (map its header above)")
    elseif(rank_${target} GREATER rank_${mod} OR
           (rank_${target} EQUAL rank_${mod} AND NOT target STREQUAL ${mod}))
      list(APPEND bad "${rel}: ${mod} includes ${inc} (${target}), a module above it")
    endif()
  endforeach()
endmacro()

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
    check_file("${f}" ${mod})
  endforeach()
endforeach()

# The public headers too: a header may include only headers of its own
# module or of modules below it (omniq.h, the umbrella, includes them all).
file(GLOB headers "${ROOT}/include/omniq/*.h")
foreach(f ${headers})
  get_filename_component(h "${f}" NAME_WE)
  if(h STREQUAL "omniq")
    continue()
  endif()
  included_module("omniq/${h}.h" mod)
  if(mod MATCHES "^\\?")
    list(APPEND bad "include/omniq/${h}.h: a public header of no module (map it above)")
    continue()
  endif()
  check_file("${f}" ${mod})
endforeach()
if(bad)
  list(REMOVE_DUPLICATES bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "includes against the layer order:\n  ${text}")
endif()
message(STATUS "every include follows the layer order")
