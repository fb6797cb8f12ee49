using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// A reply written once and reused, in English and French (chosen by the item's language, the other as a fallback), with
/// variables such as <c>{first_name}</c> filled from the item; always edited before it goes. Unknown variables are refused
/// when it is saved.
/// </summary>
public sealed class SavedReply
{
    public const int NameMaxLength = 120;
    public const int BodyMaxLength = 5000;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? BodyEn { get; set; }
    public string? BodyFr { get; set; }
    /// <summary>Comma-separated tags (e.g. "ticket" for the one that says where a case now lives).</summary>
    public string? Tags { get; set; }
    public int UseCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? UpdatedById { get; set; }
}

internal sealed class SavedReplyConfiguration : IEntityTypeConfiguration<SavedReply>
{
    public void Configure(EntityTypeBuilder<SavedReply> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(SavedReply.NameMaxLength).IsRequired();
        builder.HasIndex(r => r.Name).IsUnique();
        builder.Property(r => r.BodyEn).HasMaxLength(SavedReply.BodyMaxLength);
        builder.Property(r => r.BodyFr).HasMaxLength(SavedReply.BodyMaxLength);
        builder.Property(r => r.Tags).HasMaxLength(300);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(r => r.UpdatedById).OnDelete(DeleteBehavior.SetNull);
    }
}
