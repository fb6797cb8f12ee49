using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.SocialAccounts;

public enum SocialNetwork
{
    Mastodon,
    Bluesky,
}

public enum SocialAccountStatus
{
    Connected,
    /// <summary>The network refused the credentials (expired, revoked): replies and publications through it fail until reconnected.</summary>
    Unauthorized,
    /// <summary>The last call failed for another reason (network, server error); it is tried again.</summary>
    Failing,
}

/// <summary>
/// One of the brand's own accounts on a network, connected with its credentials (a Mastodon access token, a Bluesky app
/// password), kept encrypted with ASP.NET Data Protection. The inbox answers through it and reads its notifications
/// (direct mentions); publishing posts through it.
/// </summary>
public sealed class SocialAccount
{
    public const int NameMaxLength = 120;

    public int Id { get; set; }
    public SocialNetwork Network { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The Mastodon instance, or the Bluesky PDS / entryway (https://bsky.social).</summary>
    public string BaseUrl { get; set; } = "";
    /// <summary>As the network knows it: <c>brand@mastodon.social</c>, <c>brand.bsky.social</c>.</summary>
    public string Handle { get; set; } = "";
    /// <summary>The network's id of the account (a Mastodon account id, a Bluesky DID).</summary>
    public string? ExternalAccountId { get; set; }
    /// <summary>The access token or app password, protected with ASP.NET Data Protection. Never shown again once saved.</summary>
    public string ProtectedCredential { get; set; } = "";
    public bool IsEnabled { get; set; } = true;
    public SocialAccountStatus Status { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastCheckedAt { get; set; }
    /// <summary>Where reading its notifications (direct mentions) starts next time.</summary>
    public string? NotificationsCursor { get; set; }
    public DateTime? NextPollAt { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
}

internal sealed class SocialAccountConfiguration : IEntityTypeConfiguration<SocialAccount>
{
    public void Configure(EntityTypeBuilder<SocialAccount> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(SocialAccount.NameMaxLength).IsRequired();
        builder.Property(a => a.BaseUrl).HasMaxLength(2000).IsRequired();
        builder.Property(a => a.Handle).HasMaxLength(300).IsRequired();
        builder.HasIndex(a => new { a.Network, a.Handle }).IsUnique();
        builder.Property(a => a.ExternalAccountId).HasMaxLength(300);
        builder.Property(a => a.ProtectedCredential).HasMaxLength(4000).IsRequired();
        builder.Property(a => a.LastError).HasMaxLength(2000);
        builder.Property(a => a.NotificationsCursor).HasMaxLength(500);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(a => a.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}
