using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

/// <summary>Where an item came from, and so where it can be answered.</summary>
public enum InboxChannel
{
    /// <summary>A listening mention that a query's inbox rule says needs a response.</summary>
    Mention,
    /// <summary>A community question still unanswered after the configured delay.</summary>
    Question,
    /// <summary>A community post flagged by members.</summary>
    Flag,
    /// <summary>A post on Mastodon or Bluesky that names one of the brand's connected accounts.</summary>
    DirectMention,
}

public enum InboxStatus
{
    Open,
    /// <summary>Waiting on someone else (the author, customer service): the SLA clocks keep running but lists put it aside.</summary>
    Pending,
    Resolved,
    Closed,
}

public enum InboxPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

/// <summary>The state of the customer-service ticket made from an item.</summary>
public enum TicketState
{
    None,
    /// <summary>Sent, or being retried: the helpdesk has not confirmed yet.</summary>
    Pending,
    Created,
    Failed,
}

/// <summary>
/// Something that needs a human answer, whatever its channel: one row per thing (a mention, a question, a flagged post,
/// a direct mention), never two (<see cref="Key"/> is unique). It keeps a copy of what it is about (text, author,
/// sentiment) so the queue reads one table, and links back to the original.
/// </summary>
public sealed class InboxItem
{
    public const int TagsMaxLength = 500;
    public const int ExcerptMaxLength = 2000;

    public long Id { get; set; }
    /// <summary>What it is about, unique: <c>mention:12</c>, <c>question:34</c>, <c>flag:56</c> (the post), <c>direct:{account}:{external id}</c>.</summary>
    public string Key { get; set; } = "";
    public InboxChannel Channel { get; set; }
    public InboxStatus Status { get; set; }
    public InboxPriority Priority { get; set; }
    /// <summary>A person set the priority: it is no longer recomputed.</summary>
    public bool PriorityIsManual { get; set; }

    public Guid? AssigneeId { get; set; }
    public Members.Member? Assignee { get; set; }
    public int? TeamId { get; set; }
    public InboxTeam? Team { get; set; }
    /// <summary>Comma-separated, lower-case tags.</summary>
    public string? Tags { get; set; }

    /// <summary>A title for lists: the topic's title, or the start of the mention.</summary>
    public string Subject { get; set; } = "";
    /// <summary>The text to answer (plain text).</summary>
    public string Excerpt { get; set; } = "";
    /// <summary>"fr", "en" or "other": chooses the saved replies' language.</summary>
    public string Language { get; set; } = "other";
    public Listening.Analysis.SentimentLabel Sentiment { get; set; }
    public string? Url { get; set; }

    public string? AuthorHandle { get; set; }
    public string? AuthorName { get; set; }
    public int? AuthorFollowers { get; set; }
    /// <summary>The community member who wrote it, when known (a community post, or a linked social handle).</summary>
    public Guid? AuthorMemberId { get; set; }

    // What it is about (one of them, by channel).
    public long? MentionId { get; set; }
    public long? TopicId { get; set; }
    public long? PostId { get; set; }
    public int? WatchId { get; set; }
    public int? SpaceId { get; set; }
    /// <summary>The connected account a direct mention named (and that answers it).</summary>
    public int? SocialAccountId { get; set; }
    /// <summary>The post's id on its network (a Mastodon status id, a Bluesky AT URI), for replying there.</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the thing itself was said.</summary>
    public DateTime OccurredAt { get; set; }
    /// <summary>When it entered the queue: the SLA clocks start here.</summary>
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FirstResponseAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    /// <summary>Targets from the SLA of its priority (recomputed when the priority changes).</summary>
    public DateTime? FirstResponseDueAt { get; set; }
    public DateTime? ResolutionDueAt { get; set; }
    /// <summary>SLA warnings already sent, so each goes out once: flags of <see cref="SlaNotice"/>.</summary>
    public SlaNotice SlaNotices { get; set; }

    // Customer service.
    public TicketState TicketState { get; set; }
    public string? TicketId { get; set; }
    public string? TicketUrl { get; set; }
    /// <summary>The helpdesk's own status word ("open", "solved"), as its last update said.</summary>
    public string? TicketStatus { get; set; }
    public string? TicketError { get; set; }
    public DateTime? TicketRequestedAt { get; set; }
    /// <summary>The outgoing webhook call that creates the ticket.</summary>
    public long? TicketDeliveryId { get; set; }

    /// <summary>The last reply that failed to send, shown on the item until a reply succeeds.</summary>
    public string? LastReplyError { get; set; }
    public int ReplyCount { get; set; }
    public int NoteCount { get; set; }

    public IEnumerable<string> TagList => InboxTags.Split(Tags);
    public bool IsDone => Status is InboxStatus.Resolved or InboxStatus.Closed;
}

[Flags]
public enum SlaNotice
{
    None = 0,
    FirstResponseWarned = 1,
    FirstResponseBreached = 2,
    ResolutionWarned = 4,
    ResolutionBreached = 8,
}

/// <summary>Tags are short, lower-case words, kept sorted and unique.</summary>
public static class InboxTags
{
    public const int MaxTagLength = 40;

    public static string[] Split(string? tags) =>
        string.IsNullOrWhiteSpace(tags) ? [] : tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string? Join(IEnumerable<string> tags)
    {
        var clean = tags.Select(Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return clean.Count == 0 ? null : string.Join(',', clean);
    }

    public static string Normalize(string tag)
    {
        var t = new string([.. tag.Trim().ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-')]).Trim('-');
        return t.Length > MaxTagLength ? t[..MaxTagLength] : t;
    }
}

internal sealed class InboxItemConfiguration : IEntityTypeConfiguration<InboxItem>
{
    public void Configure(EntityTypeBuilder<InboxItem> builder)
    {
        builder.Property(i => i.Key).HasMaxLength(300).IsRequired();
        builder.HasIndex(i => i.Key).IsUnique();
        builder.Property(i => i.Tags).HasMaxLength(InboxItem.TagsMaxLength);
        builder.Property(i => i.Subject).HasMaxLength(300).IsRequired();
        builder.Property(i => i.Excerpt).HasMaxLength(InboxItem.ExcerptMaxLength).IsRequired();
        builder.Property(i => i.Language).HasMaxLength(8);
        builder.Property(i => i.Url).HasMaxLength(2000);
        builder.Property(i => i.AuthorHandle).HasMaxLength(300);
        builder.Property(i => i.AuthorName).HasMaxLength(300);
        builder.Property(i => i.ExternalId).HasMaxLength(500);
        builder.Property(i => i.TicketId).HasMaxLength(200);
        builder.Property(i => i.TicketUrl).HasMaxLength(2000);
        builder.Property(i => i.TicketStatus).HasMaxLength(100);
        builder.Property(i => i.TicketError).HasMaxLength(2000);
        builder.Property(i => i.LastReplyError).HasMaxLength(2000);
        builder.Property(i => i.SlaNotices).HasConversion<int>();
        builder.HasIndex(i => new { i.Status, i.CreatedAt });
        builder.HasIndex(i => new { i.AssigneeId, i.Status });
        builder.HasIndex(i => new { i.Status, i.FirstResponseDueAt });
        builder.HasIndex(i => new { i.Status, i.ResolutionDueAt });
        builder.HasIndex(i => i.AuthorHandle);
        builder.HasIndex(i => i.AuthorMemberId);
        builder.HasIndex(i => i.TopicId);
        builder.HasIndex(i => i.TicketId);
        builder.HasOne(i => i.Assignee).WithMany().HasForeignKey(i => i.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(i => i.Team).WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(i => i.AuthorMemberId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Listening.Mention>().WithMany().HasForeignKey(i => i.MentionId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Topics.Topic>().WithMany().HasForeignKey(i => i.TopicId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Topics.Post>().WithMany().HasForeignKey(i => i.PostId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Listening.Watch>().WithMany().HasForeignKey(i => i.WatchId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Spaces.Space>().WithMany().HasForeignKey(i => i.SpaceId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<SocialAccounts.SocialAccount>().WithMany().HasForeignKey(i => i.SocialAccountId).OnDelete(DeleteBehavior.SetNull);
        builder.Ignore(i => i.TagList);
        builder.Ignore(i => i.IsDone);
    }
}
