using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Uploads;

/// <summary>
/// An image a member uploaded. Files are named by the SHA-256 of their content, so the same image uploaded twice
/// is stored once and keeps one address.
/// </summary>
public sealed class Upload
{
    public long Id { get; set; }
    /// <summary>Lower-case hex SHA-256 of the bytes.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Relative to the uploads folder and to <c>/uploads/</c>: <c>2026/11/&lt;sha256&gt;.png</c>.</summary>
    public string Path { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string OriginalName { get; set; } = "";
    public Guid UploaderId { get; set; }
    public DateTime CreatedAt { get; set; }

    public string Url => "/uploads/" + Path;
}

internal sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> builder)
    {
        builder.Property(u => u.Sha256).HasMaxLength(64).IsRequired();
        builder.HasIndex(u => u.Sha256).IsUnique();
        builder.Property(u => u.Path).HasMaxLength(100).IsRequired();
        builder.HasIndex(u => u.Path).IsUnique();
        builder.Property(u => u.ContentType).HasMaxLength(32);
        builder.Property(u => u.OriginalName).HasMaxLength(200);
        builder.HasIndex(u => new { u.UploaderId, u.CreatedAt });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(u => u.UploaderId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(u => u.Url);
    }
}
