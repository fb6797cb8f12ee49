using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tribu.Web.Features.Topics;

namespace Tribu.Web.Features.Search;

/// <summary>
/// A post as search knows it: the language it was indexed in and its plain text (what snippets are cut from).
/// Its searchable terms live beside it, outside the EF model: the <c>PostSearch</c> FTS5 table on SQLite
/// (rowid = post id), the <c>SearchVector</c> tsvector column with a GIN index on PostgreSQL.
/// Written only through <see cref="SearchIndex"/>; who may read a post is never stored here but joined live,
/// so an index that lags behind can miss or keep a word for a moment, never show what a reader may not see.
/// </summary>
public sealed class SearchDocument
{
    /// <summary>Raised when the way text is indexed changes: older documents are indexed again at start-up.</summary>
    public const int CurrentVersion = 3;

    public long PostId { get; set; }
    /// <summary>"en" or "fr": the stemmer the post was indexed with.</summary>
    public string Language { get; set; } = SearchText.English;
    public int Version { get; set; }
    /// <summary>The post's EditedAt when it was indexed: an edit the index missed shows as a difference (see SearchBackfill).</summary>
    public DateTime? PostEditedAt { get; set; }
    public string Text { get; set; } = "";
}

internal sealed class SearchDocumentConfiguration : IEntityTypeConfiguration<SearchDocument>
{
    public void Configure(EntityTypeBuilder<SearchDocument> builder)
    {
        builder.ToTable("SearchDocuments");
        builder.HasKey(d => d.PostId);
        builder.Property(d => d.PostId).ValueGeneratedNever();
        builder.Property(d => d.Language).HasMaxLength(8).IsRequired();
        builder.Property(d => d.Text).IsRequired();
        builder.HasOne<Post>().WithOne().HasForeignKey<SearchDocument>(d => d.PostId).OnDelete(DeleteBehavior.Cascade);
    }
}
