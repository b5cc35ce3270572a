#pragma once
// Proof of play on the server: screens post the plays they logged
// (POST /api/v1/player/plays, protocol::Play), and staff read compliance
// reports per screen or group over local days
// (GET /api/v1/reports/plays, JSON or CSV for inspectors).
//
// A report covers the plays that started within the days, in the group's
// time zone (settings.timezone), and says:
//   items   per slide: plays and airtime
//   hours   per local hour: airtime, public-service airtime and share (a play
//           spanning an hour boundary counts in both hours), short when
//           below the group's min_public_share
//   loops   per rotation loop: items, airtime, public-service share; a loop
//           is complete when its last item closed it (loop_end); complete
//           loops below the minimum fell short (interrupted ones, cut off by
//           a publish or a restart, are listed but not judged)
// Shares are of all airtime logged (emergency notices are public service;
// the quiz invitation is not).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

struct PlaysAccepted {
    int accepted = 0;
    int duplicates = 0;
};

struct PlayReportQuery {
    std::optional<std::int64_t> screen;  // screen=ID
    std::string group;                   // group=NAME (when no screen)
    // Whose report it is: screens and groups outside this unit's subtree
    // do not exist for it.
    std::int64_t viewer_unit = root_unit_id;
    std::string from;  // YYYY-MM-DD, local
    std::string to;    // YYYY-MM-DD, local, inclusive
    // Handed each play as the store reads it (as JSON, with "screen" and
    // "start_local"), for table=plays: the caller writes it out at once, and
    // the report keeps only the sums.
    std::function<void(const nlohmann::json& play)> each_play = nullptr;
};

// The CSV tables (`table=`): hours (default), loops, items, plays.
enum class PlayCsvTable { hours, loops, items, plays };

class PlayReports {
  public:
    static constexpr int max_days = 31;

    explicit PlayReports(Store& store) : store_(store) {}

    // {"plays": [...]}: every play validated first (422 names plays[i].field),
    // then stored; play ids the screen sent before are counted as duplicates.
    Result<PlaysAccepted> add(const Screen& screen, const nlohmann::json& body);

    // The report as JSON (see the header comment; openapi.yaml has the shape).
    Result<nlohmann::json> report(const PlayReportQuery& q);

    // A table of a report as CSV: UTF-8 with a byte order mark (Excel),
    // CRLF line ends, bilingual headers ("日期 date").
    static std::string to_csv(const nlohmann::json& report, PlayCsvTable table);
    // The same table a piece at a time: its header line (with the byte order
    // mark), and one row (a play, an hour, ...; `report` gives the minimum).
    static std::string csv_header(PlayCsvTable table);
    static std::string csv_row(const nlohmann::json& row, PlayCsvTable table,
                               const nlohmann::json& min_public_share);

  private:
    Store& store_;
};

}  // namespace signage::server
