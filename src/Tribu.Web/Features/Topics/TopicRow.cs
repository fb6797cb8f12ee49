using Tribu.Web.Features.Spaces;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Topics;

/// <summary>A topic as lists show it. Member-initialised (not positional) so EF can filter and sort on it.</summary>
public sealed record TopicRow
{
    public long Id { get; init; }
    public string Slug { get; init; } = "";
    public string Title { get; init; } = "";
    public TopicKind Kind { get; init; }
    public bool IsPinned { get; init; }
    public bool IsSolved { get; init; }
    public bool IsLocked { get; init; }
    public string SpaceSlug { get; init; } = "";
    public string SpaceName { get; init; } = "";
    public string SpaceColor { get; init; } = "";
    public string AuthorHandle { get; init; } = "";
    public string AuthorName { get; init; } = "";
    public int ReplyCount { get; init; }
    public int ViewCount { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime LastPostAt { get; init; }
    public string? Tags { get; init; }
    public bool IsHidden { get; init; }

    /// <summary>Visible topics in the spaces the reader may read (and held ones too, for their author's own answer).</summary>
    public static IQueryable<TopicRow> Query(TribuDbContext db, ReadableSpaces readable, bool includeHidden = false) =>
        db.Topics.InReadableSpaces(readable)
            .Where(t => !t.IsDeleted && (includeHidden || !t.IsHidden))
            .Select(t => new TopicRow
            {
                Id = t.Id, Slug = t.Slug, Title = t.Title, Kind = t.Kind, IsPinned = t.IsPinned, IsSolved = t.AcceptedPostId != null, IsLocked = t.IsLocked,
                SpaceSlug = t.Space!.Slug, SpaceName = t.Space.Name, SpaceColor = t.Space.Color,
                AuthorHandle = t.Author!.Handle, AuthorName = t.Author.DisplayName,
                ReplyCount = t.ReplyCount, ViewCount = t.ViewCount, CreatedAt = t.CreatedAt, LastPostAt = t.LastPostAt, Tags = t.Tags, IsHidden = t.IsHidden,
            });
}
