namespace Tribu.Tests.Infrastructure;

/// <summary>
/// What the machine offers the tests. ./test.sh sets these; on a developer machine without them the
/// PostgreSQL and browser tests are skipped, unless TRIBU_TEST_REQUIRE_ALL=1 makes a missing one a failure.
/// </summary>
public static class TestEnvironment
{
    /// <summary>A connection string to a PostgreSQL server where the role may create databases.</summary>
    public static string? PostgresAdmin => Environment.GetEnvironmentVariable("TRIBU_TEST_POSTGRES");

    public static string ChromiumPath => Environment.GetEnvironmentVariable("TRIBU_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>A Redis server for the tests (host:port), started by ./test.sh.</summary>
    public static string? Redis => Environment.GetEnvironmentVariable("TRIBU_TEST_REDIS");

    public static void RequireRedis()
    {
        if (string.IsNullOrEmpty(Redis))
        {
            if (RequireAll) Assert.Fail("TRIBU_TEST_REDIS is not set but TRIBU_TEST_REQUIRE_ALL=1: Redis tests must run.");
            Assert.Skip("Redis is not available (set TRIBU_TEST_REDIS, or run ./test.sh).");
        }
    }

    public static bool RequireAll => Environment.GetEnvironmentVariable("TRIBU_TEST_REQUIRE_ALL") == "1";

    public static void RequirePostgres()
    {
        if (string.IsNullOrEmpty(PostgresAdmin))
        {
            if (RequireAll) Assert.Fail("TRIBU_TEST_POSTGRES is not set but TRIBU_TEST_REQUIRE_ALL=1: PostgreSQL tests must run.");
            Assert.Skip("PostgreSQL is not available (set TRIBU_TEST_POSTGRES, or run ./test.sh).");
        }
    }

    public static void RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (RequireAll) Assert.Fail($"Chromium is missing at {ChromiumPath} but TRIBU_TEST_REQUIRE_ALL=1: browser tests must run.");
            Assert.Skip($"Chromium is not installed at {ChromiumPath} (apt-get install chromium, or run ./test.sh).");
        }
    }
}
