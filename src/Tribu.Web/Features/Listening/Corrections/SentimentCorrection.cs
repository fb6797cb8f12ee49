using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening.Corrections;

/// <summary>
/// A staff member's correction of a mention's sentiment. The text and language are kept with it, so the training set
/// survives the mention's retention, and the model job learns from every correction.
/// </summary>
public sealed class SentimentCorrection
{
    public long Id { get; set; }
    /// <summary>The mention corrected; null once retention deleted it.</summary>
    public long? MentionId { get; set; }
    public string Text { get; set; } = "";
    public string Language { get; set; } = "other";
    public Analysis.SentimentLabel Previous { get; set; }
    public Analysis.SentimentLabel Corrected { get; set; }
    public Guid? ById { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A trained sentiment model, stored in the database so every instance loads the same one.</summary>
public sealed class SentimentModel
{
    public int Id { get; set; }
    public DateTime TrainedAt { get; set; }
    /// <summary>Corrections and lexicon examples it learnt from.</summary>
    public int Samples { get; set; }
    /// <summary>Accuracy on the held-out part of the training data, and on the built-in evaluation set.</summary>
    public double HoldoutAccuracy { get; set; }
    public double EvaluationAccuracy { get; set; }
    /// <summary>Whether it is used: only when it does at least as well as the lexicon engine on the evaluation set.</summary>
    public bool IsActive { get; set; }
    public byte[] Content { get; set; } = [];
}

internal sealed class SentimentCorrectionConfiguration : IEntityTypeConfiguration<SentimentCorrection>
{
    public void Configure(EntityTypeBuilder<SentimentCorrection> builder)
    {
        builder.Property(c => c.Text).HasMaxLength(20_000).IsRequired();
        builder.Property(c => c.Language).HasMaxLength(8);
        builder.HasIndex(c => c.MentionId);
        builder.HasIndex(c => c.CreatedAt);
        builder.HasOne<Mention>().WithMany().HasForeignKey(c => c.MentionId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SentimentModelConfiguration : IEntityTypeConfiguration<SentimentModel>
{
    public void Configure(EntityTypeBuilder<SentimentModel> builder) => builder.HasIndex(m => m.TrainedAt);
}
