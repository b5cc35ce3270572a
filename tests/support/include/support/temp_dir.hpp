#pragma once
// A fresh, unique directory under the system's temporary directory, removed
// with everything in it when the TempDir is destroyed.

#include <filesystem>
#include <string>
#include <string_view>

namespace signage::test {

class TempDir {
  public:
    // Creates "<tmp>/<prefix>-XXXXXX"; throws std::runtime_error when it cannot.
    explicit TempDir(std::string_view prefix = "signage-test");
    ~TempDir();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& relative) const {
        return path_ / relative;
    }

    // Leaves the directory behind (to look at after a failing test).
    void keep() { keep_ = true; }

  private:
    std::filesystem::path path_;
    bool keep_ = false;
};

// Writes `bytes` to `path` (creating parent directories); throws on failure.
void write_text_file(const std::filesystem::path& path, std::string_view bytes);
// Reads a whole file; throws on failure.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace signage::test
