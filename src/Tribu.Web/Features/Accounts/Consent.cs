using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Accounts;

public enum ConsentKind
{
    /// <summary>The community's code of conduct, accepted on sign-up.</summary>
    CodeOfConduct,
    /// <summary>Notification and digest e-mails.</summary>
    Emails,
}

/// <summary>A member's consent, with when and to which version; withdrawing keeps the record and dates it.</summary>
public sealed class Consent
{
    public long Id { get; set; }
    public Guid MemberId { get; set; }
    public ConsentKind Kind { get; set; }
    public int Version { get; set; }
    public DateTime GivenAt { get; set; }
    public DateTime? WithdrawnAt { get; set; }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> builder)
    {
        builder.HasIndex(c => new { c.MemberId, c.Kind });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
