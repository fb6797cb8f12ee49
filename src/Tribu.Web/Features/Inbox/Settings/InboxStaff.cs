using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>The people the inbox is for (admins and community managers): who may be in a team or be assigned by a rule.</summary>
public static class InboxStaff
{
    public sealed record Person(Guid Id, string Handle, string DisplayName);

    public static IQueryable<Member> Managers(TribuDbContext db) =>
        db.Users.Where(u => u.ErasedAt == null
            && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Admin || r.Name == Roles.CommunityManager))));

    public static Task<List<Person>> ListAsync(TribuDbContext db, CancellationToken ct = default) =>
        Managers(db).AsNoTracking().OrderBy(u => u.DisplayName).ThenBy(u => u.Handle).Select(u => new Person(u.Id, u.Handle, u.DisplayName)).ToListAsync(ct);

    /// <summary>A member by handle ("@name" or "name"), whatever their role; null when there is none.</summary>
    public static async Task<(Person Person, bool IsManager)?> FindAsync(TribuDbContext db, string? handle, CancellationToken ct = default)
    {
        var clean = Clean(handle);
        if (clean is null) return null;
        var person = await db.Users.AsNoTracking().Where(u => u.Handle == clean && u.ErasedAt == null).Select(u => new Person(u.Id, u.Handle, u.DisplayName)).FirstOrDefaultAsync(ct);
        if (person is null) return null;
        return (person, await Managers(db).AnyAsync(u => u.Id == person.Id, ct));
    }

    public static string? Clean(string? handle)
    {
        var clean = handle?.Trim().TrimStart('@').ToLowerInvariant();
        return string.IsNullOrEmpty(clean) || clean.Length > Member.HandleMaxLength ? null : clean;
    }
}
