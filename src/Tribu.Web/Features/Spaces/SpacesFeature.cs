using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Spaces;

public static class SpacesFeature
{
    public static IServiceCollection AddSpacesFeature(this IServiceCollection services) => services;

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
        return api;
    }
}

/// <summary>A space and how many topics it holds.</summary>
public sealed record SpaceResponse(int Id, string Slug, string Name, string Description, SpaceVisibility Visibility, string Color, string? Icon, int TopicCount);
