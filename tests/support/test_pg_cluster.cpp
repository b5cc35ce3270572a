// PgCluster: a real PostgreSQL server for the test process, a database per
// test, and a restart that keeps what was committed.
#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/pg_cluster.hpp"

using namespace signage::test;

namespace {

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

PgConn connect(const std::string& uri) {
    PgConn conn(PQconnectdb(uri.c_str()), &PQfinish);
    INFO(uri << ": " << PQerrorMessage(conn.get()));
    REQUIRE(PQstatus(conn.get()) == CONNECTION_OK);
    return conn;
}

// Runs `sql`: true when it succeeded; the first column of its first row in `value`.
bool try_exec(PGconn* conn, const std::string& sql, std::string* value = nullptr) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, sql.c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return false;
    if (value != nullptr && status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0) {
        *value = PQgetvalue(result.get(), 0, 0);
    }
    return true;
}

// Runs `sql`, which must succeed, and returns the first column of its first row.
std::string exec(PGconn* conn, const std::string& sql) {
    std::string value;
    const bool ok = try_exec(conn, sql, &value);
    INFO(sql << ": " << PQerrorMessage(conn));
    REQUIRE(ok);
    return value;
}

bool table_exists(PGconn* conn, const std::string& table) {
    return exec(conn, "SELECT to_regclass('" + table + "') IS NOT NULL") == "t";
}

}  // namespace

TEST_CASE("support: PgCluster gives each database its own tables", "[support][pg]") {
    PgCluster& pg = PgCluster::shared();
    CHECK(&PgCluster::shared() == &pg);
    const std::string a = pg.create_database();
    const std::string b = pg.create_database();
    CHECK(a != b);
    const std::string prefix = "postgresql://postgres@127.0.0.1:" + std::to_string(pg.port()) + "/";
    CHECK(a.rfind(prefix, 0) == 0);
    CHECK(pg.uri(a.substr(prefix.size())) == a);

    PgConn in_a = connect(a);
    PgConn in_b = connect(b);
    exec(in_a.get(), "CREATE TABLE only_in_a (id integer PRIMARY KEY)");
    CHECK(table_exists(in_a.get(), "only_in_a"));
    CHECK_FALSE(table_exists(in_b.get(), "only_in_a"));

    // The settings the cluster promises.
    CHECK(exec(in_a.get(), "SHOW fsync") == "off");
    CHECK(exec(in_a.get(), "SHOW synchronous_commit") == "off");
    CHECK(exec(in_a.get(), "SHOW full_page_writes") == "off");
    CHECK(exec(in_a.get(), "SHOW max_connections") == "300");
    CHECK(exec(in_a.get(), "SHOW server_encoding") == "UTF8");
    CHECK(exec(in_a.get(), "SELECT current_user") == "postgres");
    CHECK(exec(in_a.get(), "SHOW server_version_num").rfind("15", 0) == 0);
}

TEST_CASE("support: PgCluster keeps committed rows across restart, stop and start",
          "[support][pg]") {
    PgCluster& pg = PgCluster::shared();
    const std::string uri = pg.create_database();
    const std::uint16_t port = pg.port();
    PgConn before = connect(uri);
    exec(before.get(), "CREATE TABLE kept (word text)");
    exec(before.get(), "INSERT INTO kept VALUES ('committed')");

    pg.restart();
    CHECK(pg.port() == port);
    // A connection open across the restart was ended (fast shutdown).
    CHECK_FALSE(try_exec(before.get(), "SELECT 1"));
    CHECK(PQstatus(before.get()) == CONNECTION_BAD);
    {
        PgConn after = connect(uri);
        CHECK(exec(after.get(), "SELECT word FROM kept") == "committed");
        exec(after.get(), "INSERT INTO kept VALUES ('also')");
    }

    pg.stop();
    pg.stop();  // nothing to do
    {
        PgConn refused(PQconnectdb(uri.c_str()), &PQfinish);
        CHECK(PQstatus(refused.get()) == CONNECTION_BAD);
    }
    pg.start();
    pg.start();  // nothing to do
    PgConn again = connect(uri);
    CHECK(exec(again.get(), "SELECT string_agg(word, ',' ORDER BY word) FROM kept") ==
          "also,committed");
    // Still a fresh database to be had.
    PgConn other = connect(pg.create_database());
    CHECK_FALSE(table_exists(other.get(), "kept"));
}

TEST_CASE("support: PgCluster creates databases from several threads at once", "[support][pg]") {
    PgCluster& pg = PgCluster::shared();
    std::mutex mutex;
    std::vector<std::string> uris;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 3; ++i) {
                try {
                    std::string uri = pg.create_database();
                    std::lock_guard lock(mutex);
                    uris.push_back(std::move(uri));
                } catch (const std::exception& e) {
                    std::lock_guard lock(mutex);
                    errors.emplace_back(e.what());
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) UNSCOPED_INFO(e);
    CHECK(errors.empty());
    REQUIRE(uris.size() == 12);
    CHECK(std::set<std::string>(uris.begin(), uris.end()).size() == 12);
    for (const auto& uri : uris) {
        PgConn conn = connect(uri);
        CHECK(exec(conn.get(), "SELECT 1") == "1");
    }
}
