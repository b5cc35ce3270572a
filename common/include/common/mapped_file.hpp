#pragma once
// A file's bytes mapped read-only into memory: read like a string, paged in
// by the kernel as they are touched, never copied onto the heap. For large
// uploads spooled to disk.

#include <filesystem>
#include <string_view>

#include "common/result.hpp"

namespace signage {

class MappedFile {
  public:
    // "io" when the file cannot be opened or mapped. An empty file maps to
    // no bytes.
    static Result<MappedFile> open(const std::filesystem::path& path);

    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    std::string_view bytes() const { return {data_, size_}; }

  private:
    MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
    const char* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace signage
