#pragma once
// One transaction's repositories over one SQL connection (either backend).
// Internal to the SQL backends.

#include "store/sql/sql_repositories.hpp"
#include "units/unit_tree.hpp"

namespace signage::server::sql {

// One transaction's repositories over the connection.
class SqlTx final : public Tx {
  public:
    SqlTx(Connection& db, ScreenCache& cache, UnitTreeCache& unit_cache)
        : unit_cache_(unit_cache),
          units_(db),
          users_(db),
          groups_(db),
          screens_(db, cache, screens_changed),
          health_(db),
          slides_(db, "slides"),
          questions_(db, "quiz_questions"),
          manifests_(db),
          orders_(db),
          media_(db),
          quiz_results_(db),
          plays_(db),
          audit_(db),
          settings_(db),
          webhooks_(db),
          throttles_(db),
          pairings_(db) {}

    UnitRepository& units() override { return units_; }
    std::shared_ptr<const UnitTree> unit_tree() override { return unit_cache_.get(units_); }
    UserRepository& users() override { return users_; }
    GroupRepository& groups() override { return groups_; }
    ScreenRepository& screens() override { return screens_; }
    ScreenHealthRepository& health() override { return health_; }
    ReviewRepository& slides() override { return slides_; }
    ReviewRepository& questions() override { return questions_; }
    ManifestRepository& manifests() override { return manifests_; }
    OrderRepository& orders() override { return orders_; }
    MediaRepository& media() override { return media_; }
    QuizResultRepository& quiz_results() override { return quiz_results_; }
    PlayRepository& plays() override { return plays_; }
    AuditRepository& audit() override { return audit_; }
    SettingsRepository& settings() override { return settings_; }
    WebhookRepository& webhooks() override { return webhooks_; }
    ThrottleRepository& throttles() override { return throttles_; }
    PairingRepository& pairings() override { return pairings_; }

    bool screens_changed = false;

  private:
    UnitTreeCache& unit_cache_;
    Units units_;
    Users users_;
    Groups groups_;
    Screens screens_;
    Health health_;
    Reviews slides_;
    Reviews questions_;
    Manifests manifests_;
    Orders orders_;
    Media media_;
    QuizResults quiz_results_;
    Plays plays_;
    Audit audit_;
    Settings settings_;
    Webhooks webhooks_;
    Throttles throttles_;
    Pairings pairings_;
};

}  // namespace signage::server::sql
