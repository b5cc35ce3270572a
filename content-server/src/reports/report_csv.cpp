#include "reports/report_csv.hpp"

#include <cstdio>

#include "common/csv.hpp"

namespace signage::server::reports {

std::string csv_cell(const nlohmann::json& v) {
    if (v.is_string()) return csv::text_cell(v.get_ref<const std::string&>());
    if (v.is_boolean()) return csv::plain_cell(v.get<bool>() ? "yes" : "no");
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", v.get<double>());
        return csv::plain_cell(buf);
    }
    if (v.is_null()) return {};
    return csv::plain_cell(v.dump());
}

std::string csv_header(const std::vector<CsvColumn>& cols) {
    std::string out = "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i > 0) out += ',';
        out += csv_cell(cols[i].header);
    }
    return out + "\r\n";
}

std::string csv_row(const nlohmann::json& row, const std::vector<CsvColumn>& cols,
                    const nlohmann::json& fill) {
    std::string out;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i > 0) out += ',';
        const std::string key = cols[i].key;
        if (key.empty()) {
            out += csv_cell(fill);
        } else {
            auto v = row.find(key);
            out += v == row.end() ? std::string{} : csv_cell(*v);
        }
    }
    return out + "\r\n";
}

}  // namespace signage::server::reports
