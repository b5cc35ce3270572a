#pragma once
// The reports' CSV: UTF-8 with a byte order mark (Excel), CRLF line ends,
// bilingual headers ("日期 date"), one row per JSON object of a report.
// Strings are text a person may have written (a slide's title, a screen's
// name) and are neutralised against formulas (common/csv.hpp); numbers and
// yes/no stay as they are; shares have four decimals.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace signage::server::reports {

struct CsvColumn {
    const char* header;
    // The row's field; "" for the column filled with the same value in every
    // row (`fill`: the report's minimum share, ...).
    const char* key;
};

std::string csv_cell(const nlohmann::json& v);
// The header line, after the byte order mark.
std::string csv_header(const std::vector<CsvColumn>& cols);
std::string csv_row(const nlohmann::json& row, const std::vector<CsvColumn>& cols,
                    const nlohmann::json& fill = nullptr);

}  // namespace signage::server::reports
