# Debian's hardening flags (as dpkg-buildflags gives them with
# hardening=+all), for every target of the project; signage_target_defaults
# applies them, so each library and program gets them:
#   - position-independent executables (PIE), so ASLR moves the program too;
#   - -fstack-protector-strong;
#   - -D_FORTIFY_SOURCE=2 in optimised builds only (it needs optimisation to
#     do anything, and it is left out under the sanitizers, whose own
#     interceptors check the same calls);
#   - -Wl,-z,relro,-z,now: relocations read-only and bound at start.
# tests/package/run fails when lintian or hardening-check finds a packaged
# program without them.
include(CheckPIESupported)
check_pie_supported(LANGUAGES C CXX)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

function(signage_target_hardening target)
  target_compile_options(${target} PRIVATE -fstack-protector-strong)
  if(NOT SIGNAGE_SANITIZE)
    # -U first: some compilers define it already, and a redefinition warns.
    target_compile_options(${target} PRIVATE
      $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-U_FORTIFY_SOURCE>
      $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-D_FORTIFY_SOURCE=2>)
  endif()
  target_link_options(${target} PRIVATE LINKER:-z,relro LINKER:-z,now)
endfunction()
