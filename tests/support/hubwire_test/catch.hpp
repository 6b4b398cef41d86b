#ifndef HUBWIRE_TEST_CATCH_HPP
#define HUBWIRE_TEST_CATCH_HPP

// The one place that knows whether this is Catch2 v2 (Debian) or v3 (vcpkg, Conan).
#if HUBWIRE_CATCH_MAJOR >= 3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif
