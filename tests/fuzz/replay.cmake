# Every fuzz target, built without libFuzzer, replays its corpus as a ctest
# test (fuzz_corpus_<target>): the seeds and every input that once failed.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
add_library(signage_fuzz_replay_main STATIC ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
target_link_libraries(signage_fuzz_replay_main PRIVATE signage::common)
signage_target_defaults(signage_fuzz_replay_main)
foreach(target ${SIGNAGE_FUZZ_TARGETS})
  add_executable(replay_${target} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${target}.cpp)
  target_link_libraries(replay_${target} PRIVATE signage_fuzz_replay_main)
  signage_fuzz_target_libs(replay_${target} ${target})
  signage_target_defaults(replay_${target})
  add_test(NAME fuzz_corpus_${target}
           COMMAND replay_${target} ${CMAKE_CURRENT_LIST_DIR}/corpus/${target})
  set_tests_properties(fuzz_corpus_${target} PROPERTIES LABELS fuzz)
endforeach()
