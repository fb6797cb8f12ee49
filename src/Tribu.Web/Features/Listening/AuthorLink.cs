using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening;

/// <summary>Who set an author link: the member on their own profile, or a staff member from a mention.</summary>
public enum AuthorLinkOrigin
{
    Profile,
    Staff,
}

/// <summary>
/// "This handle is this member": mentions by the handle show the member's community profile. The handle is normalised
/// by <see cref="AuthorHandles.Normalize"/> (<c>@alice@mastodon.social</c>, <c>@alice.bsky.social</c>).
/// </summary>
public sealed class AuthorLink
{
    public int Id { get; set; }
    public string Handle { get; set; } = "";
    public Guid MemberId { get; set; }
    public Members.Member? Member { get; set; }
    public AuthorLinkOrigin Origin { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
}

internal sealed class AuthorLinkConfiguration : IEntityTypeConfiguration<AuthorLink>
{
    public void Configure(EntityTypeBuilder<AuthorLink> builder)
    {
        builder.Property(l => l.Handle).HasMaxLength(300).IsRequired();
        builder.HasIndex(l => l.Handle).IsUnique();
        builder.HasIndex(l => l.MemberId);
        builder.HasOne(l => l.Member).WithMany().HasForeignKey(l => l.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One spelling per author handle, so a link made from a profile finds the mentions a source collected.</summary>
public static class AuthorHandles
{
    /// <summary>
    /// Lower case with one leading <c>@</c>: <c>Alice@Mastodon.Social</c> → <c>@alice@mastodon.social</c>; a profile
    /// URL of a Mastodon account (<c>https://host/@alice</c>) or of Bluesky (<c>https://bsky.app/profile/alice.bsky.social</c>)
    /// gives the same handle. Null when nothing usable is left.
    /// </summary>
    public static string? Normalize(string? handle)
    {
        if (string.IsNullOrWhiteSpace(handle)) return null;
        var h = handle.Trim();
        if (Uri.TryCreate(h, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var path = url.AbsolutePath.Trim('/');
            if (url.Host.Equals("bsky.app", StringComparison.OrdinalIgnoreCase) && path.StartsWith("profile/", StringComparison.OrdinalIgnoreCase))
            {
                h = path["profile/".Length..];
            }
            else if (path.StartsWith('@') && !path.Contains('/'))
            {
                h = path.Contains('@', StringComparison.Ordinal) && path.IndexOf('@', 1) > 0 ? path : $"{path}@{url.Host}";
            }
            else
            {
                return null;
            }
        }
        h = h.TrimStart('@').ToLowerInvariant();
        if (h.Length == 0 || h.Length > 290 || h.Any(char.IsWhiteSpace)) return null;
        return "@" + h;
    }
}
