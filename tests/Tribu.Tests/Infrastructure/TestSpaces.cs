using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Infrastructure;

public static class TestSpaces
{
    /// <summary>Creates a space with a unique slug and returns the slug.</summary>
    public static Task<string> CreateAsync(TribuAppFactory app, SpaceVisibility visibility = SpaceVisibility.Public, bool staffOnly = false) =>
        app.WithDbAsync(async db =>
        {
            var slug = $"space-{Guid.NewGuid():N}"[..16];
            db.Spaces.Add(new Space { Slug = slug, Name = $"Space {slug}", Description = "For tests", Visibility = visibility, StaffOnlyTopics = staffOnly, CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
            return slug;
        });
}
