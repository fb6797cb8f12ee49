using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Accounts;

/// <summary>A personal API token. The secret is shown once; only its SHA-256 is kept.</summary>
public sealed class ApiToken
{
    public const string Prefix = "tribu_";
    public const string ReadScope = "read";
    public const string WriteScope = "write";

    public long Id { get; set; }
    public Guid MemberId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The first characters of the token, to recognise it in a list.</summary>
    public string Hint { get; set; } = "";
    public string Hash { get; set; } = "";
    /// <summary>"read" or "read,write".</summary>
    public string Scopes { get; set; } = ReadScope;
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool CanWrite => Scopes.Split(',').Contains(WriteScope);

    public bool IsActive(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(80).IsRequired();
        builder.Property(t => t.Hint).HasMaxLength(16).IsRequired();
        builder.Property(t => t.Hash).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Scopes).HasMaxLength(40).IsRequired();
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.MemberId);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(t => t.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
