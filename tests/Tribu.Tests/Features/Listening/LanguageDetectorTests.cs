using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>fr / en / other on short social-media texts (these were written apart from the evaluation set).</summary>
public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("Franchement je suis trop contente de mon nouveau vélo, il roule super bien 😍")]
    [InlineData("Quelqu'un sait pourquoi l'appli plante depuis ce matin ? #galère")]
    [InlineData("J'ai reçu ma commande hier, tout est nickel, merci @veloria_fr !")]
    [InlineData("c nul, g attendu 3 semaines pr rien mdr")]
    [InlineData("Ca ne marche plus depuis la mise a jour, vous avez une idee ?")]
    [InlineData("RT @velotaf: Les pistes cyclables de la ville vont doubler d'ici 2026 https://t.example/x")]
    [InlineData("Le prix des batteries a encore augmenté cette année")]
    [InlineData("Bonjour, est-ce que le chargeur est fourni avec le vélo ?")]
    public void Detect_FrenchPosts_AreFrench(string text) => LanguageDetector.Detect(text).Language.ShouldBe(Languages.French);

    [Theory]
    [InlineData("Honestly I'm so happy with my new bike, it rides like a dream 😍")]
    [InlineData("Does anyone know why the app keeps crashing since this morning? #fail")]
    [InlineData("Got my order yesterday and everything's perfect, thanks @veloria!")]
    [InlineData("omg this is the worst customer service ever smh")]
    [InlineData("RT @bikenews: City plans to double its bike lanes by 2026 https://t.example/x")]
    [InlineData("The price of batteries went up again this year")]
    [InlineData("Hi, is the charger included with the bike?")]
    [InlineData("Can't believe it's still not fixed, what a joke")]
    public void Detect_EnglishPosts_AreEnglish(string text) => LanguageDetector.Detect(text).Language.ShouldBe(Languages.English);

    [Theory]
    [InlineData("Estoy muy contento con mi nueva bicicleta, la batería dura mucho")]
    [InlineData("¿Alguien sabe por qué la aplicación no funciona desde esta mañana?")]
    [InlineData("Ich bin sehr zufrieden mit meinem neuen Fahrrad, der Akku hält lange")]
    [InlineData("Leider ist die Lieferung schon wieder zu spät, der Kundenservice antwortet nicht")]
    [InlineData("Sono molto contento della mia nuova bici, la batteria dura tantissimo")]
    [InlineData("Qualcuno sa perché l'app non funziona da stamattina?")]
    [InlineData("Estou muito feliz com a minha nova bicicleta, a bateria dura muito")]
    [InlineData("Ik ben heel blij met mijn nieuwe fiets, de accu gaat lang mee")]
    public void Detect_OtherLanguages_AreOther(string text) => LanguageDetector.Detect(text).Language.ShouldBe(Languages.Other);

    [Theory]
    [InlineData("")]
    [InlineData("😍😍😍")]
    [InlineData("https://veloria.example/s2 #veloria @veloria")]
    [InlineData("Véloria S2")]
    [InlineData("ok")]
    [InlineData("12:30 !!!")]
    public void Detect_TooLittleToTell_IsOther(string text)
    {
        var guess = LanguageDetector.Detect(text);

        guess.Language.ShouldBe(Languages.Other);
        guess.Confidence.ShouldBe(0);
    }

    [Fact]
    public void Detect_HashtagsAndHandlesInEnglish_DoNotOutvoteAFrenchText() =>
        LanguageDetector.Detect("Je suis vraiment déçu par le service après-vente #worstservice #neveragain @thebikeshop").Language.ShouldBe(Languages.French);

    [Fact]
    public void Detect_Confidence_IsHigherForLongerClearTexts()
    {
        var shortGuess = LanguageDetector.Detect("le vélo est top");
        var longGuess = LanguageDetector.Detect("Je pense que le vélo est vraiment top, et la batterie tient très bien depuis que je l'ai acheté.");

        shortGuess.Language.ShouldBe(Languages.French);
        longGuess.Confidence.ShouldBeGreaterThanOrEqualTo(shortGuess.Confidence);
        longGuess.Confidence.ShouldBeInRange(0.6, 1.0);
    }
}
