#include "common/fault.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

namespace signage::fault {
namespace {

using Pauses = std::map<std::string, std::chrono::milliseconds, std::less<>>;

// "point:ms,point:ms" from SIGNAGE_FAULT_PAUSE.
Pauses read_pauses() {
    Pauses out;
    const char* env = std::getenv("SIGNAGE_FAULT_PAUSE");
    if (env == nullptr) return out;
    const std::string_view text(env);
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find(',', begin);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view entry = text.substr(begin, end - begin);
        begin = end + 1;
        const std::size_t colon = entry.rfind(':');
        char* rest = nullptr;
        const std::string ms =
            colon == std::string_view::npos ? std::string() : std::string(entry.substr(colon + 1));
        const long long value = ms.empty() ? -1 : std::strtoll(ms.c_str(), &rest, 10);
        if (colon == 0 || value < 0 || (rest != nullptr && *rest != '\0')) {
            spdlog::warn("fault: SIGNAGE_FAULT_PAUSE entry \"{}\" is not POINT:MILLISECONDS",
                         entry);
            continue;
        }
        out[std::string(entry.substr(0, colon))] = std::chrono::milliseconds(value);
    }
    return out;
}

}  // namespace

void pause(std::string_view point) {
    static const Pauses pauses = read_pauses();
    if (pauses.empty()) return;
    const auto it = pauses.find(point);
    if (it == pauses.end()) return;
    std::printf("fault: paused at %.*s\n", static_cast<int>(point.size()), point.data());
    std::fflush(stdout);
    spdlog::warn("fault: paused at {} for {} ms (SIGNAGE_FAULT_PAUSE)", point, it->second.count());
    std::this_thread::sleep_for(it->second);
}

}  // namespace signage::fault
