using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Every change to an item, from the pages, the API, the helpdesk and the jobs: each one writes its history line in the
/// same transaction, and afterwards the open lists and the item's page refresh on every instance. An actor of null is
/// Tribu itself (a rule, the SLA clock, the helpdesk).
/// </summary>
public sealed class InboxService(TribuDbContext db, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public async Task<Change<InboxItem>> SetStatusAsync(long itemId, InboxStatus status, Guid? actorId, string? why = null, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxItem>.NotFound();
        if (item.Status == status) return Change<InboxItem>.Ok(item);
        var now = Now();
        AddEvent(item, InboxEventKind.StatusChanged, actorId, now, item.Status.ToString(), status.ToString(), why);
        item.Status = status;
        item.ResolvedAt = status is InboxStatus.Resolved or InboxStatus.Closed ? item.ResolvedAt ?? now : null;
        return await SaveAsync(item, ct);
    }

    /// <summary>Assigns to a person (an admin or community manager), a team, both, or nobody (both null).</summary>
    public async Task<Change<InboxItem>> AssignAsync(long itemId, Guid? assigneeId, int? teamId, Guid? actorId, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxItem>.NotFound();
        if (assigneeId is { } person && !await IsManagerAsync(person, ct))
        {
            return Change<InboxItem>.Invalid(new() { ["assigneeId"] = [l["Inbox.Error.NotStaff"]] });
        }
        if (teamId is { } team && !await db.InboxTeams.AnyAsync(t => t.Id == team, ct))
        {
            return Change<InboxItem>.Invalid(new() { ["teamId"] = [l["Inbox.Error.NoTeam"]] });
        }
        if (item.AssigneeId == assigneeId && item.TeamId == teamId) return Change<InboxItem>.Ok(item);
        var now = Now();
        AddEvent(item, InboxEventKind.Assigned, actorId, now, Who(item.AssigneeId, item.TeamId), Who(assigneeId, teamId));
        item.AssigneeId = assigneeId;
        item.TeamId = teamId;
        if (assigneeId is { } notified) InboxNotices.Assigned(db, item, notified, actorId, now);
        var result = await SaveAsync(item, ct);
        if (assigneeId is { } told && told != actorId) await bus.PublishAsync(LiveChannels.Member(told), ct);
        return result;
    }

    /// <summary>Sets the priority by hand (its SLA targets follow), or back to the computed one with null.</summary>
    public async Task<Change<InboxItem>> SetPriorityAsync(long itemId, InboxPriority? priority, Guid? actorId, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxItem>.NotFound();
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var target = priority;
        if (target is null)
        {
            TrustLevel? trust = item.AuthorMemberId is { } m ? await db.Users.Where(u => u.Id == m).Select(u => (TrustLevel?)u.TrustLevel).FirstOrDefaultAsync(ct) : null;
            target = InboxPriorities.FromScore(InboxPriorities.Score(item, trust, settings.InfluencerFollowers));
        }
        item.PriorityIsManual = priority is not null;
        if (item.Priority == target) return await SaveAsync(item, ct);
        AddEvent(item, InboxEventKind.PriorityChanged, actorId, Now(), item.Priority.ToString(), target.ToString());
        item.Priority = target.Value;
        InboxPriorities.SetTargets(item, settings);
        return await SaveAsync(item, ct);
    }

    public async Task<Change<InboxItem>> SetTagsAsync(long itemId, IEnumerable<string> tags, Guid? actorId, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxItem>.NotFound();
        var joined = InboxTags.Join(tags);
        if ((joined?.Length ?? 0) > InboxItem.TagsMaxLength)
        {
            return Change<InboxItem>.Invalid(new() { ["tags"] = [l["Inbox.Error.TooManyTags"]] });
        }
        if (joined == item.Tags) return Change<InboxItem>.Ok(item);
        AddEvent(item, InboxEventKind.TagsChanged, actorId, Now(), item.Tags, joined);
        item.Tags = joined;
        return await SaveAsync(item, ct);
    }

    /// <summary>Adds or removes one tag, keeping the others (bulk actions).</summary>
    public Task<Change<InboxItem>> AddTagAsync(long itemId, string tag, Guid? actorId, bool add, CancellationToken ct = default) =>
        ChangeTagsAsync(itemId, tags => add ? [.. tags, tag] : [.. tags.Where(t => t != InboxTags.Normalize(tag))], actorId, ct);

    private async Task<Change<InboxItem>> ChangeTagsAsync(long itemId, Func<string[], IEnumerable<string>> change, Guid? actorId, CancellationToken ct)
    {
        var current = await db.InboxItems.AsNoTracking().Where(i => i.Id == itemId).Select(i => i.Tags).FirstOrDefaultAsync(ct);
        var exists = current is not null || await db.InboxItems.AnyAsync(i => i.Id == itemId, ct);
        if (!exists) return Change<InboxItem>.NotFound();
        return await SetTagsAsync(itemId, change(InboxTags.Split(current)), actorId, ct);
    }

    /// <summary>An internal note: for staff, never sent to the author.</summary>
    public async Task<Change<InboxEvent>> AddNoteAsync(long itemId, string? text, Guid actorId, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxEvent>.NotFound();
        var body = text?.Trim() ?? "";
        if (body.Length == 0) return Change<InboxEvent>.Invalid(new() { ["text"] = [l["Inbox.Error.NoteEmpty"]] });
        if (body.Length > InboxEvent.TextMaxLength) return Change<InboxEvent>.Invalid(new() { ["text"] = [l["Inbox.Error.NoteTooLong", InboxEvent.TextMaxLength]] });
        var note = AddEvent(item, InboxEventKind.Note, actorId, Now(), null, null, body);
        item.NoteCount++;
        await SaveAsync(item, ct);
        return Change<InboxEvent>.Ok(note);
    }

    /// <summary>Records an answer given outside Tribu (on the phone, in the network's own app): the first-response clock stops.</summary>
    public async Task<Change<InboxItem>> MarkRespondedAsync(long itemId, Guid actorId, string? how, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<InboxItem>.NotFound();
        var now = Now();
        AddEvent(item, InboxEventKind.RespondedElsewhere, actorId, now, null, null, string.IsNullOrWhiteSpace(how) ? null : how.Trim());
        item.FirstResponseAt ??= now;
        return await SaveAsync(item, ct);
    }

    /// <summary>Adds a history line to the item (tracked; saved by the caller's next save).</summary>
    public InboxEvent AddEvent(InboxItem item, InboxEventKind kind, Guid? actorId, DateTime at, string? from = null, string? to = null, string? text = null)
    {
        var e = new InboxEvent
        {
            ItemId = item.Id, Kind = kind, ActorId = actorId, At = at, From = Cut(from, 300), To = Cut(to, 300), Text = Cut(text, InboxEvent.TextMaxLength),
        };
        db.InboxEvents.Add(e);
        item.UpdatedAt = at;
        return e;
    }

    /// <summary>Saves, then tells the lists and the item's page.</summary>
    public async Task<Change<InboxItem>> SaveAsync(InboxItem item, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await PublishAsync(item.Id, ct);
        return Change<InboxItem>.Ok(item);
    }

    public async Task PublishAsync(long itemId, CancellationToken ct)
    {
        await bus.PublishAsync(LiveChannels.Inbox, ct);
        await bus.PublishAsync(LiveChannels.InboxItem(itemId), ct);
    }

    /// <summary>Admins and community managers: who works the inbox and can be assigned.</summary>
    public Task<bool> IsManagerAsync(Guid memberId, CancellationToken ct) =>
        db.UserRoles.AnyAsync(ur => ur.UserId == memberId && db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Admin || r.Name == Roles.CommunityManager)), ct);

    public async Task<List<(Guid Id, string Name)>> ManagersAsync(CancellationToken ct)
    {
        var rows = await db.Users.AsNoTracking()
            .Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Admin || r.Name == Roles.CommunityManager))))
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.DisplayName)).OrderBy(r => r.Item2, StringComparer.CurrentCultureIgnoreCase)];
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    /// <summary>A person as the history stores it: their id, or <c>team:{id}</c>, or both, or nothing.</summary>
    private static string? Who(Guid? person, int? team) => (person, team) switch
    {
        (null, null) => null,
        ({ } p, null) => p.ToString(),
        (null, { } t) => "team:" + t.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ({ } p, { } t) => p + ";team:" + t.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
