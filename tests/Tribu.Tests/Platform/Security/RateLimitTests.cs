using System.Net;
using System.Net.Http.Json;
using Tribu.Tests.Infrastructure;

namespace Tribu.Tests.Platform.Security;

public sealed class RateLimitedAppFactory() : TribuAppFactory(TestDatabase.Sqlite, new Dictionary<string, string?>
{
    ["RateLimits:LogInPerMinute"] = "3",
    ["RateLimits:SignUpPerHour"] = "2",
});

public sealed class RateLimitTests(RateLimitedAppFactory app) : IClassFixture<RateLimitedAppFactory>
{
    [Fact]
    public async Task LogIn_TooManyAttempts_Returns429WithRetryAfterAndAMessageInTheLanguage()
    {
        using var client = app.CreateTribuClient("fr");
        for (var i = 0; i < 3; i++)
        {
            (await client.SubmitAsync("/account/login", "login", new Dictionary<string, string> { ["Input.Email"] = "x@example.com", ["Input.Password"] = "wrong password" }))
                .StatusCode.ShouldNotBe(HttpStatusCode.TooManyRequests);
        }

        var blocked = await client.SubmitAsync("/account/login", "login", new Dictionary<string, string> { ["Input.Email"] = "x@example.com", ["Input.Password"] = "wrong password" });

        blocked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        blocked.Headers.RetryAfter.ShouldNotBeNull();
        (await blocked.Content.ReadAsStringAsync()).ShouldContain("Trop de tentatives");
        // Reading pages is never limited.
        (await client.GetAsync("/")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignUpApi_TooManyAttempts_Returns429ProblemDetails()
    {
        using var client = app.CreateTribuClient();
        for (var i = 0; i < 2; i++)
        {
            await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email = $"rl{i}{Guid.NewGuid():N}"[..12] + "@example.com", password = "a long enough passphrase", displayName = "R" });
        }
        var blocked = await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email = "late@example.com", password = "a long enough passphrase", displayName = "R", acceptConduct = true });
        blocked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        blocked.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
