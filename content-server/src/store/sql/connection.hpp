#pragma once
// The SQL the repositories speak, whichever database runs it: one
// Connection (SQLite or PostgreSQL), Statements with `?` placeholders bound
// by position (1 the first), stepped row by row, their columns read as
// text, integers, reals or bytes. Both backends take the same SQL where
// both understand it (ON CONFLICT … DO NOTHING/UPDATE, RETURNING, CAST,
// substr, lower, LIKE … ESCAPE); where they differ, the repository asks
// dialect().
//
//     sql::Statement q(db, "SELECT id, name FROM groups WHERE name = ?");
//     q.bind(1, name);
//     while (q.step()) use(q.column(0).int64(), q.column(1).text());
//
// Failures throw sql::Error (unique() for a UNIQUE constraint's refusal);
// the store turns them into "internal" and rolls the transaction back.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace signage::server::sql {

enum class Dialect { sqlite, postgresql };

class Error : public std::runtime_error {
  public:
    enum class Kind {
        other,
        unique,      // a UNIQUE or PRIMARY KEY constraint refused the row
        connection,  // the connection to the database is lost
    };
    Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const { return kind_; }
    bool unique() const { return kind_ == Kind::unique; }

  private:
    Kind kind_;
};

// A backend's statement (Statement is its handle).
class StatementImpl {
  public:
    virtual ~StatementImpl() = default;
    virtual void bind_null(int index) = 0;
    virtual void bind_int(int index, std::int64_t value) = 0;
    virtual void bind_real(int index, double value) = 0;
    virtual void bind_text(int index, std::string_view value) = 0;
    virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
    virtual bool step() = 0;
    virtual int exec() = 0;
    virtual void reset() = 0;
    virtual int columns() = 0;
    virtual bool is_null(int column) = 0;
    virtual std::int64_t get_int(int column) = 0;
    virtual double get_real(int column) = 0;
    virtual std::string get_text(int column) = 0;
    virtual std::string get_blob(int column) = 0;
};

class Connection {
  public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const = 0;
    virtual std::unique_ptr<StatementImpl> prepare(const std::string& sql) = 0;
    // Runs statements without parameters (several, separated by `;`).
    virtual void exec(const std::string& sql) = 0;
    // Tells the other server instances on this database of a change made
    // in the current transaction, when it commits ("manifest GROUP",
    // "screens", "moved ID", "released ID"). Nothing on SQLite.
    virtual void notify(const std::string& event) { (void)event; }
};

// One value of the row a statement is on.
class Column {
  public:
    Column(StatementImpl& s, int index) : s_(s), index_(index) {}
    bool is_null() const { return s_.is_null(index_); }
    std::string text() const { return s_.get_text(index_); }   // "" for NULL
    std::int64_t int64() const { return s_.get_int(index_); }  // 0 for NULL
    int int32() const { return static_cast<int>(s_.get_int(index_)); }
    double real() const { return s_.get_real(index_); }
    std::string blob() const { return s_.get_blob(index_); }  // the bytes

  private:
    StatementImpl& s_;
    int index_;
};

class Statement {
  public:
    Statement(Connection& db, const std::string& sql) : impl_(db.prepare(sql)) {}

    template <std::integral T>
    void bind(int index, T value) {
        impl_->bind_int(index, static_cast<std::int64_t>(value));
    }
    void bind(int index, double value) { impl_->bind_real(index, value); }
    void bind(int index, std::string_view value) { impl_->bind_text(index, value); }
    void bind(int index, const std::string& value) { impl_->bind_text(index, value); }
    void bind(int index, const char* value) { impl_->bind_text(index, value); }
    void bind(int index) { impl_->bind_null(index); }  // NULL
    template <class T>
    void bind(int index, const std::optional<T>& value) {
        if (value) {
            bind(index, *value);
        } else {
            bind(index);
        }
    }
    void bind_blob(int index, const void* data, std::size_t size) {
        impl_->bind_blob(index, data, size);
    }
    void bind_blob(int index, std::string_view bytes) {
        impl_->bind_blob(index, bytes.data(), bytes.size());
    }

    // The next row of the result (runs the statement the first time);
    // false when there is none.
    bool step() { return impl_->step(); }
    // Runs a statement that returns no rows: how many rows it changed.
    int exec() { return impl_->exec(); }
    // Ready to run again (bound values are kept until bound again).
    void reset() { impl_->reset(); }
    // How many columns its rows have (once it ran).
    int columns() { return impl_->columns(); }
    Column column(int index) { return Column(*impl_, index); }

  private:
    std::unique_ptr<StatementImpl> impl_;
};

// The first column of the first row of `sql` (no parameters) as an
// integer; 0 when there is no row.
inline std::int64_t query_int(Connection& db, const std::string& sql) {
    Statement q(db, sql);
    return q.step() ? q.column(0).int64() : 0;
}

// `text` for LIKE … ESCAPE '\': its %, _ and \ mean themselves.
std::string like_escaped(std::string_view text);

}  // namespace signage::server::sql
