#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client.hpp"
#include "common/json_input.hpp"
#include "common/url.hpp"
#include "session.hpp"

using nlohmann::json;

namespace signage::ctl {

namespace {

struct Globals {
    std::string server;
    std::string token;
    bool json_output = false;
    std::string unit;  // --unit: the unit lists show and new records belong to
};

// `path` with the unit of --unit as its `unit` query parameter, if one is given.
std::string in_unit(const Globals& g, std::string path) {
    if (g.unit.empty()) return path;
    path += path.find('?') == std::string::npos ? "?unit=" : "&unit=";
    return path + g.unit;
}

// The client for a command: --server/--token (or SIGNAGE_SERVER/SIGNAGE_TOKEN),
// else the saved session.
Client connect(const Globals& g) {
    const auto session = load_session();
    std::string server = g.server;
    std::string token = g.token;
    if (server.empty() && session) server = session->server;
    if (token.empty() && session && session->server == server) token = session->token;
    if (server.empty()) {
        throw CtlError(kUsage, "no server: sign in with `signagectl login` or give --server");
    }
    if (token.empty()) {
        throw CtlError(kUsage, "not signed in: run `signagectl login` or give --token");
    }
    return Client(server, token);
}

std::string read_input(const std::string& file) {
    std::ostringstream bytes;
    if (file == "-") {
        bytes << std::cin.rdbuf();
        return bytes.str();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CtlError(kUsage, "cannot read " + file);
    bytes << in.rdbuf();
    return bytes.str();
}

std::string text_of(const json& v) {
    if (v.is_null()) return "-";
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string field_of(const json& obj, const char* key) {
    return obj.is_object() && obj.contains(key) ? text_of(obj[key]) : std::string("-");
}

// Columns on a terminal: wide (CJK, fullwidth) characters take two.
std::size_t display_width(const std::string& s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 1;
        char32_t cp = c;
        if (c >= 0xF0) {
            len = 4;
            cp = c & 0x07u;
        } else if (c >= 0xE0) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xC0) {
            len = 2;
            cp = c & 0x1Fu;
        }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        }
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                          (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                          (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        width += wide ? 2 : 1;
        i += len;
    }
    return width;
}

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size(), 0);
    auto measure = [&widths](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(header);
    for (const auto& row : rows) measure(row);
    auto print_row = [&widths](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
        std::cout << line << '\n';
    };
    print_row(header);
    for (const auto& row : rows) print_row(row);
}

void print_json(const json& j) {
    std::cout << j.dump(2) << '\n';
}

json items_of(const json& body, const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_array() ? body[key]
                                                                          : json::array();
}

// --- commands ---------------------------------------------------------------

void cmd_login(const Globals& g, const std::string& user, const std::string& password_file) {
    std::string server = g.server;
    if (server.empty()) {
        if (const auto session = load_session()) server = session->server;
    }
    if (server.empty()) throw CtlError(kUsage, "login needs --server URL (or SIGNAGE_SERVER)");
    const std::string password = read_password(password_file);
    Client client(server, {});
    const json body =
        client.post_json("/api/v1/auth/login", {{"username", user}, {"password", password}}).json();
    Session session{client.server(), body.value("token", std::string()), user};
    if (session.token.empty()) throw CtlError(kRefused, "the server gave no token");
    save_session(session);
    if (g.json_output) {
        print_json(body);
    } else {
        std::cout << "signed in to " << session.server << " as " << user << " ("
                  << body.value("role", std::string("?")) << ")\n";
    }
}

void cmd_logout(const Globals& g) {
    Client client = connect(g);
    const bool removed = remove_session();
    const Response res = client.request("POST", "/api/v1/auth/logout");
    if (res.status >= 400 && res.status != 401) throw CtlError(kRefused, error_text(res));
    if (!g.json_output) std::cout << (removed ? "signed out\n" : "token ended\n");
}

void cmd_upload(const Globals& g, const std::string& file) {
    const std::string bytes = read_input(file);
    const json body =
        connect(g)
            .checked("PUT", in_unit(g, "/api/v1/media"), bytes, "application/octet-stream")
            .json();
    if (g.json_output) return print_json(body);
    std::cout << field_of(body, "sha256") << '\n';
}

void print_slide_state(const Globals& g, const json& slide) {
    if (g.json_output) return print_json(slide);
    std::cout << field_of(slide, "id") << ' ' << field_of(slide, "status") << '\n';
}

void cmd_slide_create(const Globals& g, const std::string& file) {
    std::string text = read_input(file);
    if (!g.unit.empty()) {
        // The slide belongs to --unit unless its file says otherwise.
        json slide = json::parse(text, nullptr, false);
        if (slide.is_object() && !slide.contains("unit")) {
            slide["unit"] = std::stoll(g.unit);
            text = slide.dump();
        }
    }
    const json body = connect(g).checked("POST", "/api/v1/slides", text, "application/json").json();
    if (g.json_output) return print_json(body);
    std::cout << field_of(body, "id") << '\n';
}

void cmd_slide_list(const Globals& g, const std::string& status) {
    json body = connect(g).checked("GET", in_unit(g, "/api/v1/slides")).json();
    json slides = json::array();
    for (const auto& s : items_of(body, "slides")) {
        if (status.empty() || s.value("status", std::string()) == status) slides.push_back(s);
    }
    if (g.json_output) return print_json(json{{"slides", slides}});
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : slides) {
        rows.push_back({field_of(s, "id"), field_of(s, "status"), field_of(s, "type"),
                        field_of(s, "author"), field_of(s, "unit_name"), field_of(s, "origin"),
                        field_of(s, "title")});
    }
    print_table({"ID", "STATUS", "TYPE", "AUTHOR", "UNIT", "ORIGIN", "TITLE"}, rows);
}

void cmd_slide_show(const Globals& g, const std::string& id) {
    const json body = connect(g).checked("GET", "/api/v1/slides/" + id).json();
    if (g.json_output || !body.is_object()) return print_json(body);
    for (const auto& [key, value] : body.items())
        std::cout << key << ": " << text_of(value) << '\n';
}

void cmd_slide_action(const Globals& g, const std::string& id, const std::string& action,
                      const json& payload) {
    print_slide_state(g,
                      connect(g).post_json("/api/v1/slides/" + id + "/" + action, payload).json());
}

// The revision an approval names: `given` (--revision), else the one the
// server shows now, said on standard error with what it is, so the
// reviewer knows what they approved.
std::string revision_to_approve(Client& client, const std::string& path, const std::string& given,
                                const char* title_field) {
    if (!given.empty()) return given;
    const json item = client.checked("GET", path).json();
    const std::string revision = field_of(item, "revision");
    std::cerr << "approving revision " << revision << " of " << path << ": "
              << field_of(item, title_field) << '\n';
    return revision;
}

void cmd_slide_approve(const Globals& g, const std::string& id, const std::string& revision) {
    Client client = connect(g);
    const std::string path = "/api/v1/slides/" + id;
    const std::string named = revision_to_approve(client, path, revision, "title");
    print_slide_state(g, client.post_json(path + "/approve", json{{"revision", named}}).json());
}

void cmd_publish(const Globals& g) {
    const json body = connect(g).post_json("/api/v1/publish", json::object()).json();
    if (g.json_output) return print_json(body);
    std::cout << field_of(body, "version") << '\n';
}

void cmd_screens(const Globals& g) {
    const json body = connect(g).checked("GET", in_unit(g, "/api/v1/screens")).json();
    if (g.json_output) return print_json(body);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : items_of(body, "screens")) {
        rows.push_back({field_of(s, "name"), field_of(s, "group"), field_of(s, "last_seen"),
                        field_of(s, "id")});
    }
    print_table({"NAME", "GROUP", "LAST SEEN", "ID"}, rows);
}

void cmd_units(const Globals& g) {
    const json body = connect(g).checked("GET", "/api/v1/units").json();
    if (g.json_output) return print_json(body);
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : items_of(body, "units")) {
        const int depth = u.value("depth", 0);
        rows.push_back({field_of(u, "id"),
                        std::string(static_cast<std::size_t>(depth) * 2, ' ') + field_of(u, "name"),
                        field_of(u, "scope"), field_of(u, "share_floor")});
    }
    print_table({"ID", "NAME", "SCOPE", "SHARE FLOOR"}, rows);
}

void cmd_groups(const Globals& g) {
    const json body = connect(g).checked("GET", in_unit(g, "/api/v1/groups")).json();
    if (g.json_output) return print_json(body);
    std::vector<std::vector<std::string>> rows;
    for (const auto& grp : items_of(body, "groups")) {
        rows.push_back({field_of(grp, "name"), field_of(grp, "screens"), field_of(grp, "version")});
    }
    print_table({"NAME", "SCREENS", "VERSION"}, rows);
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void cmd_quiz_import(const Globals& g, const std::string& file) {
    std::string lower = file;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string type;
    if (ends_with(lower, ".csv")) {
        type = "text/csv; charset=utf-8";
    } else if (ends_with(lower, ".json")) {
        type = "application/json";
    } else {
        throw CtlError(kUsage, "quiz import takes a .csv or .json file: " + file);
    }
    const std::string bytes = read_input(file);
    const json body = connect(g).checked("POST", "/api/v1/quiz/import", bytes, type).json();
    if (g.json_output) return print_json(body);
    std::cout << "imported " << field_of(body, "imported") << '\n';
}

void cmd_quiz_export(const Globals& g, const std::string& format, const std::string& out_file) {
    const Response res = connect(g).checked("GET", "/api/v1/quiz/export?format=" + format);
    if (out_file.empty() || out_file == "-") {
        std::cout << res.body;
        if (format == "json" && !res.body.empty() && res.body.back() != '\n') std::cout << '\n';
        return;
    }
    std::ofstream out(out_file, std::ios::binary | std::ios::trunc);
    out << res.body;
    out.close();
    if (!out) throw CtlError(kRefused, "cannot write " + out_file);
}

struct ReportArgs {
    std::string screen, group, day, to, csv_file, table;
    bool units = false;
};

std::string percent_text(const json& v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", v.get<double>() * 100.0);
    return buf;
}

// The report of --unit (default the user's own) and each unit below it.
void print_unit_report(const json& body) {
    const auto of = [](const json& u, const char* part, const char* whole) {
        return field_of(u, part) + "/" + field_of(u, whole);
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : body.at("units")) {
        rows.push_back(
            {std::string(2 * u.at("depth").get<std::size_t>(), ' ') + field_of(u, "name"),
             of(u, "screens_online", "screens"),
             u.at("airtime_ms").get<long long>() > 0 ? percent_text(u.at("share")) : "-",
             of(u, "loops_short", "loops_complete"), of(u, "hours_short", "hours"),
             of(u, "required_played", "required")});
    }
    print_table({"UNIT", "ONLINE", "SHARE", "SHORT_LOOPS", "SHORT_HOURS", "REQUIRED_PLAYED"}, rows);
    for (const auto& m : body.at("missing")) {
        std::cout << "not played: " << field_of(m, "title") << " (" << field_of(m, "slide_id")
                  << ") on " << field_of(m, "screen") << ", " << field_of(m, "unit_name") << '\n';
    }
}

void cmd_report(const Globals& g, const ReportArgs& a) {
    const int chosen = (a.screen.empty() ? 0 : 1) + (a.group.empty() ? 0 : 1) + (a.units ? 1 : 0);
    if (chosen != 1) {
        throw CtlError(kUsage, "report takes --screen ID, --group NAME or --units");
    }
    const std::string table = !a.table.empty() ? a.table : a.units ? "units" : "hours";
    const bool unit_table = table == "units" || table == "missing";
    if (unit_table != a.units) {
        throw CtlError(kUsage, a.units ? "--units gives --table units or missing"
                                       : "--table units and missing go with --units");
    }
    std::string path = a.units ? in_unit(g, "/api/v1/reports/units") : "/api/v1/reports/plays";
    path += path.find('?') == std::string::npos ? "?" : "&";
    if (!a.units) {
        path += a.screen.empty() ? "group=" : "screen=";
        path += percent_encode(a.screen.empty() ? a.group : a.screen);
        path += "&";
    }
    path += "from=";
    path += percent_encode(a.day);
    if (!a.to.empty()) {
        path += "&to=";
        path += percent_encode(a.to);
    }
    Client client = connect(g);
    if (!a.csv_file.empty()) {
        const Response res =
            client.checked("GET", path + "&format=csv&table=" + percent_encode(table));
        if (a.csv_file == "-") {
            std::cout << res.body;
            return;
        }
        std::ofstream out(a.csv_file, std::ios::binary | std::ios::trunc);
        out << res.body;
        out.close();
        if (!out) throw CtlError(kRefused, "cannot write " + a.csv_file);
        return;
    }
    const json body = client.checked("GET", path).json();
    if (g.json_output) return print_json(body);
    if (a.units) return print_unit_report(body);
    const json& sum = body.at("summary");
    const auto pct = percent_text;
    std::cout << "plays " << field_of(sum, "plays") << ", public service " << pct(sum.at("share"))
              << " (minimum " << pct(body.at("min_public_share")) << "), loops complete "
              << field_of(sum, "loops_complete") << ", short " << field_of(sum, "loops_short")
              << '\n';
    std::vector<std::vector<std::string>> rows;
    for (const auto& h : body.at("hours")) {
        if (h.at("airtime_ms").get<long long>() == 0) continue;
        rows.push_back({field_of(h, "date"), field_of(h, "hour"), field_of(h, "plays"),
                        std::to_string(h.at("airtime_ms").get<long long>() / 1000),
                        pct(h.at("share")), h.at("short").get<bool>() ? "SHORT" : "ok"});
    }
    print_table({"DATE", "HOUR", "PLAYS", "AIRTIME_S", "SHARE", "MINIMUM_MET"}, rows);
}

void cmd_quiz_bulk(const Globals& g, const std::string& action, const std::vector<std::string>& ids,
                   const std::vector<std::string>& revisions) {
    Client client = connect(g);
    json list = ids;
    if (action == "approve") {
        if (!revisions.empty() && revisions.size() != ids.size()) {
            throw CtlError(kUsage, "give one --revision per question, in the order of the ids");
        }
        list = json::array();
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::string named =
                revision_to_approve(client, "/api/v1/quiz/questions/" + ids[i],
                                    revisions.empty() ? std::string() : revisions[i], "question");
            list.push_back({{"id", ids[i]}, {"revision", named}});
        }
    }
    const json body =
        client.post_json("/api/v1/quiz/questions/" + action, json{{"ids", list}}).json();
    if (g.json_output) return print_json(body);
    for (const auto& q : items_of(body, "questions")) {
        std::cout << field_of(q, "id") << ' ' << field_of(q, "status") << '\n';
    }
}

void cmd_claim(const Globals& g, const std::string& action, const std::string& code) {
    Client client = connect(g);
    const Response res = client.request("POST", "/api/v1/quiz/claims/" + action,
                                        json{{"code", code}}.dump(), "application/json");
    if (res.status >= 400) {
        std::string text = error_text(res);
        const auto parsed = signage::read_json(res.body);
        if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error") &&
            parsed["error"].is_object() && parsed["error"].contains("redeemed_at")) {
            text += " (redeemed at " + field_of(parsed["error"], "redeemed_at") + " by " +
                    field_of(parsed["error"], "redeemed_by") + ")";
        }
        throw CtlError(kRefused, text);
    }
    const json body = res.json();
    if (g.json_output) return print_json(body);
    std::cout << (action == "redeem" ? "redeemed" : "valid") << ": screen "
              << field_of(body, "screen") << ", date " << field_of(body, "date") << ", serial "
              << field_of(body, "serial") << '\n';
    if (action == "check") {
        if (body.value("redeemed", false)) {
            std::cout << "already redeemed at " << field_of(body, "redeemed_at") << " by "
                      << field_of(body, "redeemed_by") << '\n';
        } else {
            std::cout << "not redeemed yet\n";
        }
    }
}

}  // namespace

int run_signagectl(int argc, char** argv) {
    CLI::App app{"signagectl: the civic-signage staff command line"};
    app.require_subcommand(1);
    app.fallthrough();
    Globals g;
    app.add_option("--server", g.server, "server URL, e.g. http://127.0.0.1:8080")
        ->envname("SIGNAGE_SERVER");
    app.add_option("--token", g.token, "session token (instead of the saved session)")
        ->envname("SIGNAGE_TOKEN");
    app.add_flag("--json", g.json_output, "print the server's JSON");
    app.add_option("--unit", g.unit,
                   "unit id: lists show that unit of yours, new slides and uploads belong to it")
        ->envname("SIGNAGE_UNIT")
        ->check(CLI::PositiveNumber);

    std::function<void()> action;

    std::string user, password_file;
    auto* login = app.add_subcommand("login", "sign in and save the session");
    login->add_option("--user", user, "staff user name")->required();
    login->add_option("--password-file", password_file,
                      "file whose first line is the password (else SIGNAGE_PASSWORD or a prompt)");
    login->callback([&] { action = [&] { cmd_login(g, user, password_file); }; });

    app.add_subcommand("logout", "end the session and forget it")->callback([&] {
        action = [&] { cmd_logout(g); };
    });

    std::string file;
    auto* upload = app.add_subcommand("upload", "upload an image; prints its sha256");
    upload->add_option("FILE", file, "PNG or JPEG file")->required();
    upload->callback([&] { action = [&] { cmd_upload(g, file); }; });

    std::string id, status, reason;
    auto* slide = app.add_subcommand("slide", "slides");
    slide->require_subcommand(1);
    auto* create = slide->add_subcommand("create", "create a draft from slide JSON; prints its id");
    create->add_option("FILE", file, "slide JSON file, - for standard input")->required();
    create->callback([&] { action = [&] { cmd_slide_create(g, file); }; });
    auto* list = slide->add_subcommand("list", "list slides");
    list->add_option("--status", status, "only slides with this status")
        ->check(CLI::IsMember({"draft", "pending", "approved", "rejected", "published"}));
    list->callback([&] { action = [&] { cmd_slide_list(g, status); }; });
    auto* show = slide->add_subcommand("show", "one slide");
    show->add_option("ID", id)->required();
    show->callback([&] { action = [&] { cmd_slide_show(g, id); }; });
    auto* submit = slide->add_subcommand("submit", "submit a slide for review");
    submit->add_option("ID", id)->required();
    submit->callback([&] { action = [&] { cmd_slide_action(g, id, "submit", json::object()); }; });
    std::string revision;
    auto* approve =
        slide->add_subcommand("approve", "approve a slide (the revision shown now, or --revision)");
    approve->add_option("ID", id)->required();
    approve->add_option("--revision", revision,
                        "the revision that was looked at (default: the current one, said on "
                        "standard error)");
    approve->callback([&] { action = [&] { cmd_slide_approve(g, id, revision); }; });
    auto* reject = slide->add_subcommand("reject", "reject a slide with a reason");
    reject->add_option("ID", id)->required();
    reject->add_option("--reason", reason, "why")->required();
    reject->callback([&] {
        action = [&] { cmd_slide_action(g, id, "reject", json{{"reason", reason}}); };
    });

    app.add_subcommand("publish", "make approved content live; prints the version")->callback([&] {
        action = [&] { cmd_publish(g); };
    });
    app.add_subcommand("screens", "list screens")->callback([&] {
        action = [&] { cmd_screens(g); };
    });
    app.add_subcommand("groups", "list screen groups")->callback([&] {
        action = [&] { cmd_groups(g); };
    });
    app.add_subcommand("units", "list the unit tree you see")->callback([&] {
        action = [&] { cmd_units(g); };
    });

    std::string format = "json", out_file;
    std::vector<std::string> ids;
    auto* quiz = app.add_subcommand("quiz", "the quiz bank");
    quiz->require_subcommand(1);
    auto* import = quiz->add_subcommand("import", "import questions, all or nothing");
    import->add_option("FILE", file, "FILE.csv or FILE.json")->required();
    import->callback([&] { action = [&] { cmd_quiz_import(g, file);
};
}  // namespace signage::ctl
);
auto* exp = quiz->add_subcommand("export", "export the bank");
exp->add_option("--format", format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
exp->add_option("-o,--output", out_file, "write to this file instead of standard output");
exp->callback([&] { action = [&] { cmd_quiz_export(g, format, out_file); }; });
std::vector<std::string> revisions;
for (const char* name : {"submit", "approve"}) {
    auto* sub = quiz->add_subcommand(name, std::string(name) + " questions, all or nothing");
    sub->add_option("ID", ids)->required();
    if (std::string(name) == "approve") {
        sub->add_option("--revision", revisions,
                        "the revision looked at, one per ID in order (default: the current "
                        "ones, said on standard error)");
    }
    sub->callback(
        [&, sub] { action = [&, sub] { cmd_quiz_bulk(g, sub->get_name(), ids, revisions); }; });
}

ReportArgs report_args;
auto* report = app.add_subcommand("report", "proof-of-play compliance report of a day");
report->add_option("--screen", report_args.screen, "screen id");
report->add_option("--group", report_args.group, "group name (every screen in it)");
report->add_flag("--units", report_args.units,
                 "each unit of yours (--unit: that one) and each below it, rolled up");
report->add_option("--day", report_args.day, "local day, YYYY-MM-DD (the first, with --to)")
    ->required();
report->add_option("--to", report_args.to, "last local day (default: --day)");
report->add_option("--csv", report_args.csv_file, "write a CSV table to this file (- : stdout)");
report
    ->add_option("--table", report_args.table,
                 "the CSV table: hours, loops, items or plays; with --units: units or missing")
    ->check(CLI::IsMember({"hours", "loops", "items", "plays", "units", "missing"}));
report->callback([&] { action = [&] { cmd_report(g, report_args); }; });

std::string code;
auto* claim = app.add_subcommand("claim", "prize claim codes");
claim->require_subcommand(1);
for (const char* name : {"check", "redeem"}) {
    auto* sub = claim->add_subcommand(name, std::string(name) + " a claim code");
    sub->add_option("CODE", code)->required();
    sub->callback([&, sub] { action = [&, sub] { cmd_claim(g, sub->get_name(), code); }; });
}

try {
    app.parse(argc, argv);
} catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
}
if (!action) return kUsage;
try {
    action();
} catch (const CtlError& e) {
    if (e.what()[0] != '\0') std::cerr << e.what() << '\n';
    return e.status();
} catch (const std::exception& e) {
    std::cerr << "signagectl: " << e.what() << '\n';
    return kRefused;
}
std::cout.flush();
return kOk;
}

}  // namespace signage::ctl
