# Finds hubwire's dependencies the way package managers and Debian provide them.
# Used by hubwire's own build and, installed, by hubwireConfig.cmake.
include(CMakeFindDependencyMacro)

# Standalone Asio: vcpkg and Conan ship a CMake config (asio::asio); Debian's
# libasio-dev ships only headers.
if(NOT TARGET hubwire::asio)
  find_package(asio CONFIG QUIET)
  add_library(hubwire::asio INTERFACE IMPORTED)
  if(TARGET asio::asio)
    target_link_libraries(hubwire::asio INTERFACE asio::asio)
  else()
    find_path(HUBWIRE_ASIO_INCLUDE_DIR asio.hpp REQUIRED)
    find_package(Threads REQUIRED)
    target_include_directories(hubwire::asio INTERFACE ${HUBWIRE_ASIO_INCLUDE_DIR})
    target_link_libraries(hubwire::asio INTERFACE Threads::Threads)
  endif()
  target_compile_definitions(hubwire::asio INTERFACE ASIO_NO_DEPRECATED)
endif()

find_dependency(OpenSSL 1.1.1)

# Boost.JSON as a compiled library (Debian, vcpkg, Conan all provide Boost::json).
if(NOT TARGET Boost::json)
  find_dependency(Boost 1.81 CONFIG COMPONENTS json)
endif()
