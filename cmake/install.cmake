# `cmake --install BUILD --prefix PREFIX` puts under PREFIX: include/ferrum/*.h, the
# library, a CMake package (find_package(ferrum) -> ferrum::ferrum, with a version
# file) and lib/pkgconfig/ferrum.pc. Only the library is installed: the tools, the
# demo game and the viewer are this repository's own.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FERRUM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ferrum)
install(TARGETS ferrum EXPORT ferrumTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ferrum DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ferrumTargets NAMESPACE ferrum:: DESTINATION ${FERRUM_CMAKE_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/THIRD_PARTY_NOTICES.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ferrum)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ferrumConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ferrumConfig.cmake INSTALL_DESTINATION ${FERRUM_CMAKE_DIR})
# 0.x: a minor version may change the API, so only the same minor is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ferrumConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ferrumConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/ferrumConfigVersion.cmake
  DESTINATION ${FERRUM_CMAKE_DIR})

# pkg-config: a static libferrum.a carries its private dependencies to the final link,
# so they are Requires there; a shared one keeps them private.
get_target_property(FERRUM_LIBRARY_TYPE ferrum TYPE)
if(FERRUM_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(FERRUM_PC_REQUIRES "bullet libenet fmt")
  set(FERRUM_PC_REQUIRES_PRIVATE "")
else()
  set(FERRUM_PC_REQUIRES "bullet")
  set(FERRUM_PC_REQUIRES_PRIVATE "libenet fmt")
endif()
file(RELATIVE_PATH FERRUM_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p") # "../.." for lib/
configure_file(${CMAKE_CURRENT_LIST_DIR}/ferrum.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ferrum.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ferrum.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
