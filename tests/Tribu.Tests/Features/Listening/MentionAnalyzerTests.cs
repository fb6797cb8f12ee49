using Microsoft.Extensions.DependencyInjection;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>One mention through every step, as the ingestion pipeline will call it, from the feature's registration.</summary>
public sealed class MentionAnalyzerTests
{
    private static MentionAnalyzer Analyzer() =>
        new ServiceCollection().AddListeningFeature().BuildServiceProvider().GetRequiredService<MentionAnalyzer>();

    [Fact]
    public void Analyze_MastodonHtml_GivesTextHashLanguageSentimentAndWords()
    {
        var analysis = Analyzer().Analyze("<p>Ça fait 3 semaines que j&#39;attends ma batterie <a href=\"https://m.example/tags/veloria\">#<span>Véloria</span></a>, toujours rien 😡</p>");

        analysis.Text.ShouldBe("Ça fait 3 semaines que j'attends ma batterie #Véloria, toujours rien 😡");
        analysis.ContentHash.ShouldBe(MentionText.ContentHash("RT @someone: ça fait 3 semaines que j’attends ma batterie Véloria… toujours rien"));
        analysis.Language.Language.ShouldBe(Languages.French);
        analysis.Sentiment.Label.ShouldBe(SentimentLabel.Negative);
        ListeningQuery.Parse("#veloria batterie").Query!.Matches(analysis.Words).ShouldBeTrue();
    }

    [Theory]
    [InlineData("fr-FR", Languages.French)]
    [InlineData("en", Languages.English)]
    [InlineData("de", Languages.Other)]
    [InlineData(null, Languages.Other)]
    public void Analyze_ShortText_FallsBackToTheDeclaredLanguage(string? declared, string expected) =>
        Analyzer().Analyze("Véloria S2 👍", isHtml: false, declaredLanguage: declared).Language.Language.ShouldBe(expected);

    [Fact]
    public void Analyze_ClearText_IgnoresAWrongDeclaredLanguage() =>
        Analyzer().Analyze("The battery died again and support never answered", isHtml: false, declaredLanguage: "fr").Language.Language.ShouldBe(Languages.English);
}
