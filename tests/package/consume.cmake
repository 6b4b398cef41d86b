# Script mode: the steps a user takes, each failing the test on error.
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
# Configure hubwire alone (no tests, no examples), as a package manager does.
step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/hubwire -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
     -DHUBWIRE_BUILD_TESTS=OFF -DHUBWIRE_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX=${prefix})
step(${CMAKE_COMMAND} --install ${WORK_DIR}/hubwire)
if(NOT EXISTS ${prefix}/include/hubwire/hubwire.hpp)
  message(FATAL_ERROR "install tree lacks include/hubwire/hubwire.hpp")
endif()
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/consumer
     -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix})
step(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
step(${WORK_DIR}/consumer/consumer)
