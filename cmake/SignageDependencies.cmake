# Every dependency is a Debian 12 package; scripts/setup installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(SQLiteCpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SDL2 REQUIRED)
find_package(SDL2_ttf REQUIRED)
find_package(SDL2_image REQUIRED)
find_package(CURL REQUIRED)
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# libpq (libpq-dev): the server's PostgreSQL backend.
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# libcsv (libcsv-dev) has no pkg-config file.
find_library(CSV_LIBRARY csv REQUIRED)
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# FFmpeg's libraries (libavformat-dev, libavcodec-dev, libswscale-dev): films (the
# player plays them; the server probes uploads and draws their poster frames).
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil libswscale libswresample)
# libyuv (libyuv-dev) has no pkg-config file: a film drawn straight onto the
# software renderer's screen is cropped or scaled with it.
find_library(YUV_LIBRARY yuv REQUIRED)
find_path(YUV_INCLUDE_DIR libyuv.h REQUIRED)
if(SIGNAGE_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
