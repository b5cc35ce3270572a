#pragma once
// What the route handlers work with. Owned by the Server; outlives every request.

#include <filesystem>

namespace signage::server {

class Store;
class MediaStore;
class Authenticator;
class SlideService;
class Publisher;
class ManifestHub;
class GroupService;
class QuizService;
class PairingService;
class PreviewService;
class PlayReports;

struct Services {
    Store& store;
    MediaStore& media;
    Authenticator& auth;
    SlideService& slides;
    Publisher& publisher;
    ManifestHub& hub;
    GroupService& groups;
    QuizService& quiz;
    PairingService& pairing;
    PreviewService& preview;
    PlayReports& plays;
    std::filesystem::path console_dir;  // static files of the admin console
};

}  // namespace signage::server
