using BenchmarkDotNet.Attributes;
using Tribu.Web.Features.Topics;

namespace Tribu.Bench;

/// <summary>Rendering a typical reply (paragraphs, a list, a quote, a table, links) to sanitised HTML.</summary>
[MemoryDiagnoser]
public class MarkdownBenchmarks
{
    private readonly MarkdownRenderer _renderer = new();

    private const string Reply = """
        Merci @claire_m ! J'ai eu exactement le même souci après la mise à jour 2.3.1.

        > L'autonomie a chuté de 30 % depuis hier.

        Ce qui a marché chez moi :
        - recalibrer la batterie (charge complète puis décharge jusqu'à 10 %) ;
        - désactiver le mode *boost* automatique dans **Véloria Connect** ;
        - [x] vérifier la pression des pneus.

        | Avant | Après |
        |---|---|
        | 62 km | 81 km |

        Plus d'infos : https://example.com/aide/batterie
        """;

    [Benchmark]
    public string RenderReply() => _renderer.Render(Reply);
}
