using BenchmarkDotNet.Attributes;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Bench;

/// <summary>
/// Listening (issue 5): the built-in sentiment engine on short social-media texts, French and English (target: at least
/// 50,000 texts/s per core, i.e. under 20 µs a text). One operation is one text; the corpus mixes praise, complaints,
/// news, emoji, negations and contrasts, 40 to 140 characters.
/// </summary>
[MemoryDiagnoser]
public class SentimentBenchmarks
{
    internal static readonly (string Text, string Language)[] Corpus =
    [
        ("Je viens de recevoir mon Véloria S2 et franchement il est magnifique 😍", Languages.French),
        ("Ça fait trois semaines que j'attends ma batterie, toujours rien 😡", Languages.French),
        ("Franchement pas mal du tout ce nouveau modèle", Languages.French),
        ("Le vélo est beau mais la batterie ne tient pas 30 km", Languages.French),
        ("Véloria annonce l'ouverture d'une boutique à Nantes en mars", Languages.French),
        ("C nul, le moteur coupe en pleine montée!!!", Languages.French),
        ("Merci @veloria_fr pour la réponse ultra rapide, problème réglé en 10 minutes 👍", Languages.French),
        ("Quelqu'un sait si la batterie du S2 est compatible avec le S1 ?", Languages.French),
        ("Nuuuul le nouveau chargeur, il chauffe comme un radiateur", Languages.French),
        ("RT @velotaf: Le SAV Véloria m'a rappelé le jour même, super pro https://t.example/x", Languages.French),
        ("Just got my Veloria S2 and it's absolutely gorgeous 😍", Languages.English),
        ("Three weeks waiting for my battery and still nothing 😡", Languages.English),
        ("Not bad at all, the new model rides really well", Languages.English),
        ("The bike looks nice but the battery doesn't last 20 miles", Languages.English),
        ("Veloria is opening a store in Denver in March", Languages.English),
        ("This sucks, the motor cuts out halfway up the hill!!!", Languages.English),
        ("Thanks @veloria for the super quick reply, issue fixed in 10 minutes 👍", Languages.English),
        ("Does anyone know if the S2 battery fits the S1?", Languages.English),
        ("The new charger is sooooo bad, it gets hot like a heater", Languages.English),
        ("smh this support, my bike has been stuck for a month :(", Languages.English),
    ];

    private readonly LexiconSentimentEngine _engine = LexiconSentimentEngine.Default;

    [Benchmark(OperationsPerInvoke = 20)]
    public double AnalyzeShortText()
    {
        double sum = 0;
        foreach (var (text, language) in Corpus) sum += _engine.Analyze(text, language).Score;
        return sum;
    }

    /// <summary>Once per process.</summary>
    [Benchmark]
    public int LoadLexicons() => new LexiconSentimentEngine().LexiconSizes.English;
}
