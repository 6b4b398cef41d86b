from conan import ConanFile
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy
import os


class HubwireConan(ConanFile):
    name = "hubwire"
    version = "0.1.0"
    license = "MIT"
    description = ("Header-only C++20 toolkit for Azure IoT Hub cloud-to-device protocols: "
                   "MQTT 3.1.1, AMQP 1.0, SAS/CBS, HTTPS, and a local hub emulator")
    topics = ("azure", "iot-hub", "mqtt", "amqp", "asio", "header-only")
    settings = "os", "arch", "compiler", "build_type"
    exports_sources = "CMakeLists.txt", "cmake/*", "include/*", "LICENSE"
    no_copy_source = True
    package_type = "header-library"

    def requirements(self):
        self.requires("asio/[>=1.22 <2]")
        self.requires("openssl/[>=1.1.1 <4]")
        self.requires("boost/[>=1.81]")

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        tc = CMakeToolchain(self)
        tc.variables["HUBWIRE_BUILD_TESTS"] = False
        tc.variables["HUBWIRE_BUILD_EXAMPLES"] = False
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()

    def package_id(self):
        self.info.clear()

    def package_info(self):
        # Consumers use hubwire's own exported config (hubwire::hubwire).
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.builddirs.append(os.path.join("lib", "cmake", "hubwire"))
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
