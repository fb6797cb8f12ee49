using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Infrastructure;

/// <summary>Creates confirmed members with a role directly, for tests about what each role may do.</summary>
public static class TestMembers
{
    public const string Password = "members password 123";

    /// <summary>
    /// An established member (joined a month ago, trust level 1) unless <paramref name="newcomer"/> (trust level 0: new
    /// members are slowed down when posting and their flags weigh nothing).
    /// </summary>
    public static Task<string> CreateAsync(TribuAppFactory app, string role = Roles.Member, string? language = null, bool newcomer = false) =>
        app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Member>>();
            var id = Guid.NewGuid().ToString("N")[..10];
            var email = $"{role[..3]}{id}@example.com";
            var member = new Member
            {
                UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Test {role} {id}", Handle = $"t_{id}",
                PreferredLanguage = language, CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(newcomer ? 0 : -30),
                TrustLevel = newcomer ? TrustLevel.New : TrustLevel.Basic,
            };
            (await users.CreateAsync(member, Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(member, Roles.Member)).Succeeded.ShouldBeTrue();
            if (role != Roles.Member)
            {
                (await users.AddToRoleAsync(member, role)).Succeeded.ShouldBeTrue();
            }
            return email;
        });

    public static async Task<TribuClient> LoggedInAsync(TribuAppFactory app, string role, string acceptLanguage = "en")
    {
        var client = app.CreateTribuClient(acceptLanguage);
        if (role == Roles.Admin)
        {
            await client.LogInAsync(TribuAppFactory.AdminEmail, TribuAppFactory.AdminPassword);
        }
        else
        {
            await client.LogInAsync(await CreateAsync(app, role), Password);
        }
        return client;
    }
}

/// <summary>A logged-in member with their handle and e-mail, for tests that need to name them.</summary>
public sealed record TestPerson(TribuClient Client, string Handle, string Email) : IDisposable
{
    public static async Task<TestPerson> CreateAsync(TribuAppFactory app, string role = Roles.Member, string language = "en", bool newcomer = false)
    {
        var email = await TestMembers.CreateAsync(app, role, language, newcomer);
        var client = app.CreateTribuClient(language);
        await client.LogInAsync(email, TestMembers.Password);
        var me = await client.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/account/me");
        return new TestPerson(client, me.GetProperty("handle").GetString()!, email);
    }

    public void Dispose() => Client.Dispose();
}
