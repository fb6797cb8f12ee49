using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Search;

/// <summary>
/// How far the search index is known to be complete, so that a restart need not check every post (one row,
/// written by <see cref="SearchBackfill"/>): every post up to <see cref="LastPostId"/> was checked by a complete scan
/// made with index <see cref="Version"/>, and no change was missed since that scan began when
/// <see cref="Misses"/> still equals <see cref="MissesAtScan"/>.
/// </summary>
public sealed class SearchWatermark
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    /// <summary>The <see cref="SearchDocument.CurrentVersion"/> of the last complete scan.</summary>
    public int Version { get; set; }
    /// <summary>The highest post id checked: posts above it (an import, a restore) are checked at the next start.</summary>
    public long LastPostId { get; set; }
    /// <summary>Changes the index failed to follow (<see cref="SearchIndexInterceptor"/>), counted as they happen.</summary>
    public long Misses { get; set; }
    /// <summary><see cref="Misses"/> when the last complete scan began: a scan repairs what was missed before it.</summary>
    public long MissesAtScan { get; set; }
    public DateTime ScannedAt { get; set; }
}

internal sealed class SearchWatermarkConfiguration : IEntityTypeConfiguration<SearchWatermark>
{
    public void Configure(EntityTypeBuilder<SearchWatermark> builder)
    {
        builder.ToTable("SearchWatermarks");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
    }
}
