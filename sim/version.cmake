# Writes version.hpp for the commit checked out in SOURCE_DIR, "-dirty" when
# files differ from it. Run at every build (target foliosim_version), so an
# incremental build never names an older commit; configure_file leaves the
# header untouched when nothing changed, so nothing recompiles for it.
set(FOLIOSIM_GIT_SUFFIX "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE result)
  if(result EQUAL 0 AND commit)
    set(FOLIOSIM_GIT_SUFFIX "+g${commit}")
    execute_process(COMMAND ${GIT_EXECUTABLE} diff --quiet HEAD --
                    WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE changed ERROR_QUIET)
    if(NOT changed EQUAL 0)
      string(APPEND FOLIOSIM_GIT_SUFFIX "-dirty")
    endif()
  endif()
endif()
configure_file(${SOURCE_DIR}/sim/version.hpp.in ${OUTPUT} @ONLY)
