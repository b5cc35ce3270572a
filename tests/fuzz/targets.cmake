# The fuzz targets and what each links, for the fuzz build and the replay tests.
set(SIGNAGE_FUZZ_TARGETS slide manifest quiz_csv claim heartbeat plays http_request range image)

function(signage_fuzz_target_libs exe target)
  if(target MATCHES "^(http_request|range|image)$")
    target_link_libraries(${exe} PRIVATE signage_server_http)
    if(target STREQUAL "image")
      target_link_libraries(${exe} PRIVATE SDL2::SDL2 SDL2_image::SDL2_image)
    endif()
  else()
    target_link_libraries(${exe} PRIVATE signage::protocol nlohmann_json::nlohmann_json)
  endif()
endfunction()
