using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Analytics;

/// <summary>
/// One page of the community read by a person (not a bot, not someone asking not to be tracked). Nothing in it names the
/// reader: <see cref="Visitor"/> is a hash of their address and browser with a salt that changes every day and is then
/// deleted, so the same reader counts once a day and can never be followed from one day to the next.
/// </summary>
public sealed class PageView
{
    public const int PathMaxLength = 200;

    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The path read, without its query string (<c>/t/42/battery-life</c>).</summary>
    public string Path { get; set; } = "";
    /// <summary>The kind of page: its route pattern (<c>/t/{Id:long}/{Slug?}</c>), for "topic pages", "space pages"…</summary>
    public string Page { get; set; } = "";
    /// <summary>16 hex characters of the day's salted hash of address and browser.</summary>
    public string Visitor { get; set; } = "";
    /// <summary>The site the reader came from (host only), when it is another site.</summary>
    public string? ReferrerHost { get; set; }
    public bool SignedIn { get; set; }
}

/// <summary>The salt of one day's visitor hashes, shared by every instance, deleted once the day is over.</summary>
public sealed class VisitorSalt
{
    public DateOnly Day { get; set; }
    public string Salt { get; set; } = "";
}

internal sealed class PageViewConfiguration : IEntityTypeConfiguration<PageView>
{
    public void Configure(EntityTypeBuilder<PageView> builder)
    {
        builder.Property(v => v.Path).HasMaxLength(PageView.PathMaxLength).IsRequired();
        builder.Property(v => v.Page).HasMaxLength(PageView.PathMaxLength).IsRequired();
        builder.Property(v => v.Visitor).HasMaxLength(16).IsRequired();
        builder.Property(v => v.ReferrerHost).HasMaxLength(100);
        builder.HasIndex(v => v.At);
    }
}

internal sealed class VisitorSaltConfiguration : IEntityTypeConfiguration<VisitorSalt>
{
    public void Configure(EntityTypeBuilder<VisitorSalt> builder)
    {
        builder.HasKey(s => s.Day);
        builder.Property(s => s.Salt).HasMaxLength(64).IsRequired();
    }
}
