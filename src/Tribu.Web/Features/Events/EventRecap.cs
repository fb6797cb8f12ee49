using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Features.Uploads;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

public sealed record EventPhotoResponse(long Id, string Url, string Alt, DateTime AddedAt);

/// <summary>A reply in an event's discussion, as the event page quotes it.</summary>
public sealed record EventReplyResponse(string AuthorName, string Handle, string BodyHtml, DateTime CreatedAt, string Url);

/// <summary>
/// What remains of an event: photos added by staff (each with its text alternative), and a discussion topic where members
/// reply and share theirs. The event page quotes the latest replies.
/// </summary>
public sealed class EventRecap(TribuDbContext db, UploadStore uploads, TopicsService topics, SiteSettingsService settings, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public const int MaxPhotos = 60;

    public async Task<List<EventPhotoResponse>> PhotosAsync(int eventId, CancellationToken ct = default) =>
        await db.EventPhotos.AsNoTracking().Where(p => p.EventId == eventId).OrderBy(p => p.Id)
            .Select(p => new EventPhotoResponse(p.Id, "/uploads/" + p.Upload!.Path, p.Alt, p.CreatedAt)).ToListAsync(ct);

    /// <summary>Adds a photo from an image file (checked and stored by the uploads feature).</summary>
    public async Task<Change<EventPhotoResponse>> AddPhotoAsync(int eventId, ClaimsPrincipal user, Stream content, long length, string? fileName, string? alt, CancellationToken ct = default)
    {
        if (await CheckAsync(eventId, alt, ct) is { } refused) return refused;
        var upload = await uploads.SaveAsync(user, content, length, fileName, ct);
        if (!upload.Succeeded) return Change<EventPhotoResponse>.Invalid(upload.Errors ?? new() { ["File"] = [l["Upload.Error.Type"]] });
        return await LinkAsync(eventId, upload.Value!.Id, user, alt!, ct);
    }

    /// <summary>Adds a photo already uploaded (its <c>/uploads/…</c> URL, from the uploads API).</summary>
    public async Task<Change<EventPhotoResponse>> AddUploadedPhotoAsync(int eventId, ClaimsPrincipal user, string? url, string? alt, CancellationToken ct = default)
    {
        if (await CheckAsync(eventId, alt, ct) is { } refused) return refused;
        var path = (url ?? "").Trim();
        var at = path.IndexOf("/uploads/", StringComparison.Ordinal);
        path = at < 0 ? "" : path[(at + "/uploads/".Length)..];
        var uploadId = await db.Set<Upload>().Where(u => u.Path == path).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
        if (uploadId is null) return Change<EventPhotoResponse>.Invalid(new() { ["Url"] = [l["Events.PhotoUnknown"]] });
        return await LinkAsync(eventId, uploadId.Value, user, alt!, ct);
    }

    public async Task<bool> RemovePhotoAsync(int eventId, long photoId, CancellationToken ct = default)
    {
        var removed = await db.EventPhotos.Where(p => p.EventId == eventId && p.Id == photoId).ExecuteDeleteAsync(ct) == 1;
        if (removed) await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
        return removed;
    }

    /// <summary>
    /// The event's discussion topic, opened by a staff member in a space (the event's own by default) on first call; later
    /// calls return the same topic.
    /// </summary>
    public async Task<Change<Topic>> OpenDiscussionAsync(int eventId, ClaimsPrincipal staff, string? spaceSlug, CancellationToken ct = default)
    {
        var ev = await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, ct);
        if (ev is null) return Change<Topic>.NotFound();
        if (ev.DiscussionTopicId is { } existing && await db.Topics.AsNoTracking().FirstOrDefaultAsync(t => t.Id == existing, ct) is { } topic) return Change<Topic>.Ok(topic);
        var space = string.IsNullOrWhiteSpace(spaceSlug)
            ? ev.SpaceId is { } spaceId ? await db.Spaces.AsNoTracking().Where(s => s.Id == spaceId).Select(s => s.Slug).FirstOrDefaultAsync(ct) : null
            : spaceSlug.Trim();
        if (space is null) return Change<Topic>.Invalid(new() { ["Space"] = [l["Events.DiscussionSpaceRequired"]] });
        var site = await settings.GetAsync(ct);
        var url = $"/events/{ev.Id.ToString(CultureInfo.InvariantCulture)}";
        var body = LocalizationFeature.InLanguage(site.DefaultLanguage, () => l["Events.DiscussionBody", ev.Title, url].Value);
        var started = await topics.StartAsync(staff, space, new NewTopic(nameof(TopicKind.Discussion), ev.Title, body, null), ct);
        if (!started.Succeeded) return started.Outcome == Outcome.NotFound ? Change<Topic>.Invalid(new() { ["Space"] = [l["Events.SpaceInvalid"]] }) : started;
        // Only the first opening is linked: a second staff member racing gets the first topic back, theirs stays a plain topic.
        var linked = await db.Events.Where(e => e.Id == eventId && e.DiscussionTopicId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DiscussionTopicId, started.Value!.Id), ct);
        if (linked == 0)
        {
            var first = await db.Events.Where(e => e.Id == eventId).Select(e => e.DiscussionTopicId).FirstAsync(ct);
            return Change<Topic>.Ok(await db.Topics.AsNoTracking().FirstAsync(t => t.Id == first, ct));
        }
        await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
        return started;
    }

    /// <summary>The latest visible replies of the event's discussion that the reader may see, newest last.</summary>
    public async Task<(Topic? Topic, List<EventReplyResponse> Replies, int Count)> DiscussionAsync(CommunityEvent ev, ClaimsPrincipal reader, int take = 5, CancellationToken ct = default)
    {
        if (ev.DiscussionTopicId is not { } topicId) return (null, [], 0);
        var topic = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == topicId && !t.IsHidden, ct);
        if (topic?.Space is null || !SpaceAccess.CanRead(topic.Space, reader)) return (null, [], 0);
        var replies = db.Posts.AsNoTracking().Where(p => p.TopicId == topicId && p.Number > 1 && p.Status == PostStatus.Published && !p.IsDeleted);
        var count = await replies.CountAsync(ct);
        var latest = await replies.OrderByDescending(p => p.Number).Take(take)
            .Join(db.Users, p => p.AuthorId, u => u.Id, (p, u) => new { p.Number, p.BodyHtml, p.CreatedAt, u.DisplayName, u.Handle })
            .ToListAsync(ct);
        return (topic, [.. latest.OrderBy(p => p.Number).Select(p => new EventReplyResponse(p.DisplayName, p.Handle, p.BodyHtml, p.CreatedAt, $"/t/{topic.Id}/{topic.Slug}#post-{p.Number}"))], count);
    }

    private async Task<Change<EventPhotoResponse>?> CheckAsync(int eventId, string? alt, CancellationToken ct)
    {
        if (!await db.Events.AnyAsync(e => e.Id == eventId, ct)) return Change<EventPhotoResponse>.NotFound();
        var text = (alt ?? "").Trim();
        if (text.Length is 0 or > EventPhoto.AltMaxLength) return Change<EventPhotoResponse>.Invalid(new() { ["Alt"] = [l["Events.PhotoAltRequired", EventPhoto.AltMaxLength]] });
        if (await db.EventPhotos.CountAsync(p => p.EventId == eventId, ct) >= MaxPhotos) return Change<EventPhotoResponse>.Invalid(new() { ["File"] = [l["Events.PhotoLimit", MaxPhotos]] });
        return null;
    }

    private async Task<Change<EventPhotoResponse>> LinkAsync(int eventId, long uploadId, ClaimsPrincipal user, string alt, CancellationToken ct)
    {
        var existing = await db.EventPhotos.AsNoTracking().Include(p => p.Upload).FirstOrDefaultAsync(p => p.EventId == eventId && p.UploadId == uploadId, ct);
        if (existing is not null) return Change<EventPhotoResponse>.Ok(new(existing.Id, existing.Upload!.Url, existing.Alt, existing.CreatedAt));
        var photo = new EventPhoto { EventId = eventId, UploadId = uploadId, Alt = alt.Trim(), AddedById = TopicPermissions.MemberId(user)!.Value, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.EventPhotos.Add(photo);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same image added twice at once: one row.
            db.Entry(photo).State = EntityState.Detached;
            photo = await db.EventPhotos.AsNoTracking().FirstAsync(p => p.EventId == eventId && p.UploadId == uploadId, ct);
        }
        await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
        var path = await db.Set<Upload>().Where(u => u.Id == uploadId).Select(u => u.Path).FirstAsync(ct);
        return Change<EventPhotoResponse>.Ok(new(photo.Id, "/uploads/" + path, photo.Alt, photo.CreatedAt));
    }
}
