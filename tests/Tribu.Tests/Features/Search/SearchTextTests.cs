using AngleSharp.Html.Parser;
using Tribu.Web.Features.Search;

namespace Tribu.Tests.Features.Search;

/// <summary>How text is read for search in the embedded mode: stems, stop words, accents, language, queries, snippets.</summary>
public sealed class SearchTextTests
{
    [Theory]
    [InlineData("communautés", "communauté")]
    [InlineData("communauté", "communaute")]
    [InlineData("batteries", "batterie")]
    [InlineData("roulez", "rouler")]
    [InlineData("électriques", "électrique")]
    [InlineData("généralement", "général")]
    [InlineData("réglages", "réglage")]
    public void Stem_French_InflectionsShareAStem(string word, string other) =>
        SearchText.Stem(word, SearchText.French).ShouldBe(SearchText.Stem(other, SearchText.French));

    [Theory]
    [InlineData("batteries", "battery")]
    [InlineData("running", "run")]
    [InlineData("charging", "charged")]
    [InlineData("communities", "community")]
    [InlineData("generously", "generous")]
    public void Stem_English_InflectionsShareAStem(string word, string other) =>
        SearchText.Stem(word, SearchText.English).ShouldBe(SearchText.Stem(other, SearchText.English));

    [Fact]
    public void Stem_KnownSnowballOutputs_WithAccentsFolded()
    {
        SearchText.Stem("communautés", SearchText.French).ShouldBe("communaut");
        SearchText.Stem("batteries", SearchText.English).ShouldBe("batteri");
        SearchText.Stem("running", SearchText.English).ShouldBe("run");
        // Different words keep different stems.
        SearchText.Stem("batterie", SearchText.French).ShouldNotBe(SearchText.Stem("bataille", SearchText.French));
    }

    [Fact]
    public void Fold_RemovesAccentsAndLigatures() =>
        SearchText.Fold("élève œuvre ça Noël").ShouldBe("eleve oeuvre ca Noel");

    [Fact]
    public void IndexTerms_DropsStopWordsAndStems()
    {
        SearchText.IndexTerms("La communauté des cyclistes et l'écran", SearchText.French).ShouldBe("communaut cyclist ecran");
        SearchText.IndexTerms("The batteries of my bike", SearchText.English).ShouldBe("batteri bike");
    }

    [Fact]
    public void Words_SplitsOnPunctuationAndKeepsOffsets()
    {
        var words = SearchText.Words("Hello, l'écran E23!").ToList();
        words.Select(w => w.Text).ShouldBe(["hello", "l", "écran", "e23"]);
        words[2].Start.ShouldBe(9);
        words[2].Length.ShouldBe(5);
    }

    [Theory]
    [InlineData("Depuis ce matin, l'écran affiche une erreur au démarrage et je ne sais pas quoi faire.", "fr", true)]
    [InlineData("Since this morning the display shows an error and I do not know what to do with it.", "en", true)]
    [InlineData("E23", "en", false)]
    public void GuessLanguage_FromCommonWords(string text, string language, bool confident) =>
        SearchText.GuessLanguage(text).ShouldBe((language, confident));

    [Fact]
    public void DecideLanguage_ShortTextFollowsTheTopic_ClearTextWins()
    {
        SearchText.DecideLanguage("Merci !", "fr").ShouldBe("fr");
        SearchText.DecideLanguage("+1", "en").ShouldBe("en");
        SearchText.DecideLanguage("Thanks, this is exactly what I was looking for and it works.", "fr").ShouldBe("en");
    }

    [Fact]
    public void PlainText_DropsMarkdownAndControlCharacters()
    {
        SearchText.PlainText("**E23** on the [screen](https://example.com)\u0002").ShouldBe("E23 on the screen");
        SearchText.PlainText("<script>alert(1)</script>").ShouldContain("<script>");
    }

    [Fact]
    public void Query_WordsPhrasesExclusionsAndAlternatives()
    {
        var query = SearchQuery.Parse("  batteries \"boost mode\" -winter or communautés ");

        query.Text.ShouldBe("batteries \"boost mode\" -winter or communautés");
        query.Alternatives.Count.ShouldBe(2);
        query.Alternatives[0].Select(c => (c.Excluded, string.Join(' ', c.Words))).ShouldBe([(false, "batteries"), (false, "boost mode"), (true, "winter")]);
        query.Alternatives[1].Single().Words.ShouldBe(["communautés"]);
        // Each clause in its French or English form; the exclusion excludes both forms.
        query.Fts5Match().ShouldBe(
            "((\"batter\" OR \"batteri\") AND (\"boost mod\" OR \"boost mode\")) NOT ((\"wint\" OR \"winter\")) OR ((\"communaut\" OR \"communaute\"))");
        query.HighlightStems().ShouldBe(["batter", "batteri", "boost", "mod", "mode", "communaut", "communaute"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("\" OR NEAR(x y) * ^col: AND")]
    [InlineData("a\"b\"c")]
    [InlineData("-\"\" -")]
    public void Query_SyntaxFromTheUser_BecomesQuotedTermsOnly(string text)
    {
        var match = SearchQuery.Parse(text).Fts5Match();
        // Only our own operators and parentheses outside quotes; inside quotes, letters, digits and spaces.
        foreach (var part in (match ?? "").Split('"').Where((_, i) => i % 2 == 1))
        {
            part.ShouldAllBe(c => char.IsLetterOrDigit(c) || c == ' ');
        }
        foreach (var part in (match ?? "").Split('"').Where((_, i) => i % 2 == 0))
        {
            part.Replace("AND", "").Replace("OR", "").Replace("NOT", "").ShouldAllBe(c => c == ' ' || c == '(' || c == ')');
        }
    }

    [Fact]
    public void Query_StopWordInEitherLanguage_IsLeftOut()
    {
        // "the" is an English stop word: requiring it of French posts would find nothing.
        SearchQuery.Parse("the battery").Fts5Match().ShouldBe("((\"battery\" OR \"batteri\"))");
        SearchQuery.Parse("le vélo").Fts5Match().ShouldBe("(\"velo\")");
    }

    [Theory]
    [InlineData("?!")]
    [InlineData("-batterie")]
    [InlineData("   ")]
    public void Query_WithNothingToFind_HasNoTerms(string text) =>
        SearchQuery.Parse(text).HasTerms.ShouldBeFalse();

    [Fact]
    public void Highlight_EscapesEverythingAndMarksMatches()
    {
        var stems = SearchQuery.Parse("batteries").HighlightStems();

        var html = Snippets.Highlight("<img src=x onerror=alert(1)> My battery & the <b>charger</b>", SearchText.English, stems);

        html.ShouldBe("&lt;img src=x onerror=alert(1)&gt; My <mark>battery</mark> &amp; the &lt;b&gt;charger&lt;/b&gt;");
        var parsed = new HtmlParser().ParseDocument($"<p>{html}</p>");
        parsed.QuerySelectorAll("img, b, script").ShouldBeEmpty();
        parsed.QuerySelector("mark")!.TextContent.ShouldBe("battery");
    }

    [Fact]
    public void Highlight_LongText_ShowsTheWindowWithTheMatches()
    {
        var text = string.Join(' ', Enumerable.Range(1, 100).Select(i => $"mot{i}")) + " la communauté des cyclistes " + string.Join(' ', Enumerable.Range(101, 100).Select(i => $"mot{i}"));

        var html = Snippets.Highlight(text, SearchText.French, SearchQuery.Parse("communautés").HighlightStems());

        html.ShouldStartWith("…");
        html.ShouldEndWith("…");
        html.ShouldContain("<mark>communauté</mark>");
        html.Split(' ').Length.ShouldBeLessThanOrEqualTo(Snippets.Words + 1);
    }

    [Fact]
    public void Encode_EscapesMarkupCharactersOnlyAndKeepsOneLine() =>
        Snippets.Encode("a<b>&\"c\" 'd'\n\n  é 👋").ShouldBe("a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39; é 👋");

    [Fact]
    public void FromMarkers_EscapesTheTextAndTurnsMarkersIntoMarks() =>
        Snippets.FromMarkers($"<i>x</i> {Snippets.StartMark}vélo{Snippets.StopMark} & co{Snippets.FragmentMark}fin")
            .ShouldBe("&lt;i&gt;x&lt;/i&gt; <mark>vélo</mark> &amp; co … fin");
}
