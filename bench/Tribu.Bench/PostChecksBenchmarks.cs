using BenchmarkDotNet.Attributes;
using Tribu.Web.Features.Moderation;

namespace Tribu.Bench;

/// <summary>
/// The automatic checks run on every post before it is published (issue 4: &lt; 2 ms at p99 with 2,000 blocked words).
/// Measures the check itself on a typical reply and on a long post, with 2,000 blocked words and phrases (FR + EN) and a
/// domain blocklist; compiling the lists happens once per version of the rules and is measured apart.
/// </summary>
[MemoryDiagnoser]
public class PostChecksBenchmarks
{
    private ModerationSettings _settings = new();
    private PostChecks _checks = null!;
    private static readonly PostAuthor Newcomer = new(IsStaff: false, IsNewMember: true, PublishedPosts: 0, SameTextToday: 0);

    private const string Reply = """
        Merci @claire_m ! J'ai eu exactement le même souci après la mise à jour 2.3.1.

        > L'autonomie a chuté de 30 % depuis hier.

        Ce qui a marché chez moi : recalibrer la batterie (charge complète puis décharge jusqu'à 10 %),
        désactiver le mode *boost* automatique dans **Véloria Connect**, vérifier la pression des pneus.
        Plus d'infos : https://example.com/aide/batterie et ![photo](/uploads/2026/11/abc.png)
        """;

    private static readonly string LongPost = string.Concat(Enumerable.Repeat(Reply + "\n\n", 12));

    [GlobalSetup]
    public void Setup()
    {
        // 2,000 entries: 1,600 single words and 400 two- or three-word phrases, half French, half English.
        var random = new Random(42);
        string Word() => new([.. Enumerable.Range(0, random.Next(4, 10)).Select(_ => (char)('a' + random.Next(26)))]);
        var fr = Enumerable.Range(0, 1000).Select(i => i % 5 == 0 ? $"{Word()} {Word()}" : Word());
        var en = Enumerable.Range(0, 1000).Select(i => i % 5 == 0 ? $"{Word()} {Word()} {Word()}" : Word());
        _settings = new ModerationSettings
        {
            BlockedWordsFr = string.Join('\n', fr),
            BlockedWordsEn = string.Join('\n', en),
            BlockedDomains = string.Join('\n', Enumerable.Range(0, 200).Select(_ => Word() + ".example")),
        };
        _checks = new PostChecks(_settings);
        if (_checks.BlockedCount != 2000) throw new InvalidOperationException($"Expected 2,000 blocked entries, got {_checks.BlockedCount}.");
    }

    [Benchmark(Baseline = true)]
    public int CheckTypicalReply() => _checks.Check(Reply, Newcomer).Count;

    [Benchmark]
    public int CheckLongPost() => _checks.Check(LongPost, Newcomer).Count;

    [Benchmark]
    public string TextHash() => PostChecks.TextHash(Reply);

    /// <summary>Once per change of the rules, not per post.</summary>
    [Benchmark]
    public int CompileRules() => new PostChecks(_settings).BlockedCount;
}
