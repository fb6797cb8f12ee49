using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Applied, in <see cref="Position"/> order, to each new item: when every condition set matches (a listening query, a space,
/// a language, a channel, a keyword in the text), it assigns (a person, or a team round-robin), adds tags and may set the
/// priority. Every matching rule applies; a later rule's assignment does not replace an earlier one's.
/// </summary>
public sealed class InboxRule
{
    public const int NameMaxLength = 120;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Position { get; set; }
    public bool IsEnabled { get; set; } = true;

    // Conditions (null: any).
    public int? WatchId { get; set; }
    public int? SpaceId { get; set; }
    public string? Language { get; set; }
    public InboxChannel? Channel { get; set; }
    /// <summary>Comma-separated words; any one of them in the text matches (accents and case ignored).</summary>
    public string? Keywords { get; set; }

    // Actions.
    public Guid? AssignToId { get; set; }
    public int? AssignToTeamId { get; set; }
    /// <summary>Comma-separated tags to add.</summary>
    public string? AddTags { get; set; }
    public InboxPriority? SetPriority { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class InboxRuleConfiguration : IEntityTypeConfiguration<InboxRule>
{
    public void Configure(EntityTypeBuilder<InboxRule> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(InboxRule.NameMaxLength).IsRequired();
        builder.Property(r => r.Language).HasMaxLength(8);
        builder.Property(r => r.Keywords).HasMaxLength(1000);
        builder.Property(r => r.AddTags).HasMaxLength(InboxItem.TagsMaxLength);
        builder.HasOne<Listening.Watch>().WithMany().HasForeignKey(r => r.WatchId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Spaces.Space>().WithMany().HasForeignKey(r => r.SpaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(r => r.AssignToId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<InboxTeam>().WithMany().HasForeignKey(r => r.AssignToTeamId).OnDelete(DeleteBehavior.SetNull);
    }
}
