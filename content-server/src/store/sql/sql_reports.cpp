// Prize claims, quiz results and plays in SQL.
#include "store/sql/sql_repositories.hpp"

namespace signage::server::sql {
namespace {

const char* const redemption_columns =
    "SELECT c.redeemed_at, u.username FROM quiz_claims c JOIN users u ON u.id = c.redeemed_by "
    "WHERE c.screen_id = ? AND c.day = ? AND c.serial = ?";

}  // namespace

std::optional<Redemption> QuizResults::find_redemption(std::int64_t screen_id, int day,
                                                       int serial) {
    Statement q(db_, redemption_columns);
    q.bind(1, screen_id);
    q.bind(2, day);
    q.bind(3, serial);
    if (!q.step()) return std::nullopt;
    return Redemption{q.column(0).text(), q.column(1).text()};
}

bool QuizResults::redeem(std::int64_t screen_id, int day, int serial, std::int64_t by,
                         const std::string& at) {
    Statement q(db_,
                "INSERT INTO quiz_claims(screen_id, day, serial, redeemed_at, "
                "redeemed_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    q.bind(1, screen_id);
    q.bind(2, day);
    q.bind(3, serial);
    q.bind(4, at);
    q.bind(5, by);
    // The UNIQUE constraint decides: no row when someone redeemed it first.
    return q.exec() == 1;
}

int QuizResults::add_rounds(std::int64_t screen_id, const std::vector<QuizRoundRow>& rounds) {
    const std::string now = now_iso8601();
    Statement round(db_,
                    "INSERT INTO quiz_rounds(screen_id, round_id, "
                    "finished_at, date, score, total, passed, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id");
    Statement answer(db_, "INSERT INTO quiz_answers(round, question, correct) VALUES (?, ?, ?)");
    int added = 0;
    for (const QuizRoundRow& r : rounds) {
        round.reset();
        round.bind(1, screen_id);
        round.bind(2, r.round_id);
        round.bind(3, r.finished_at);
        round.bind(4, r.date);
        round.bind(5, r.score);
        round.bind(6, r.total);
        round.bind(7, r.passed ? 1 : 0);
        round.bind(8, now);
        if (!round.step()) continue;  // this round id was counted before
        const std::int64_t row = round.column(0).int64();
        for (const auto& [question, correct] : r.answers) {
            answer.reset();
            answer.bind(1, row);
            answer.bind(2, question);
            answer.bind(3, correct ? 1 : 0);
            answer.exec();
        }
        ++added;
    }
    return added;
}

QuizStats QuizResults::stats(const std::string& from, const std::string& to) {
    QuizStats stats;
    const std::string range = " (? = '' OR r.date >= ?) AND (? = '' OR r.date <= ?) ";
    const auto bind_range = [&](Statement& q) {
        q.bind(1, from);
        q.bind(2, from);
        q.bind(3, to);
        q.bind(4, to);
    };
    Statement questions(
        db_,
        "SELECT a.question, COALESCE(q.json, ''), COUNT(*), SUM(a.correct) "
        "FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round "
        "LEFT JOIN quiz_questions q ON CAST(q.id AS TEXT) = a.question WHERE" +
            range +
            "GROUP BY a.question, q.json "
            "ORDER BY CAST(SUM(a.correct) AS REAL) / COUNT(*), COUNT(*) DESC, a.question");
    bind_range(questions);
    while (questions.step()) {
        stats.questions.push_back(
            QuestionStat{questions.column(0).text(), questions.column(1).text(),
                         questions.column(2).int64(), questions.column(3).int64()});
    }
    Statement rounds(db_,
                     "SELECT s.name, r.date, COUNT(*), SUM(r.passed) "
                     "FROM quiz_rounds r JOIN screens s ON s.id = r.screen_id WHERE" +
                         range + "GROUP BY s.name, r.date ORDER BY r.date, s.name");
    bind_range(rounds);
    while (rounds.step()) {
        stats.rounds.push_back(RoundStat{rounds.column(0).text(), rounds.column(1).text(),
                                         rounds.column(2).int64(), rounds.column(3).int64()});
    }
    return stats;
}

int Plays::add(std::int64_t screen_id, const std::vector<protocol::Play>& plays) {
    const std::string now = now_iso8601();
    Statement q(db_,
                "INSERT INTO plays(screen_id, play_id, loop_id, loop_end, "
                "kind, slide_id, title, start_ms, duration_ms, public_service, "
                "manifest_version, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    int added = 0;
    for (const protocol::Play& p : plays) {
        q.reset();
        q.bind(1, screen_id);
        q.bind(2, p.id);
        q.bind(3, p.loop_id);
        q.bind(4, p.loop_end ? 1 : 0);
        q.bind(5, std::string(protocol::to_string(p.kind)));
        q.bind(6, p.slide_id);
        q.bind(7, p.title);
        q.bind(8, static_cast<std::int64_t>(p.start_ms));
        q.bind(9, static_cast<std::int64_t>(p.duration_ms));
        q.bind(10, p.public_service ? 1 : 0);
        q.bind(11, p.manifest_version);
        q.bind(12, now);
        added += q.exec();  // 0: this play id was counted before
    }
    return added;
}

void Plays::for_each_between(const std::vector<std::int64_t>& screen_ids, std::int64_t from_ms,
                             std::int64_t to_ms,
                             const std::function<void(const StoredPlay&)>& visit) {
    Statement q(db_,
                "SELECT p.screen_id, s.name, p.play_id, p.loop_id, p.loop_end, p.kind, "
                "p.slide_id, p.title, p.start_ms, p.duration_ms, p.public_service, "
                "p.manifest_version FROM plays p JOIN screens s ON s.id = p.screen_id "
                "WHERE p.screen_id = ? AND p.start_ms >= ? AND p.start_ms < ? "
                "ORDER BY p.start_ms, p.id");
    StoredPlay r;
    for (const std::int64_t id : screen_ids) {
        q.reset();
        q.bind(1, id);
        q.bind(2, static_cast<std::int64_t>(from_ms));
        q.bind(3, static_cast<std::int64_t>(to_ms));
        while (q.step()) {
            r.screen_id = q.column(0).int64();
            r.screen = q.column(1).text();
            protocol::Play& p = r.play;
            p.id = q.column(2).text();
            p.loop_id = q.column(3).text();
            p.loop_end = q.column(4).int32() != 0;
            const std::string kind = q.column(5).text();
            p.kind = kind == "emergency"         ? protocol::PlayKind::emergency
                     : kind == "quiz_invitation" ? protocol::PlayKind::quiz_invitation
                                                 : protocol::PlayKind::item;
            p.slide_id = q.column(6).text();
            p.title = q.column(7).text();
            p.start_ms = q.column(8).int64();
            p.duration_ms = q.column(9).int64();
            p.public_service = q.column(10).int32() != 0;
            p.manifest_version = q.column(11).text();
            visit(r);
        }
    }
}

}  // namespace signage::server::sql
