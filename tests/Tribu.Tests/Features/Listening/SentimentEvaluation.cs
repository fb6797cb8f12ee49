using System.Globalization;
using System.Text;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>One labelled text of the evaluation set (Data/sentiment-eval.csv).</summary>
public sealed record LabelledText(string Text, string Language, SentimentLabel Label, string Split);

/// <summary>Accuracy, macro-F1 and the confusion matrix (rows: expected; columns: predicted; Negative, Neutral, Positive).</summary>
public sealed record SentimentMetrics(int Count, double Accuracy, double MacroF1, int[,] Confusion)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={Count} accuracy={Accuracy:P1} macro-F1={MacroF1:F3} confusion(neg,neu,pos)=[{Row(0)}] [{Row(1)}] [{Row(2)}]");

    private string Row(int r) => $"{Confusion[r, 0]} {Confusion[r, 1]} {Confusion[r, 2]}";
}

/// <summary>Reads the evaluation set and scores an engine on it.</summary>
public static class SentimentEvaluation
{
    public static IReadOnlyList<LabelledText> Load()
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "Tribu.Tests", "Features", "Listening", "Data", "sentiment-eval.csv");
        var rows = ReadCsv(File.ReadAllText(path, Encoding.UTF8));
        rows[0].ShouldBe(["text", "language", "label", "split"]);
        return [.. rows.Skip(1).Select(r => new LabelledText(r[0], r[1], Enum.Parse<SentimentLabel>(r[2], ignoreCase: true), r[3]))];
    }

    public static SentimentMetrics Measure(ISentimentEngine engine, IEnumerable<LabelledText> items)
    {
        var confusion = new int[3, 3];
        var count = 0;
        foreach (var item in items)
        {
            var predicted = engine.Analyze(item.Text, item.Language).Label;
            confusion[(int)item.Label + 1, (int)predicted + 1]++;
            count++;
        }
        var correct = confusion[0, 0] + confusion[1, 1] + confusion[2, 2];
        double f1Sum = 0;
        for (var c = 0; c < 3; c++)
        {
            var truePositives = confusion[c, c];
            var predictedC = confusion[0, c] + confusion[1, c] + confusion[2, c];
            var actualC = confusion[c, 0] + confusion[c, 1] + confusion[c, 2];
            var precision = predictedC == 0 ? 0 : truePositives / (double)predictedC;
            var recall = actualC == 0 ? 0 : truePositives / (double)actualC;
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new SentimentMetrics(count, count == 0 ? 0 : correct / (double)count, f1Sum / 3, confusion);
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tribu.slnx"))) dir = dir.Parent;
        return dir!.FullName;
    }

    // RFC 4180: fields separated by commas, quoted when they hold a comma, a quote or a line break; "" is a quote.
    private static List<string[]> ReadCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add([.. fields]);
                    fields.Clear();
                    break;
                case '\r':
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add([.. fields]);
        }
        return rows;
    }
}
