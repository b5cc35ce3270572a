#include "common/error_code.hpp"

#include <array>
#include <ostream>

namespace signage {

namespace {

struct Entry {
    std::string_view name;
    int status;
};

constexpr std::array kTable = {
#define SIGNAGE_ERROR_ENTRY(code, status, meaning) Entry{#code, status},
    SIGNAGE_ERROR_CODES(SIGNAGE_ERROR_ENTRY)
#undef SIGNAGE_ERROR_ENTRY
};

}  // namespace

std::string_view error_code_name(ErrorCode code) {
    return kTable.at(static_cast<std::size_t>(code)).name;
}

int error_code_status(ErrorCode code) {
    return kTable.at(static_cast<std::size_t>(code)).status;
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kTable.size(); ++i) {
        if (kTable[i].name == name) return static_cast<ErrorCode>(i);
    }
    return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
    return out << error_code_name(code);
}

}  // namespace signage
