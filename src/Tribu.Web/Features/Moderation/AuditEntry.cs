using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// One staff or automatic action: who (null for Tribu itself), what, when, on what, the state before and after (JSON) and
/// the reason. Append-only: the context refuses to change or delete an entry, and database triggers refuse it too.
/// People are kept by id, never by name, so an erased member's name leaves the log with them.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    /// <summary>A dotted name from <see cref="AuditActions"/>, such as <c>topic.lock</c>.</summary>
    public string Action { get; set; } = "";
    /// <summary><c>topic</c>, <c>post</c>, <c>member</c>, <c>space</c>, <c>settings</c>…</summary>
    public string TargetType { get; set; } = "";
    public string TargetId { get; set; } = "";
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Reason { get; set; }
}

/// <summary>The actions the log knows, in one place.</summary>
public static class AuditActions
{
    public const string TopicLock = "topic.lock";
    public const string TopicUnlock = "topic.unlock";
    public const string TopicPin = "topic.pin";
    public const string TopicUnpin = "topic.unpin";
    public const string TopicMove = "topic.move";
    public const string PostEdit = "post.edit";
    public const string PostDelete = "post.delete";
    public const string SpaceCreate = "space.create";
    public const string SpaceUpdate = "space.update";
    public const string SpaceMemberAdd = "space.member.add";
    public const string SpaceMemberRemove = "space.member.remove";
    public const string RoleAdd = "member.role.add";
    public const string RoleRemove = "member.role.remove";
    public const string SettingsUpdate = "settings.update";
    public const string ModerationSettingsUpdate = "moderation.settings.update";
    public const string PostHold = "post.hold";
    public const string PostApprove = "post.approve";
    public const string PostHide = "post.hide";
    public const string SanctionApply = "member.sanction";
    public const string SanctionLift = "member.sanction.lift";
    public const string CodeOfConductUpdate = "settings.code-of-conduct";
    public const string MemberErase = "member.erase";
    public const string AppealGrant = "appeal.grant";
    public const string AppealDeny = "appeal.deny";
    public const string TrustLevelChange = "member.trust-level";
    public const string PostWiki = "post.wiki";
    public const string TopicMerge = "topic.merge";
    public const string TopicSplit = "topic.split";
    public const string MentionRetention = "listening.retention";
    public const string ListeningQueryCreate = "listening.query.create";
    public const string ListeningQueryUpdate = "listening.query.update";
    public const string ListeningQueryDelete = "listening.query.delete";
    public const string AuthorLink = "listening.author.link";
    public const string AuthorUnlink = "listening.author.unlink";
    public const string ListeningAlertAcknowledge = "listening.alert.acknowledge";
    public const string ListeningAlertResolve = "listening.alert.resolve";
    public const string SentimentCorrect = "listening.sentiment.correct";

    public static readonly string[] All =
    [
        TopicLock, TopicUnlock, TopicPin, TopicUnpin, TopicMove, PostEdit, PostDelete, SpaceCreate, SpaceUpdate,
        SpaceMemberAdd, SpaceMemberRemove, RoleAdd, RoleRemove, SettingsUpdate, ModerationSettingsUpdate, PostHold, PostApprove, PostHide, SanctionApply, SanctionLift, CodeOfConductUpdate, MemberErase, AppealGrant, AppealDeny,
        TrustLevelChange, PostWiki, TopicMerge, TopicSplit, MentionRetention,
        ListeningQueryCreate, ListeningQueryUpdate, ListeningQueryDelete, AuthorLink, AuthorUnlink,
        ListeningAlertAcknowledge, ListeningAlertResolve, SentimentCorrect,
    ];
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.Property(a => a.Action).HasMaxLength(64).IsRequired();
        builder.Property(a => a.TargetType).HasMaxLength(32).IsRequired();
        builder.Property(a => a.TargetId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Action, a.At });
        builder.HasIndex(a => new { a.ActorId, a.At });
        builder.HasIndex(a => new { a.TargetType, a.TargetId });
    }
}
