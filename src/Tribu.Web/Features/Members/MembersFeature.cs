using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Members;

public static class MembersFeature
{
    public static IServiceCollection AddMembersFeature(this IServiceCollection services) => services;

    public static RouteGroupBuilder MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/members").WithTags("Members");
        group.MapGet("/{handle}", async Task<Results<Ok<MemberResponse>, NotFound>> (string handle, TribuDbContext db, CancellationToken ct) =>
        {
            var normalized = handle.ToLowerInvariant();
            var member = await db.Users.AsNoTracking().FirstOrDefaultAsync(m => m.Handle == normalized, ct);
            return member is null ? TypedResults.NotFound() : TypedResults.Ok(MemberResponse.FromEntity(member));
        }).WithName("GetMember").WithSummary("A member's public profile.");
        return api;
    }
}

/// <summary>A member as anyone may see them: no e-mail, no private data.</summary>
public sealed record MemberResponse(string Handle, string DisplayName, string Initials, string? Bio, string? Location, string[] Interests, DateTime MemberSince)
{
    public static MemberResponse FromEntity(Member m) =>
        new(m.Handle, m.DisplayName, m.Initials, m.Bio, m.Location, ProfileUpdate.SplitInterests(m.Interests), m.CreatedAt);
}
