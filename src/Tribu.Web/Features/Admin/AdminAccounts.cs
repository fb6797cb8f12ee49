using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Admin;

/// <summary>Creating administrators: on the first run and from the CLI.</summary>
public sealed class AdminAccounts(UserManager<Member> users, TribuDbContext db, TimeProvider clock)
{
    public sealed record Created(string Email, string Password);

    public async Task<bool> AnyAdminAsync(CancellationToken ct = default) =>
        await db.UserRoles.AnyAsync(ur => db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin), ct);

    /// <summary>Creates (or promotes) an administrator with a confirmed e-mail.</summary>
    public async Task<Created> CreateAsync(string email, string? password, string displayName, CancellationToken ct = default)
    {
        password ??= GeneratePassword();
        var member = await users.FindByEmailAsync(email);
        if (member is null)
        {
            member = new Member
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = displayName,
                Handle = await UniqueHandleAsync(db, Member.HandleFrom(email.Split('@')[0]), ct),
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                // The first administrator runs the community: the highest level, kept whatever their activity.
                TrustLevel = TrustLevel.Leader,
                TrustLevelLocked = true,
                TrustLevelChangedAt = clock.GetUtcNow().UtcDateTime,
            };
            Throw(await users.CreateAsync(member, password));
        }
        else
        {
            Throw(await users.RemovePasswordAsync(member));
            Throw(await users.AddPasswordAsync(member, password));
        }
        foreach (var role in new[] { Roles.Admin, Roles.Member })
        {
            if (!await users.IsInRoleAsync(member, role))
            {
                Throw(await users.AddToRoleAsync(member, role));
            }
        }
        return new Created(email, password);
    }

    /// <summary>A 20-character password from an unambiguous alphabet, with a few separators for readability.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = Enumerable.Range(0, 18).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray();
        return $"{new string(chars, 0, 6)}-{new string(chars, 6, 6)}-{new string(chars, 12, 6)}";
    }

    public static async Task<string> UniqueHandleAsync(TribuDbContext db, string candidate, CancellationToken ct)
    {
        var handle = candidate;
        for (var i = 2; await db.Users.AnyAsync(u => u.Handle == handle, ct); i++)
        {
            handle = $"{candidate}{i}";
        }
        return handle;
    }

    private static void Throw(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
