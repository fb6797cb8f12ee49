using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Resources;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Spaces;

public static class SpacesFeature
{
    public static IServiceCollection AddSpacesFeature(this IServiceCollection services) => services.AddScoped<SpaceEditor>().AddScoped<SpaceMemberships>()
        .AddTransient<Microsoft.AspNetCore.Authentication.IClaimsTransformation, SpaceMembershipClaims>();

    public static RouteGroupBuilder MapSpaceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/spaces").WithTags("Spaces");
        group.MapGet("/", async (ClaimsPrincipal user, TribuDbContext db, CancellationToken ct) =>
        {
            var readable = SpaceAccess.ReadableBy(user);
            var spaces = await db.Spaces.AsNoTracking()
                .ReadableBy(readable)
                .OrderBy(s => s.Order).ThenBy(s => s.Name)
                .Select(s => new SpaceResponse(s.Id, s.Slug, s.Name, s.Description, s.Visibility, s.Color, s.Icon,
                    db.Topics.Count(t => t.SpaceId == s.Id && !t.IsDeleted)))
                .ToListAsync(ct);
            return TypedResults.Ok(spaces);
        }).WithName("ListSpaces").WithSummary("The spaces the caller may read, in display order.");
        group.MapPost("/", SaveAsync(null)).WithName("CreateSpace").WithSummary("Create a space (admins and community managers).").RequireAuthorization(Tribu.Web.Features.Members.Policies.Manager);
        group.MapPut("/{id:int}", (int id, SpaceRequest request, ClaimsPrincipal user, SpaceEditor editor, TribuDbContext db, Microsoft.Extensions.Localization.IStringLocalizer<Tribu.Web.Resources.ManageStrings> l, CancellationToken ct) =>
            SaveAsync(id)(request, user, editor, db, l, ct)).WithName("UpdateSpace").WithSummary("Change a space (admins and community managers).").RequireAuthorization(Tribu.Web.Features.Members.Policies.Manager);
        MapMemberEndpoints(group);
        return api;
    }

    private static void MapMemberEndpoints(RouteGroupBuilder group)
    {
        group.MapGet("/{slug}/members", async Task<Results<Ok<List<SpaceMemberResponse>>, NotFound>> (string slug, ClaimsPrincipal user, TribuDbContext db, CancellationToken ct) =>
        {
            var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
            if (space is null || !SpaceAccess.CanRead(space, user)) return TypedResults.NotFound();
            var rows = SpaceMemberships.Rows(db, space.Id, withInvitations: SpaceAccess.CanManageMembers(space, user));
            return TypedResults.Ok(await rows.Take(1000).Select(r => new SpaceMemberResponse(r.Handle, r.DisplayName, r.Role, r.Status, r.Since)).ToListAsync(ct));
        }).WithName("ListSpaceMembers").WithSummary("A space's moderators and members (invitations too, for those who manage it).");
        group.MapPost("/{slug}/members", async Task<Results<Created<SpaceMemberResponse>, ValidationProblem, NotFound, ProblemHttpResult>> (
            string slug, SpaceMemberRequest request, ClaimsPrincipal user, TribuDbContext db, SpaceMemberships memberships, HttpContext http,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
            if (space is null || !SpaceAccess.CanRead(space, user)) return TypedResults.NotFound();
            var role = request.Role ?? SpaceRole.Member;
            var change = await memberships.AddAsync(space, request.Handle, role, user, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}", ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Created($"/api/v1/spaces/{slug}/members",
                    await SpaceMemberships.Rows(db, space.Id, withInvitations: true, change.Value!.MemberId)
                        .Select(r => new SpaceMemberResponse(r.Handle, r.DisplayName, r.Role, r.Status, r.Since)).FirstAsync(ct)),
                Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
                _ => Forbidden(l),
            };
        }).WithName("AddSpaceMember").WithSummary("Add a member to a private space, invite one to an invite-only space, or appoint a moderator (staff).").RequireAuthorization();
        group.MapDelete("/{slug}/members/{handle}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (
            string slug, string handle, ClaimsPrincipal user, TribuDbContext db, SpaceMemberships memberships, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
            var wanted = handle.TrimStart('@').ToLowerInvariant();
            var member = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Handle == wanted, ct);
            if (space is null || member is null || !SpaceAccess.CanRead(space, user)) return TypedResults.NotFound();
            return (await memberships.RemoveAsync(space, member.Id, user, ct)).Outcome switch
            {
                Outcome.Ok => TypedResults.NoContent(),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => Forbidden(l),
            };
        }).WithName("RemoveSpaceMember").WithSummary("Remove a member or moderator from a space; a member may remove themselves (leave).").RequireAuthorization();
        group.MapPost("/{slug}/invitation", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (
            string slug, SpaceInvitationAnswer answer, ClaimsPrincipal user, TribuDbContext db, SpaceMemberships memberships, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
            if (space is null) return TypedResults.NotFound();
            return (await memberships.AnswerInvitationAsync(space, answer.Accept, user, ct)).Outcome switch
            {
                Outcome.Ok => TypedResults.NoContent(),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => Forbidden(l),
            };
        }).WithName("AnswerSpaceInvitation").WithSummary("Accept or decline an invitation to an invite-only space.").RequireAuthorization();
    }

    private static ProblemHttpResult Forbidden(IStringLocalizer<UiStrings> l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"], detail: l["Topic.NotAllowed"]);

    private static Func<SpaceRequest, ClaimsPrincipal, SpaceEditor, TribuDbContext, Microsoft.Extensions.Localization.IStringLocalizer<Tribu.Web.Resources.ManageStrings>, CancellationToken,
        Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<SpaceResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>>> SaveAsync(int? id) =>
        async (request, user, editor, db, l, ct) =>
        {
            var (space, errors) = await editor.SaveAsync(id, request, user, ct);
            if (space is null) return TypedResults.ValidationProblem(errors, title: l["Validation.Title"]);
            return TypedResults.Ok(new SpaceResponse(space.Id, space.Slug, space.Name, space.Description, space.Visibility, space.Color, space.Icon,
                await db.Topics.CountAsync(t => t.SpaceId == space.Id && !t.IsDeleted, ct)));
        };
}

/// <summary>A space and how many topics it holds.</summary>
public sealed record SpaceResponse(int Id, string Slug, string Name, string Description, SpaceVisibility Visibility, string Color, string? Icon, int TopicCount);

/// <summary>A space's member; <c>Status</c> is <c>Invited</c> until an invitation is accepted.</summary>
public sealed record SpaceMemberResponse(string Handle, string DisplayName, SpaceRole Role, MembershipStatus Status, DateTime Since);

/// <summary>Who to add (a handle such as <c>camille</c>) and as what (<c>Member</c>, the default, or <c>Moderator</c>).</summary>
public sealed record SpaceMemberRequest(string? Handle, SpaceRole? Role);

public sealed record SpaceInvitationAnswer(bool Accept);
