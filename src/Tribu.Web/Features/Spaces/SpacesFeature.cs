using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Spaces;

public static class SpacesFeature
{
    public static IServiceCollection AddSpacesFeature(this IServiceCollection services) => services.AddScoped<SpaceEditor>();

    public static RouteGroupBuilder MapSpaceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/spaces").WithTags("Spaces");
        group.MapGet("/", async (ClaimsPrincipal user, TribuDbContext db, CancellationToken ct) =>
        {
            var readable = SpaceAccess.ReadableBy(user);
            var spaces = await db.Spaces.AsNoTracking()
                .Where(s => readable.Contains(s.Visibility))
                .OrderBy(s => s.Order).ThenBy(s => s.Name)
                .Select(s => new SpaceResponse(s.Id, s.Slug, s.Name, s.Description, s.Visibility, s.Color, s.Icon,
                    db.Topics.Count(t => t.SpaceId == s.Id && !t.IsDeleted)))
                .ToListAsync(ct);
            return TypedResults.Ok(spaces);
        }).WithName("ListSpaces").WithSummary("The spaces the caller may read, in display order.");
        group.MapPost("/", SaveAsync(null)).WithName("CreateSpace").WithSummary("Create a space (admins and community managers).").RequireAuthorization(Tribu.Web.Features.Members.Policies.Manager);
        group.MapPut("/{id:int}", (int id, SpaceRequest request, SpaceEditor editor, TribuDbContext db, Microsoft.Extensions.Localization.IStringLocalizer<Tribu.Web.Resources.ManageStrings> l, CancellationToken ct) =>
            SaveAsync(id)(request, editor, db, l, ct)).WithName("UpdateSpace").WithSummary("Change a space (admins and community managers).").RequireAuthorization(Tribu.Web.Features.Members.Policies.Manager);
        return api;
    }

    private static Func<SpaceRequest, SpaceEditor, TribuDbContext, Microsoft.Extensions.Localization.IStringLocalizer<Tribu.Web.Resources.ManageStrings>, CancellationToken,
        Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<SpaceResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>>> SaveAsync(int? id) =>
        async (request, editor, db, l, ct) =>
        {
            var (space, errors) = await editor.SaveAsync(id, request, ct);
            if (space is null) return TypedResults.ValidationProblem(errors, title: l["Validation.Title"]);
            return TypedResults.Ok(new SpaceResponse(space.Id, space.Slug, space.Name, space.Description, space.Visibility, space.Color, space.Icon,
                await db.Topics.CountAsync(t => t.SpaceId == space.Id && !t.IsDeleted, ct)));
        };
}

/// <summary>A space and how many topics it holds.</summary>
public sealed record SpaceResponse(int Id, string Slug, string Name, string Description, SpaceVisibility Visibility, string Color, string? Icon, int TopicCount);
