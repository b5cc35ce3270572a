#pragma once
// Shared pieces of the server integration tests: images made on the fly, a
// server with one account per role, and slide shortcuts.

#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/server_fixture.hpp"

namespace signage::test {

// A real PNG / JPEG of w x h pixels; `seed` varies the content (and so the sha256).
std::string make_png(int width, int height, int seed = 0);
std::string make_jpeg(int width, int height, int seed = 0);

// {"type": "text", "title": title, "body": body, "duration_s": 8}
nlohmann::json text_slide(const std::string& title,
                          const std::string& body = "文明出行，礼让斑马线。");

// The error's "field" and "code" of a JSON error response ("" when absent).
std::string error_field(const HttpResponse& res);
std::string error_code(const HttpResponse& res);

// A running server with signed-in accounts: admin, editor and reviewer.
struct Staff {
    explicit Staff(ServerOptions options = {});
    ServerFixture server;
    HttpClient admin;
    HttpClient editor;
    HttpClient reviewer;

    // Created by the editor, submitted and approved by the reviewer: its id.
    std::string approved_slide(const nlohmann::json& slide);
    // POST /api/v1/publish as the reviewer: the response JSON.
    nlohmann::json publish();
};

}  // namespace signage::test
