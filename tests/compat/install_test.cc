// EnsureInstalled against the test's real server: an open whose
// session is lost while litelift checks its schema names the lost session,
// not an install it never tried (found as a flaky e2e_faults message).
#include "libsqlite3-compat/server/install.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <string>

namespace {

const char* TestDsn() { return std::getenv("LITELIFT_TEST_DSN"); }

// Ends conn's backend from a session of the test's own.
void TerminateBackendOf(PGconn* conn) {
  PGconn* admin = PQconnectdb(TestDsn());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  std::string sql =
      "SELECT pg_terminate_backend(" + std::to_string(PQbackendPID(conn)) + ")";
  PGresult* r = PQexec(admin, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(admin);
  PQclear(r);
  PQfinish(admin);
}

TEST(EnsureInstalled, HealthySessionInstallsOrFindsTheSchema) {
  ASSERT_NE(TestDsn(), nullptr) << "LITELIFT_TEST_DSN is not set";
  PGconn* conn = PQconnectdb(TestDsn());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  std::string error;
  EXPECT_TRUE(
      litelift::compat::EnsureInstalled(conn, "install_test healthy", &error))
      << error;
  PQfinish(conn);
}

TEST(EnsureInstalled, LostSessionNamesTheLostSession) {
  ASSERT_NE(TestDsn(), nullptr) << "LITELIFT_TEST_DSN is not set";
  PGconn* conn = PQconnectdb(TestDsn());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  TerminateBackendOf(conn);
  std::string error;
  EXPECT_FALSE(
      litelift::compat::EnsureInstalled(conn, "install_test lost", &error));
  EXPECT_EQ(
      error.rfind("litelift: cannot read the litelift schema version: ", 0), 0u)
      << error;
  EXPECT_EQ(error.find("cannot install"), std::string::npos) << error;
  PQfinish(conn);
}

}  // namespace
