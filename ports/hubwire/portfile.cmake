# Overlay port: vcpkg install hubwire --overlay-ports=<hubwire>/ports
# Builds from the checkout this port lives in (set HUBWIRE_SOURCE to override); a
# registry port would use vcpkg_from_github with a release tag and SHA512 instead.
if(DEFINED ENV{HUBWIRE_SOURCE})
  set(SOURCE_PATH "$ENV{HUBWIRE_SOURCE}")
else()
  get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
endif()

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DHUBWIRE_BUILD_TESTS=OFF
    -DHUBWIRE_BUILD_EXAMPLES=OFF
    -DHUBWIRE_BUILD_BENCH=OFF
    -DHUBWIRE_BUILD_FUZZ=OFF
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME hubwire CONFIG_PATH lib/cmake/hubwire)

# Header-only: nothing in lib/ or debug/.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")
set(VCPKG_POLICY_EMPTY_INCLUDE_FOLDER disabled)
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
