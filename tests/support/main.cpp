// Catch2 v2 needs its main compiled in one translation unit; v3 links Catch2WithMain.
#if HUBWIRE_CATCH_MAJOR == 2
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
