#include "store/sql/pg_connection.hpp"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace signage::server::sql {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kBoolOid = 16;

struct ResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

class PgStatement final : public StatementImpl {
  public:
    PgStatement(PGconn* conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}

    void bind_null(int index) override { slot(index) = Value{}; }
    void bind_int(int index, std::int64_t value) override {
        slot(index) = Value{std::to_string(value), false, false};
    }
    void bind_real(int index, double value) override {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", value);
        slot(index) = Value{buf, false, false};
    }
    void bind_text(int index, std::string_view value) override {
        slot(index) = Value{std::string(value), false, false};
    }
    void bind_blob(int index, const void* data, std::size_t size) override {
        slot(index) = Value{std::string(static_cast<const char*>(data), size), true, false};
    }

    bool step() override {
        if (!result_) run();
        return ++row_ < PQntuples(result_.get());
    }
    int exec() override {
        if (!result_) run();
        const char* n = PQcmdTuples(result_.get());
        return n != nullptr && *n != '\0' ? std::atoi(n) : 0;
    }
    void reset() override {
        result_.reset();
        row_ = -1;
    }

    int columns() override { return result_ ? PQnfields(result_.get()) : 0; }
    bool is_null(int column) override { return PQgetisnull(result_.get(), row_, column) != 0; }
    std::int64_t get_int(int column) override {
        if (is_null(column)) return 0;
        const char* v = PQgetvalue(result_.get(), row_, column);
        if (PQftype(result_.get(), column) == kBoolOid) return v[0] == 't' ? 1 : 0;
        return std::strtoll(v, nullptr, 10);
    }
    double get_real(int column) override {
        if (is_null(column)) return 0;
        return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr);
    }
    std::string get_text(int column) override {
        if (is_null(column)) return {};
        return std::string(PQgetvalue(result_.get(), row_, column),
                           static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    std::string get_blob(int column) override {
        if (is_null(column)) return {};
        if (PQftype(result_.get(), column) != kByteaOid) return get_text(column);
        std::size_t n = 0;
        unsigned char* bytes = PQunescapeBytea(
            reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &n);
        if (bytes == nullptr) throw Error(Error::Kind::other, "reading bytes: out of memory");
        std::string out(reinterpret_cast<const char*>(bytes), n);
        PQfreemem(bytes);
        return out;
    }

  private:
    struct Value {
        std::string data;
        bool binary = false;
        bool null = true;
    };
    Value& slot(int index) {
        if (index < 1) throw Error(Error::Kind::other, "binding a value: no parameter 0");
        if (values_.size() < static_cast<std::size_t>(index)) {
            values_.resize(static_cast<std::size_t>(index));
        }
        return values_[static_cast<std::size_t>(index) - 1];
    }
    void run() {
        std::vector<const char*> data;
        std::vector<int> lengths, formats;
        for (const Value& v : values_) {
            data.push_back(v.null ? nullptr : v.data.c_str());
            lengths.push_back(static_cast<int>(v.data.size()));
            formats.push_back(v.binary ? 1 : 0);
        }
        PGresult* r = PQexecParams(conn_, sql_.c_str(), static_cast<int>(values_.size()), nullptr,
                                   data.data(), lengths.data(), formats.data(), 0);
        check_result(conn_, r, "running a statement");
        result_.reset(r);
        row_ = -1;
    }

    PGconn* conn_;
    std::string sql_;
    std::vector<Value> values_;
    ResultPtr result_;
    int row_ = -1;
};

}  // namespace

// libpq's message on one line ("…unexpectedly\n\tThis probably…").
std::string one_line(const std::string& why) {
    std::string out;
    for (const char c : why) {
        const bool space = c == '\n' || c == '\t' || c == ' ';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out.push_back(space ? ' ' : c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string connection_error(PGconn* conn) {
    return one_line(conn != nullptr ? PQerrorMessage(conn) : "out of memory");
}

void check_result(PGconn* conn, PGresult* result, const char* doing) {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    std::string why;
    Error::Kind kind = Error::Kind::other;
    if (result != nullptr) {
        why = PQresultErrorMessage(result);
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        if (state != nullptr && std::strcmp(state, "23505") == 0) kind = Error::Kind::unique;
        // Class 08: connection exceptions; 57P01-57P03: the server shuts down.
        if (state != nullptr &&
            (std::strncmp(state, "08", 2) == 0 || std::strncmp(state, "57P0", 4) == 0)) {
            kind = Error::Kind::connection;
        }
        PQclear(result);
    }
    why = why.empty() ? connection_error(conn) : one_line(why);
    if (PQstatus(conn) == CONNECTION_BAD) kind = Error::Kind::connection;
    throw Error(kind, std::string(doing) + ": " + why);
}

std::string numbered_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (const char c : sql) {
        if (quote != 0) {
            if (c == quote) quote = 0;
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '?') {
            out.push_back('$');
            out += std::to_string(++n);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

PgConnection::PgConnection(const std::string& uri) {
    conn_ = PQconnectdb(uri.c_str());
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = connection_error(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(Error::Kind::connection, "connecting to PostgreSQL: " + why);
    }
    exec("SET client_min_messages = warning");
}

PgConnection::~PgConnection() {
    if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConnection::ok() const {
    return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

void PgConnection::reconnect() {
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
        throw Error(Error::Kind::connection,
                    "connecting to PostgreSQL again: " + connection_error(conn_));
    }
    exec("SET client_min_messages = warning");
}

void PgConnection::notify(const std::string& event) {
    Statement q(*this, std::string("SELECT pg_notify('") + kEventChannel + "', ?)");
    q.bind(1, origin_ + " " + event);
    q.step();
}

std::unique_ptr<StatementImpl> PgConnection::prepare(const std::string& sql) {
    return std::make_unique<PgStatement>(conn_, numbered_placeholders(sql));
}

void PgConnection::exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    check_result(conn_, r, "running SQL");
    PQclear(r);
}

}  // namespace signage::server::sql
