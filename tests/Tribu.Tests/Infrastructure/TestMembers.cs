using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Infrastructure;

/// <summary>Creates confirmed members with a role directly, for tests about what each role may do.</summary>
public static class TestMembers
{
    public const string Password = "members password 123";

    public static Task<string> CreateAsync(TribuAppFactory app, string role = Roles.Member, string? language = null) =>
        app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Member>>();
            var id = Guid.NewGuid().ToString("N")[..10];
            var email = $"{role[..3]}{id}@example.com";
            var member = new Member
            {
                UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Test {role} {id}", Handle = $"t_{id}",
                PreferredLanguage = language, CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
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
