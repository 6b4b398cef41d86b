// Feeds every file of the directories (or files) named on the command line through the
// fuzz target's entry point, so a build without libFuzzer (g++) still checks that the
// committed corpus and every past crash pass. A failing input aborts, like under
// libFuzzer; the input's path is printed first so the failure names it.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::size_t count = 0;
  auto run = [&](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::printf("replay %s (%zu bytes)\n", p.c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++count;
  };
  for (int i = 1; i < argc; ++i) {
    const fs::path root(argv[i]);
    if (fs::is_regular_file(root)) run(root);
    else if (fs::is_directory(root))
      for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) run(e.path());
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
