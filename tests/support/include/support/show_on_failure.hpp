#pragma once
// Shows a file (a child's log) or any text when an assertion fails while it is
// in scope, read at the moment of the failure: Catch's INFO evaluates its
// message when it is declared, so `INFO(read(log))` shows the log as it was
// before the test ran, usually empty.
//
//   ShowOnFailure shown("player log", dir / "player.log");
//   REQUIRE(wait_until(...));   // on failure: the log's last lines as they are now
//
// Each one is printed once per failing test case (at its first failed
// assertion), to standard error, its last `max_bytes`. The listener that
// prints them is in tests/catch_main.cpp. Main thread only, like Catch itself.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace signage::test {

class ShowOnFailure {
  public:
    ShowOnFailure(std::string label, std::function<std::string()> text,
                  std::size_t max_bytes = 16 * 1024)
        : label_(std::move(label)), text_(std::move(text)), max_bytes_(max_bytes) {
        registry().push_back(this);
    }
    ShowOnFailure(std::string label, const std::filesystem::path& file,
                  std::size_t max_bytes = 16 * 1024)
        : ShowOnFailure(
              std::move(label), [file] { return read_file(file); }, max_bytes) {}
    ~ShowOnFailure() { std::erase(registry(), this); }
    ShowOnFailure(const ShowOnFailure&) = delete;
    ShowOnFailure& operator=(const ShowOnFailure&) = delete;

    // What to print now: the label and the text's tail.
    std::string render() const {
        std::string text = text_();
        std::string head = "---- " + label_;
        if (text.size() > max_bytes_) {
            head += " (last " + std::to_string(max_bytes_) + " of " + std::to_string(text.size()) +
                    " bytes)";
            text.erase(0, text.size() - max_bytes_);
        }
        if (text.empty()) text = "(empty)\n";
        if (text.back() != '\n') text += '\n';
        return head + " ----\n" + text + "---- end of " + label_ + " ----\n";
    }

    bool shown = false;  // printed already in this test case

    // Every ShowOnFailure in scope, oldest first.
    static std::vector<ShowOnFailure*>& registry() {
        static std::vector<ShowOnFailure*> all;
        return all;
    }

  private:
    static std::string read_file(const std::filesystem::path& file) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            // Built piece by piece: GCC 12 at -O3 reports a false -Wrestrict
            // for "(" + path + "...".
            std::string missing = "(";
            missing += file.string();
            missing += " does not exist)\n";
            return missing;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    std::string label_;
    std::function<std::string()> text_;
    std::size_t max_bytes_;
};

}  // namespace signage::test
