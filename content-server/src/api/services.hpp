#pragma once
// What the route handlers work with. Owned by the Server; outlives every request.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "screens/device_quota.hpp"

namespace signage::server {

class MediaStore;
class Authenticator;
class AccountService;
class ScreenService;
class SlideService;
class Publisher;
class ManifestHub;
class GroupService;
class QuizService;
class PairingService;
class ScreenshotRequests;
class PreviewService;
class PlayReports;
class Metrics;
class AlertService;
class OrderService;
class Converter;
class Store;
class UnitService;

// Screen health settings (signage-server flags).
struct HealthConfig {
    // A screen is offline once this many of its heartbeats are missing
    // (--offline-after-missed).
    int offline_after_missed = 3;
    std::uint64_t max_screenshot_bytes = 8u << 20;  // --max-screenshot-bytes
    // How long a screen has to answer a screenshot request
    // (--screenshot-timeout-seconds).
    std::chrono::seconds screenshot_timeout{15};
    bool metrics_enabled = true;  // --no-metrics turns GET /metrics off
    // What one screen may send in an hour (--max-plays-per-hour, ...).
    DeviceQuotaLimits quota;
};

struct Services {
    MediaStore& media;
    Authenticator& auth;
    AccountService& accounts;
    ScreenService& screens;
    SlideService& slides;
    Publisher& publisher;
    ManifestHub& hub;
    GroupService& groups;
    QuizService& quiz;
    PairingService& pairing;
    ScreenshotRequests& screenshots;
    PreviewService& preview;
    PlayReports& plays;
    std::filesystem::path console_dir;  // static files of the admin console
    Metrics& metrics;
    HealthConfig health;
    AlertService& alerts;
    OrderService& orders;
    Converter& converter;  // films to the groups' screen profiles
    Store& store;          // GET /api/v1/health asks it whether the database answers
    std::string instance;  // --instance-name
    UnitService& units;
};

}  // namespace signage::server
