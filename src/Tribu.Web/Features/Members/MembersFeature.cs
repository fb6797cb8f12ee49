using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Members;

public static class MembersFeature
{
    public static IServiceCollection AddMembersFeature(this IServiceCollection services)
    {
        services.AddOptions<TrustLevelOptions>().BindConfiguration(TrustLevelOptions.Section);
        services.AddScoped<MemberDirectory>();
        services.AddScoped<TrustLevels>();
        services.AddSingleton<ActivityTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivityTracker>());
        return services;
    }

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
        group.MapPut("/{handle}/trust-level", async Task<Results<Ok<MemberResponse>, ValidationProblem, NotFound, ProblemHttpResult>> (string handle, TrustLevelRequest request,
            System.Security.Claims.ClaimsPrincipal user, TribuDbContext db, TrustLevels levels, Microsoft.Extensions.Localization.IStringLocalizer<Resources.UiStrings> l, CancellationToken ct) =>
        {
            var normalized = handle.ToLowerInvariant();
            var id = await db.Users.Where(m => m.Handle == normalized).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
            if (id is null) return TypedResults.NotFound();
            var level = request.Level is { } n && Enum.IsDefined((TrustLevel)n) ? (TrustLevel)n : (TrustLevel?)null;
            var change = await levels.SetAsync(user, id.Value, level, request.Locked ?? true, request.Reason, ct);
            return change.Outcome switch
            {
                Topics.Outcome.Ok => TypedResults.Ok(MemberResponse.FromEntity(change.Value!)),
                Topics.Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                Topics.Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"], detail: l["Topic.NotAllowed"]),
            };
        }).WithName("SetMemberTrustLevel").WithSummary("Staff set a member's trust level (0 new … 4 leader) and lock it (the nightly job then leaves it), or unlock it; a reason is required.")
            .RequireAuthorization(Policies.Staff);
        return api;
    }
}

/// <summary>One page of the directory and how many members match.</summary>
public sealed record DirectoryResponse(int Total, List<DirectoryEntry> Members);

/// <summary>A member as anyone may see them: no e-mail, no private data. <c>TrustLevel</c>: 0 new … 4 leader.</summary>
public sealed record MemberResponse(string Handle, string DisplayName, string Initials, string? Bio, string? Location, string[] Interests, DateTime MemberSince, int TrustLevel)
{
    public static MemberResponse FromEntity(Member m) =>
        new(m.Handle, m.DisplayName, m.Initials, m.Bio, m.Location, ProfileUpdate.SplitInterests(m.Interests), m.CreatedAt, (int)m.TrustLevel);
}

/// <summary>A trust level (0–4), whether to lock it (default true), and why.</summary>
public sealed record TrustLevelRequest(int? Level, bool? Locked, string? Reason);
