#include "ferrum/version.h"

namespace ferrum {

// FERRUM_VERSION comes from the CMake project version (src/CMakeLists.txt).
const char* version() { return FERRUM_VERSION; }

} // namespace ferrum
