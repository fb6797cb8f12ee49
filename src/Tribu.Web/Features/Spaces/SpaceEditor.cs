using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Spaces;

/// <summary>A space as staff create or change it.</summary>
public sealed record SpaceRequest(string? Slug, string? Name, string? Description, SpaceVisibility? Visibility, string? Color, string? Icon, int? Order, bool StaffOnlyTopics);

/// <summary>Creating and editing spaces (staff): validation with field errors, unique slugs.</summary>
public sealed partial class SpaceEditor(TribuDbContext db, TimeProvider clock, IStringLocalizer<ManageStrings> l, Moderation.AuditLog audit, Notifications.ILiveBus live)
{
    public async Task<(Space? Space, Dictionary<string, string[]> Errors)> SaveAsync(int? id, SpaceRequest request, System.Security.Claims.ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var slug = (request.Slug ?? "").Trim().ToLowerInvariant();
        var name = (request.Name ?? "").Trim();
        if (!SlugRegex().IsMatch(slug)) errors["Slug"] = [l["Spaces.SlugInvalid"]];
        else if (await db.Spaces.AnyAsync(s => s.Slug == slug && s.Id != id, ct)) errors["Slug"] = [l["Spaces.SlugTaken"]];
        if (name.Length is 0 or > 80) errors["Name"] = [l["Spaces.NameInvalid"]];
        if ((request.Description?.Length ?? 0) > 500) errors["Description"] = [l["Spaces.DescriptionTooLong"]];
        if (request.Visibility is null || !Enum.IsDefined(request.Visibility.Value)) errors["Visibility"] = [l["Spaces.VisibilityInvalid"]];
        if (!SiteSettings.IsColor(request.Color)) errors["Color"] = [l["Settings.ColorInvalid"]];
        if ((request.Icon?.Length ?? 0) > 16) errors["Icon"] = [l["Spaces.IconInvalid"]];
        if (errors.Count > 0) return (null, errors);

        var space = id is null ? null : await db.Spaces.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (id is not null && space is null) return (null, new() { [""] = [l["Spaces.NotFound"]] });
        var before = space is null ? null : Snapshot(space);
        if (space is null)
        {
            space = new Space { CreatedAt = clock.GetUtcNow().UtcDateTime, Order = await db.Spaces.Select(s => (int?)s.Order).MaxAsync(ct) + 1 ?? 1 };
            db.Spaces.Add(space);
        }
        space.Slug = slug;
        space.Name = name;
        space.Description = request.Description?.Trim() ?? "";
        space.Visibility = request.Visibility!.Value;
        space.Color = request.Color!;
        space.Icon = string.IsNullOrWhiteSpace(request.Icon) ? null : request.Icon.Trim();
        space.Order = request.Order ?? space.Order;
        space.StaffOnlyTopics = request.StaffOnlyTopics;
        try
        {
            await db.SaveChangesAsync(ct);
            // A new space has its id only now: its entry follows it.
            audit.Record(actor, before is null ? Moderation.AuditActions.SpaceCreate : Moderation.AuditActions.SpaceUpdate, "space", space.Id, before, Snapshot(space));
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two staff members picked the same new slug at the same moment.
            db.Entry(space).State = EntityState.Detached;
            return (null, new() { ["Slug"] = [l["Spaces.SlugTaken"]] });
        }
        // A space's name and visibility show on every page (and decide who sees its topics): cached pages go.
        await live.PublishAsync(Notifications.LiveChannels.Site, ct);
        return (space, errors);
    }

    private static object Snapshot(Space s) => new { s.Slug, s.Name, s.Description, Visibility = s.Visibility.ToString(), s.Color, s.Icon, s.Order, s.StaffOnlyTopics };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,59}$")]
    private static partial Regex SlugRegex();
}
