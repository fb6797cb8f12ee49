using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Members;

/// <summary>A member as the directory shows them: no e-mail, nothing private.</summary>
public sealed record DirectoryEntry(string Handle, string DisplayName, string? Bio, string? Location, string[] Interests, DateTime MemberSince, DateTime? LastSeenAt, string[] SharedInterests);

/// <summary>Finding members, and the ones who share your interests: connecting people is the community manager's job.</summary>
public sealed class MemberDirectory(TribuDbContext db)
{
    public const int PageSize = 24;
    public const int SuggestionCount = 6;

    public sealed record Query(string? Text, string? Interest, string? Location, string? Sort, int Page);

#pragma warning disable CA1304, CA1311, CA1862 // ToLower() here is translated to SQL lower(), not run in .NET.
    public async Task<(List<DirectoryEntry> Members, int Total)> SearchAsync(Query query, bool signedIn, CancellationToken ct = default)
    {
        var members = db.Users.AsNoTracking().Where(m => m.EmailConfirmed && m.ErasedAt == null && (signedIn || m.ProfileVisibility == ProfileVisibility.Everyone));
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim().ToLowerInvariant();
            members = members.Where(m => m.Handle.Contains(text) || m.DisplayName.ToLower().Contains(text));
        }
        if (!string.IsNullOrWhiteSpace(query.Interest))
        {
            var needle = "," + query.Interest.Trim().ToLowerInvariant() + ",";
            members = members.Where(m => ("," + m.Interests + ",").Contains(needle));
        }
        if (!string.IsNullOrWhiteSpace(query.Location))
        {
            var place = query.Location.Trim().ToLowerInvariant();
            members = members.Where(m => m.Location != null && m.Location.ToLower().Contains(place));
        }
        members = query.Sort switch
        {
            "newest" => members.OrderByDescending(m => m.CreatedAt),
            "name" => members.OrderBy(m => m.DisplayName),
            _ => members.OrderByDescending(m => m.LastSeenAt).ThenBy(m => m.DisplayName),
        };
        var total = await members.CountAsync(ct);
        var page = await members.Skip((Math.Max(1, query.Page) - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return ([.. page.Select(m => ToEntry(m, []))], total);
    }
#pragma warning restore CA1304, CA1311, CA1862

    /// <summary>Other members sharing the most interests with <paramref name="member"/>, the recently active first.</summary>
    public async Task<List<DirectoryEntry>> SuggestAsync(Member member, CancellationToken ct = default)
    {
        var mine = ProfileUpdate.SplitInterests(member.Interests);
        if (mine.Length == 0)
        {
            return [];
        }
        var candidates = db.Users.AsNoTracking().Where(m => m.Id != member.Id && m.EmailConfirmed && m.Interests != null);
        // Any shared interest: an OR of "contains ,interest," for each of mine (at most ten).
        var any = mine.Select(i => "," + i + ",").ToArray();
        var matches = await candidates
            .Where(m => any.Any(needle => ("," + m.Interests + ",").Contains(needle)))
            .OrderByDescending(m => m.LastSeenAt).Take(200).ToListAsync(ct);
        return [.. matches
            .Select(m => (Member: m, Shared: ProfileUpdate.SplitInterests(m.Interests).Intersect(mine).ToArray()))
            .OrderByDescending(x => x.Shared.Length).ThenByDescending(x => x.Member.LastSeenAt)
            .Take(SuggestionCount)
            .Select(x => ToEntry(x.Member, x.Shared))];
    }

    private static DirectoryEntry ToEntry(Member m, string[] shared) =>
        new(m.Handle, m.DisplayName, m.Bio, m.Location, ProfileUpdate.SplitInterests(m.Interests), m.CreatedAt, m.LastSeenAt, shared);
}
