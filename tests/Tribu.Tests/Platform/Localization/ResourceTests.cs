using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tribu.Tests.Platform.Localization;

/// <summary>Every UI string exists in English and French, with the same placeholders.</summary>
public sealed partial class ResourceTests
{
    private static string ResourcesFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tribu.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "Tribu.Web", "Resources");
    }

    public static TheoryData<string> Files => new(Directory.GetFiles(ResourcesFolder(), "*.resx").Where(f => !f.EndsWith(".fr.resx", StringComparison.Ordinal)).Select(Path.GetFileName)!);

    private static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Theory]
    [MemberData(nameof(Files))]
    public void French_HasEveryEnglishStringWithTheSamePlaceholders(string file)
    {
        var english = Read(Path.Combine(ResourcesFolder(), file));
        var french = Read(Path.Combine(ResourcesFolder(), file.Replace(".resx", ".fr.resx", StringComparison.Ordinal)));

        french.Keys.Order().ShouldBe(english.Keys.Order());
        foreach (var (key, value) in english)
        {
            value.Trim().ShouldNotBeEmpty(key);
            french[key].Trim().ShouldNotBeEmpty(key);
            Placeholders(french[key]).ShouldBe(Placeholders(value), $"{key}: placeholders differ");
        }
    }

    [Fact]
    public void Resources_AreMostlyTranslatedNotCopied()
    {
        var all = Directory.GetFiles(ResourcesFolder(), "*.resx").Where(f => !f.EndsWith(".fr.resx", StringComparison.Ordinal)).ToList();
        var same = 0;
        var total = 0;
        foreach (var file in all)
        {
            var english = Read(file);
            var french = Read(file.Replace(".resx", ".fr.resx", StringComparison.Ordinal));
            total += english.Count;
            same += english.Count(e => e.Value == french[e.Key]);
        }
        // Words like "Console", "Question" or "Public" are the same in both languages; most are not.
        (same / (double)total).ShouldBeLessThan(0.08);
    }

    private static string[] Placeholders(string text) => [.. PlaceholderRegex().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order()];

    [GeneratedRegex(@"\{(\d+)(?::[^}]*)?\}")]
    private static partial Regex PlaceholderRegex();
}
