using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

/// <summary>Where a reply goes.</summary>
public enum ReplyRoute
{
    /// <summary>A reply in the community topic, posted as the staff member.</summary>
    Community,
    Mastodon,
    Bluesky,
}

public enum ReplyState
{
    Sending,
    Sent,
    Failed,
}

/// <summary>
/// A reply sent from the inbox: written before it is sent (state <see cref="ReplyState.Sending"/>), with an idempotency key
/// the network sees, so a retry never posts twice; then marked sent with where it lives, or failed with why.
/// </summary>
public sealed class InboxReply
{
    public const int BodyMaxLength = 20_000;

    public long Id { get; set; }
    public long ItemId { get; set; }
    public Guid AuthorId { get; set; }
    public Members.Member? Author { get; set; }
    public ReplyRoute Route { get; set; }
    /// <summary>The connected account it was sent from (Mastodon, Bluesky).</summary>
    public int? SocialAccountId { get; set; }
    public string Body { get; set; } = "";
    public int? SavedReplyId { get; set; }
    public ReplyState State { get; set; }
    public Guid IdempotencyKey { get; set; }
    /// <summary>Its id where it was posted (a post id, a status id, an AT URI) and its address.</summary>
    public string? ExternalId { get; set; }
    public string? Url { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}

internal sealed class InboxReplyConfiguration : IEntityTypeConfiguration<InboxReply>
{
    public void Configure(EntityTypeBuilder<InboxReply> builder)
    {
        builder.Property(r => r.Body).HasMaxLength(InboxReply.BodyMaxLength).IsRequired();
        builder.Property(r => r.ExternalId).HasMaxLength(500);
        builder.Property(r => r.Url).HasMaxLength(2000);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => r.IdempotencyKey).IsUnique();
        builder.HasIndex(r => new { r.ItemId, r.CreatedAt });
        builder.HasOne<InboxItem>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(r => r.Author).WithMany().HasForeignKey(r => r.AuthorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SocialAccounts.SocialAccount>().WithMany().HasForeignKey(r => r.SocialAccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<SavedReply>().WithMany().HasForeignKey(r => r.SavedReplyId).OnDelete(DeleteBehavior.SetNull);
    }
}
