#include "store/records.hpp"

#include <chrono>
#include <ctime>

#include "common/sha256.hpp"

namespace signage::server {

std::string revision_of(std::string_view json) {
    return sha256_hex(json).substr(0, 12);
}

std::string revision_of(const SlideRecord& slide) {
    return revision_of(slide.json);
}

std::string_view to_string(Role role) {
    switch (role) {
        case Role::admin:
            return "admin";
        case Role::editor:
            return "editor";
        case Role::reviewer:
            return "reviewer";
    }
    return "editor";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "admin") return Role::admin;
    if (text == "editor") return Role::editor;
    if (text == "reviewer") return Role::reviewer;
    return std::nullopt;
}

std::string_view to_string(OrderStatus status) {
    switch (status) {
        case OrderStatus::none:
            return "none";
        case OrderStatus::pending:
            return "pending";
        case OrderStatus::rejected:
            return "rejected";
    }
    return "none";
}

std::string_view to_string(SlideStatus status) {
    switch (status) {
        case SlideStatus::draft:
            return "draft";
        case SlideStatus::pending:
            return "pending";
        case SlideStatus::approved:
            return "approved";
        case SlideStatus::rejected:
            return "rejected";
        case SlideStatus::published:
            return "published";
        case SlideStatus::withdrawn:
            return "withdrawn";
    }
    return "draft";
}

std::optional<SlideStatus> parse_slide_status(std::string_view text) {
    if (text == "draft") return SlideStatus::draft;
    if (text == "pending") return SlideStatus::pending;
    if (text == "approved") return SlideStatus::approved;
    if (text == "rejected") return SlideStatus::rejected;
    if (text == "published") return SlideStatus::published;
    if (text == "withdrawn") return SlideStatus::withdrawn;
    return std::nullopt;
}

std::string now_iso8601() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

std::int64_t now_unix() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::int64_t now_unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace signage::server
