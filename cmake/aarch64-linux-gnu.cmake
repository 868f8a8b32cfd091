# Cross-compiling for 64-bit Raspberry Pi OS (arm64 Debian) with Debian's cross compiler and
# the :arm64 development packages installed through multiarch (scripts/cross-arm64 sets them up).
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Multiarch puts the arm64 libraries under /usr/lib/aarch64-linux-gnu of this very system, so
# the "root" to search is / itself; programs (cmake's own tools) always come from the host.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must read the arm64 .pc files only, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# CTest runs the arm64 test programs through qemu-user. With multiarch the arm64 loader and
# libraries live in the host's own /lib and /usr/lib/aarch64-linux-gnu, so no -L is needed.
find_program(PRIKBORD_QEMU_AARCH64 qemu-aarch64)
if(PRIKBORD_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${PRIKBORD_QEMU_AARCH64})
endif()
