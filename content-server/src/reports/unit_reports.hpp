#pragma once
// Reports that roll up a unit's subtree (GET /api/v1/reports/units): for the
// unit asked and each unit below it, parents first, the sums over the screens
// of that unit and every unit below it, over local days (each group's own
// time zone, as in the group report):
//   screens, screens_online   its screens, and those online now
//   plays, airtime_ms, public_service_ms, share
//   loops_complete, loops_short
//                             complete loops, and those below their group's
//                             minimum public-service share
//   hours, hours_short        screen-hours with airtime, and those below the
//                             minimum
//   required, required_played
//                             (screen, item) pairs: each item required from a
//                             unit above the screen's that its group carries
//                             now, and those that played at least once
// Every figure is a count or a sum over screens, so a unit's row is its own
// screens' plus its children's rows. `missing` lists the required pairs that
// did not play (the first `max_missing`).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "store/records.hpp"

namespace signage::server {

class Store;

struct UnitReportQuery {
    std::int64_t unit = root_unit_id;           // within the caller's subtree (the route checks)
    std::string from;                           // YYYY-MM-DD, local
    std::string to;                             // YYYY-MM-DD, local, inclusive; empty: from
    std::function<bool(const Screen&)> online;  // whether a screen is online now
};

// The CSV tables (`table=`): units (default), missing.
enum class UnitCsvTable { units, missing };

class UnitReports {
  public:
    static constexpr int max_days = 31;
    static constexpr std::size_t max_missing = 500;

    explicit UnitReports(Store& store) : store_(store) {}

    Result<nlohmann::json> report(const UnitReportQuery& q);

    // A table as CSV: UTF-8 with a byte order mark, CRLF, bilingual headers,
    // as the play report's.
    static std::string to_csv(const nlohmann::json& report, UnitCsvTable table);

  private:
    Store& store_;
};

}  // namespace signage::server
