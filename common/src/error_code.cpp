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

namespace {
constexpr std::array<std::string_view, 1
#define SIGNAGE_REASON_COUNT(reason, params, meaning) +1
                     SIGNAGE_ERROR_REASONS(SIGNAGE_REASON_COUNT)
#undef SIGNAGE_REASON_COUNT
                     >
    kReasons = {"",
#define SIGNAGE_REASON_NAME(reason, params, meaning) #reason,
                SIGNAGE_ERROR_REASONS(SIGNAGE_REASON_NAME)
#undef SIGNAGE_REASON_NAME
};
}  // namespace

std::string_view error_reason_name(ErrorReason reason) {
    return kReasons.at(static_cast<std::size_t>(reason));
}

std::span<const std::string_view> error_reason_names() {
    return std::span<const std::string_view>(kReasons).subspan(1);
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
    return out << error_code_name(code);
}

}  // namespace signage
