using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>What the built-in engine understands: negation, degree, contrast, emoji, punctuation, slang, support talk.</summary>
public sealed class LexiconSentimentEngineTests
{
    private static readonly LexiconSentimentEngine Engine = LexiconSentimentEngine.Default;

    private static SentimentResult Fr(string text) => Engine.Analyze(text, Languages.French);

    private static SentimentResult En(string text) => Engine.Analyze(text, Languages.English);

    [Theory]
    [InlineData("Ce vélo est génial")]
    [InlineData("J'adore mon Véloria")]
    [InlineData("Franchement pas mal du tout")]
    [InlineData("Pas déçu de mon achat")]
    [InlineData("Aucun problème depuis un an")]
    [InlineData("Rien à redire, livraison nickel")]
    [InlineData("mdr trop bien 😂")]
    [InlineData("Merci pour la réponse rapide 👍")]
    [InlineData("Je recommande ❤️")]
    [InlineData("Le SAV a tout réglé, merci :)")]
    public void Analyze_FrenchPraise_IsPositive(string text) => Fr(text).Label.ShouldBe(SentimentLabel.Positive);

    [Theory]
    [InlineData("Ce vélo est nul")]
    [InlineData("C'est pas terrible")]
    [InlineData("Le vélo n'est pas bon")]
    [InlineData("Ça ne marche plus depuis hier")]
    [InlineData("J'aime pas la nouvelle appli")]
    [InlineData("Je ne suis jamais satisfait de ce SAV")]
    [InlineData("c nul")]
    [InlineData("Nuuuul")]
    [InlineData("Vélo en panne, toujours en attente du remboursement 😡")]
    [InlineData("3 semaines sans réponse du service client :(")]
    [InlineData("Jpp de cette appli")]
    [InlineData("Le vélo est beau mais la batterie est décevante")]
    public void Analyze_FrenchComplaints_AreNegative(string text) => Fr(text).Label.ShouldBe(SentimentLabel.Negative);

    [Theory]
    [InlineData("This bike is great")]
    [InlineData("Not bad at all")]
    [InlineData("No complaints so far")]
    [InlineData("lol love it 😍")]
    [InlineData("thx for the quick fix")]
    [InlineData("Highly recommend :D")]
    [InlineData("It's pricey but totally worth it")]
    public void Analyze_EnglishPraise_IsPositive(string text) => En(text).Label.ShouldBe(SentimentLabel.Positive);

    [Theory]
    [InlineData("This bike is not good")]
    [InlineData("The app isn't great")]
    [InlineData("It never works")]
    [InlineData("Still waiting for my refund")]
    [InlineData("Broken after two days 👎")]
    [InlineData("wtf is this support")]
    [InlineData("smh, no reply again")]
    [InlineData("Looks nice but the battery is awful")]
    [InlineData("It doesn't work :-/")]
    public void Analyze_EnglishComplaints_AreNegative(string text) => En(text).Label.ShouldBe(SentimentLabel.Negative);

    [Theory]
    [InlineData("Véloria ouvre une boutique à Lyon en mars", Languages.French)]
    [InlineData("Quelle est l'autonomie du S2 ?", Languages.French)]
    [InlineData("Veloria opens a store in Denver in March", Languages.English)]
    [InlineData("What's the range of the S2?", Languages.English)]
    [InlineData("", Languages.English)]
    [InlineData("https://veloria.example @veloria #veloria", Languages.French)]
    public void Analyze_NewsAndQuestions_AreNeutral(string text, string language)
    {
        var result = Engine.Analyze(text, language);

        result.Label.ShouldBe(SentimentLabel.Neutral);
        result.Score.ShouldBeInRange(-LexiconSentimentEngine.NeutralBand, LexiconSentimentEngine.NeutralBand);
    }

    [Fact]
    public void Analyze_Negation_TurnsAround()
    {
        Fr("c'est bon").Score.ShouldBeGreaterThan(0);
        Fr("c'est pas bon").Score.ShouldBeLessThan(0);
        Fr("ce n'est pas bon").Score.ShouldBeLessThan(0);
        En("it is good").Score.ShouldBeGreaterThan(0);
        En("it is not good").Score.ShouldBeLessThan(0);
        En("it isn't good").Score.ShouldBeLessThan(0);
        En("it isnt good").Score.ShouldBeLessThan(0);
        // "pas mal" is praise, "pas terrible" a complaint: phrases before negation.
        Fr("pas mal").Score.ShouldBeGreaterThan(0);
        Fr("pas terrible").Score.ShouldBeLessThan(0);
        // A "ne" before a phrase that already holds its negation does not undo it.
        Fr("il ne fonctionne plus").Score.ShouldBeLessThan(0);
        // "plus" without "ne" means "more".
        Fr("plus rapide").Score.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Analyze_Degrees_ScaleTheScore()
    {
        Fr("très content").Score.ShouldBeGreaterThan(Fr("content").Score);
        Fr("un peu déçu").Score.ShouldBeGreaterThan(Fr("déçu").Score);
        Fr("un peu déçu").Score.ShouldBeLessThan(0);
        En("very good").Score.ShouldBeGreaterThan(En("good").Score);
        En("slightly disappointed").Score.ShouldBeGreaterThan(En("disappointed").Score);
        // "super" is a degree before a word and praise on its own.
        Fr("super content").Score.ShouldBeGreaterThan(Fr("content").Score);
        Fr("super !").Label.ShouldBe(SentimentLabel.Positive);
    }

    [Fact]
    public void Analyze_Contrast_TheClauseAfterWeighsMore()
    {
        Fr("Le vélo est génial mais le SAV est nul").Label.ShouldBe(SentimentLabel.Negative);
        Fr("Le SAV est nul mais le vélo est génial").Label.ShouldBe(SentimentLabel.Positive);
        En("The bike is great but support is awful").Label.ShouldBe(SentimentLabel.Negative);
        En("Support was slow, however the fix is perfect").Label.ShouldBe(SentimentLabel.Positive);
    }

    [Fact]
    public void Analyze_EmphasisAndPunctuation_Strengthen()
    {
        En("this is good!!!").Score.ShouldBeGreaterThan(En("this is good").Score);
        En("this is GOOD").Score.ShouldBeGreaterThan(En("this is good").Score);
        En("sooooo good").Score.ShouldBeGreaterThan(En("so good").Score * 0.99);
        Fr("nuuuul").Score.ShouldBeLessThan(Fr("nul").Score);
        Fr("c'est nul ???").Score.ShouldBeLessThan(Fr("c'est nul").Score);
    }

    [Fact]
    public void Analyze_EmojiAndEmoticons_CarrySentiment()
    {
        Fr("😡").Label.ShouldBe(SentimentLabel.Negative);
        En("👍").Label.ShouldBe(SentimentLabel.Positive);
        En("❤️").Label.ShouldBe(SentimentLabel.Positive);
        En("👍🏽").Label.ShouldBe(SentimentLabel.Positive);
        Fr("livré :)").Label.ShouldBe(SentimentLabel.Positive);
        Fr("livré :(").Label.ShouldBe(SentimentLabel.Negative);
        En("hmm :-/").Score.ShouldBeLessThan(0);
        En("xD").Score.ShouldBeGreaterThan(0);
        // A time is not an emoticon.
        En("at 12:30").Score.ShouldBe(0);
    }

    [Fact]
    public void Analyze_OtherLanguage_UsesBothLexicons()
    {
        Engine.Analyze("génial 😍", Languages.Other).Label.ShouldBe(SentimentLabel.Positive);
        Engine.Analyze("awful", "de").Label.ShouldBe(SentimentLabel.Negative);
    }

    [Fact]
    public void Analyze_Scores_StayWithinMinusOneAndOne()
    {
        var text = string.Concat(Enumerable.Repeat("génial parfait excellent 😍😍 ", 200));

        Fr(text).Score.ShouldBeInRange(0.9, 1.0);
        Fr(text.Replace("génial parfait excellent 😍😍", "nul horrible arnaque 😡😡", StringComparison.Ordinal)).Score.ShouldBeInRange(-1.0, -0.9);
    }

    [Fact]
    public void Analyze_ManyThreads_GiveTheSameResults()
    {
        var texts = SentimentEvaluation.Load().Select(t => (t.Text, t.Language)).ToArray();
        var expected = texts.Select(t => Engine.Analyze(t.Text, t.Language)).ToArray();

        var results = new SentimentResult[texts.Length];
        Parallel.For(0, texts.Length * 4, i => results[i % texts.Length] = Engine.Analyze(texts[i % texts.Length].Text, texts[i % texts.Length].Language));

        results.ShouldBe(expected);
    }

    [Fact]
    public void Lexicons_AreLoaded()
    {
        var (french, english) = LexiconSentimentEngine.Default.LexiconSizes;

        french.ShouldBeGreaterThan(400);
        english.ShouldBeGreaterThan(7000);
    }
}
