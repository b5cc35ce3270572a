#pragma once
// sql::Connection over a PostgreSQL connection (libpq). Statements are sent
// with their values apart (PQexecParams: text values, bytes in binary), `?`
// placeholders becoming $1, $2, …; results come as text. A bytea column
// reads as its bytes, a boolean as 1 or 0.

#include <libpq-fe.h>

#include "store/sql/connection.hpp"

namespace signage::server::sql {

class PgConnection final : public Connection {
  public:
    // Connects to `uri` (postgresql://…); throws Error (connection) when it cannot.
    explicit PgConnection(const std::string& uri);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    Dialect dialect() const override { return Dialect::postgresql; }
    std::unique_ptr<StatementImpl> prepare(const std::string& sql) override;
    void exec(const std::string& sql) override;
    // NOTIFY on kEventChannel: "ORIGIN EVENT", delivered when the
    // transaction commits (at once outside one).
    void notify(const std::string& event) override;
    // Who this connection speaks for in its notifications (an instance's id).
    void set_origin(std::string origin) { origin_ = std::move(origin); }

    // False once the connection is lost (the server went away).
    bool ok() const;
    // Connects again (after ok() turned false); throws Error when it cannot.
    void reconnect();
    PGconn* handle() { return conn_; }

  private:
    PGconn* conn_ = nullptr;
    std::string origin_;
};

// The channel server instances tell each other their changes on.
inline constexpr const char* kEventChannel = "signage_events";

// `sql` with each `?` outside quotes numbered ($1, $2, …).
std::string numbered_placeholders(const std::string& sql);

// The connection's last error, on one line.
std::string connection_error(PGconn* conn);
std::string one_line(const std::string& why);

// Throws the Error `result` carries (consuming it), if it is one.
void check_result(PGconn* conn, PGresult* result, const char* doing);

}  // namespace signage::server::sql
