using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Members;

public static class MembersFeature
{
    public static IServiceCollection AddMembersFeature(this IServiceCollection services) => services.AddScoped<MemberDirectory>();

    public static RouteGroupBuilder MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/members").WithTags("Members");
        group.MapGet("/", async (string? q, string? interest, string? location, string? sort, int? page, System.Security.Claims.ClaimsPrincipal user, MemberDirectory directory, CancellationToken ct) =>
        {
            var (members, total) = await directory.SearchAsync(new MemberDirectory.Query(q, interest, location, sort, page ?? 1), user.Identity?.IsAuthenticated == true, ct);
            return TypedResults.Ok(new DirectoryResponse(total, members));
        }).WithName("ListMembers").WithSummary("The member directory: search by name or handle, filter by interest and location; sort active, newest or name.");
        group.MapGet("/suggestions", async Task<Results<Ok<List<DirectoryEntry>>, UnauthorizedHttpResult>> (System.Security.Claims.ClaimsPrincipal user,
            Microsoft.AspNetCore.Identity.UserManager<Member> users, MemberDirectory directory, CancellationToken ct) =>
            await users.GetUserAsync(user) is { } me ? TypedResults.Ok(await directory.SuggestAsync(me, ct)) : TypedResults.Unauthorized())
            .WithName("SuggestMembers").WithSummary("Members who share the caller's interests.").RequireAuthorization();
        group.MapGet("/{handle}", async Task<Results<Ok<MemberResponse>, NotFound>> (string handle, System.Security.Claims.ClaimsPrincipal user, TribuDbContext db, CancellationToken ct) =>
        {
            var normalized = handle.ToLowerInvariant();
            var signedIn = user.Identity?.IsAuthenticated == true;
            var member = await db.Users.AsNoTracking().FirstOrDefaultAsync(m => m.Handle == normalized && m.ErasedAt == null
                && (signedIn || m.ProfileVisibility == ProfileVisibility.Everyone), ct);
            return member is null ? TypedResults.NotFound() : TypedResults.Ok(MemberResponse.FromEntity(member));
        }).WithName("GetMember").WithSummary("A member's public profile.");
        return api;
    }
}

/// <summary>One page of the directory and how many members match.</summary>
public sealed record DirectoryResponse(int Total, List<DirectoryEntry> Members);

/// <summary>A member as anyone may see them: no e-mail, no private data.</summary>
public sealed record MemberResponse(string Handle, string DisplayName, string Initials, string? Bio, string? Location, string[] Interests, DateTime MemberSince)
{
    public static MemberResponse FromEntity(Member m) =>
        new(m.Handle, m.DisplayName, m.Initials, m.Bio, m.Location, ProfileUpdate.SplitInterests(m.Interests), m.CreatedAt);
}
