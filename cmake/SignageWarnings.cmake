# signage_target_defaults(<target>): the warning set, -Werror, the hardening
# flags (cmake/SignageHardening.cmake) and sanitizers every target of the
# project gets. Call it on each library and program.
function(signage_target_defaults target)
  signage_target_hardening(${target})
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(SIGNAGE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(SIGNAGE_SANITIZE)
    target_compile_options(${target} PRIVATE
      -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
