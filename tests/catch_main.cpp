#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <cstdio>

#include "support/show_on_failure.hpp"

namespace {

// Prints every ShowOnFailure in scope at a test case's first failed assertion
// (each once), so a failure shows the logs as they were when it happened.
class ShowOnFailureListener : public Catch::TestEventListenerBase {
  public:
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const& info) override {
        for (auto* s : signage::test::ShowOnFailure::registry()) s->shown = false;
        TestEventListenerBase::testCaseStarting(info);
    }

    void assertionStarting(Catch::AssertionInfo const&) override {}

    bool assertionEnded(Catch::AssertionStats const& stats) override {
        if (!stats.assertionResult.isOk()) {
            for (auto* s : signage::test::ShowOnFailure::registry()) {
                if (s->shown) continue;
                s->shown = true;
                std::fputs(s->render().c_str(), stderr);
            }
            std::fflush(stderr);
        }
        return true;
    }
};

}  // namespace

CATCH_REGISTER_LISTENER(ShowOnFailureListener)
