using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>Listening queries ("veilles"): the language, its errors, and matching mentions.</summary>
public sealed class ListeningQueryTests
{
    private static ListeningQuery Query(string text)
    {
        var result = ListeningQuery.Parse(text);
        result.Errors.ShouldBeEmpty(string.Join(", ", result.Errors));
        return result.Query!;
    }

    private static bool Matches(string query, string mention) => Query(query).Matches(MentionWords.From(mention));

    private const string Example = "(vélo OR velo OR \"vélo électrique\") AND (batterie OR autonomie) -trottinette NOT \"mode eco\"";

    [Theory]
    [InlineData("Mon VÉLO électrique a une autonomie de folie", true)]
    [InlineData("La batterie de mon velo tient 80 km", true)]
    [InlineData("La batterie de ma trottinette et de mon vélo", false)]
    [InlineData("Vélo: autonomie correcte en mode éco", false)]
    [InlineData("Vélo: autonomie correcte en mode ECO+ sur route", false)]
    [InlineData("Mon vélo est rouge", false)]
    [InlineData("La batterie est morte", false)]
    [InlineData("Les vélos et leurs batteries", false)]
    public void Matches_TheExampleQuery(string mention, bool expected) => Matches(Example, mention).ShouldBe(expected);

    [Fact]
    public void Parse_TheExampleQuery_GivesTheExpectedTree()
    {
        var root = Query(Example).Root.ShouldBeOfType<QueryAnd>();

        root.Children.Count.ShouldBe(4);
        var bikes = root.Children[0].ShouldBeOfType<QueryOr>();
        bikes.Children.Count.ShouldBe(3);
        bikes.Children[2].ShouldBeOfType<QueryTerm>().Words.ShouldBe(["velo", "electrique"]);
        root.Children[2].ShouldBeOfType<QueryNot>().Child.ShouldBeOfType<QueryTerm>().Words.ShouldBe(["trottinette"]);
        root.Children[3].ShouldBeOfType<QueryNot>().Child.ShouldBeOfType<QueryTerm>().Words.ShouldBe(["mode", "eco"]);
    }

    [Theory]
    [InlineData("vélo ET batterie SAUF trottinette", "vélo et batterie", true)]
    [InlineData("vélo ET batterie SAUF trottinette", "vélo, batterie et trottinette", false)]
    [InlineData("vélo OU trottinette", "ma trottinette", true)]
    [InlineData("vélo et batterie", "vélo batterie", false)]
    public void Matches_FrenchOperators(string query, string mention, bool expected) => Matches(query, mention).ShouldBe(expected);

    [Fact]
    public void Parse_OrBindsLooserThanAnd()
    {
        var root = Query("a b OR c").Root.ShouldBeOfType<QueryOr>();

        root.Children[0].ShouldBeOfType<QueryAnd>().Children.Count.ShouldBe(2);
        Matches("vélo batterie OR trottinette", "une trottinette").ShouldBeTrue();
        Matches("vélo batterie OR trottinette", "un vélo").ShouldBeFalse();
    }

    [Theory]
    [InlineData("recharg*", "Je recharge la batterie", true)]
    [InlineData("recharg*", "Rechargement terminé", true)]
    [InlineData("recharg*", "La charge est finie", false)]
    [InlineData("vélo", "Les vélos de ville", false)]
    [InlineData("vélo", "Un VELO!", true)]
    [InlineData("velo", "vélociste", false)]
    [InlineData("#veloria", "J'adore #Véloria", true)]
    [InlineData("#veloria", "J'adore Véloria", false)]
    [InlineData("veloria", "J'adore #Véloria", true)]
    [InlineData("@veloria_fr", "merci @Veloria_FR !", true)]
    [InlineData("@veloria_fr", "merci veloria fr", false)]
    [InlineData("#velo*", "#VéloTaf du matin", true)]
    [InlineData("#velo*", "vélotaf du matin", false)]
    [InlineData("vélo-cargo", "Mon vélo cargo est là", true)]
    [InlineData("\"vélo cargo\"", "le vélo-cargo", true)]
    [InlineData("\"vélo cargo\"", "le cargo vélo", false)]
    [InlineData("« service client »", "Le SERVICE-CLIENT répond", true)]
    [InlineData("l'autonomie", "Quelle autonomie ? L'autonomie !", true)]
    [InlineData("e-bike", "My new e-bike", true)]
    [InlineData("-trottinette vélo", "mon vélo", true)]
    [InlineData("vélo -(trottinette OR scooter)", "vélo et scooter", false)]
    public void Matches_WordsPhrasesPrefixesTagsAndHandles(string query, string mention, bool expected) =>
        Matches(query, mention).ShouldBe(expected);

    [Theory]
    [InlineData("", ListeningQuery.ErrorKeys.Empty, 0)]
    [InlineData("   ", ListeningQuery.ErrorKeys.Empty, 0)]
    [InlineData("(vélo OR velo", ListeningQuery.ErrorKeys.UnclosedParenthesis, 0)]
    [InlineData("vélo (batterie OR (autonomie)", ListeningQuery.ErrorKeys.UnclosedParenthesis, 5)]
    [InlineData("vélo) batterie", ListeningQuery.ErrorKeys.UnexpectedParenthesis, 4)]
    [InlineData(")", ListeningQuery.ErrorKeys.UnexpectedParenthesis, 0)]
    [InlineData("vélo ()", ListeningQuery.ErrorKeys.EmptyParentheses, 5)]
    [InlineData("vélo \"batterie", ListeningQuery.ErrorKeys.UnclosedQuote, 5)]
    [InlineData("vélo \"  \"", ListeningQuery.ErrorKeys.EmptyQuote, 5)]
    [InlineData("vélo AND", ListeningQuery.ErrorKeys.DanglingOperator, 5)]
    [InlineData("OR vélo", ListeningQuery.ErrorKeys.DanglingOperator, 0)]
    [InlineData("vélo AND OR batterie", ListeningQuery.ErrorKeys.DanglingOperator, 5)]
    [InlineData("(vélo OR) batterie", ListeningQuery.ErrorKeys.DanglingOperator, 6)]
    [InlineData("vélo NOT", ListeningQuery.ErrorKeys.MissingOperand, 5)]
    [InlineData("vélo SAUF)", ListeningQuery.ErrorKeys.MissingOperand, 5)]
    [InlineData("-trottinette", ListeningQuery.ErrorKeys.OnlyExclusions, 0)]
    [InlineData("-trottinette NOT scooter", ListeningQuery.ErrorKeys.OnlyExclusions, 0)]
    [InlineData("NOT (vélo OR batterie)", ListeningQuery.ErrorKeys.OnlyExclusions, 0)]
    [InlineData("-trottinette OR vélo", ListeningQuery.ErrorKeys.OnlyExclusions, 0)]
    [InlineData("re*charge", ListeningQuery.ErrorKeys.MisplacedWildcard, 2)]
    [InlineData("vélo ré*", ListeningQuery.ErrorKeys.WildcardTooShort, 5)]
    [InlineData("vélo !!!", ListeningQuery.ErrorKeys.NotAWord, 5)]
    [InlineData("((((((((((((((((((((((vélo))))))))))))))))))))))", ListeningQuery.ErrorKeys.TooDeep, 20)]
    public void Parse_BadQueries_GiveALocalisedErrorWithAPosition(string query, string key, int position)
    {
        var result = ListeningQuery.Parse(query);

        result.Success.ShouldBeFalse();
        result.Query.ShouldBeNull();
        result.Errors.ShouldNotBeEmpty();
        result.Errors[0].Key.ShouldBe(key);
        result.Errors[0].Position.ShouldBe(position);
        result.Errors[0].Arguments[0].ShouldBe(position + 1);
    }

    [Fact]
    public void Parse_TooLong_IsAnError() =>
        ListeningQuery.Parse(new string('a', ListeningQuery.MaxLength + 1)).Errors[0].Key.ShouldBe(ListeningQuery.ErrorKeys.TooLong);

    [Fact]
    public void Parse_LowercaseOperators_AreWords()
    {
        var root = Query("vélo or batterie").Root.ShouldBeOfType<QueryAnd>();

        root.Children.Count.ShouldBe(3);
    }

    [Fact]
    public void ErrorKeys_AllHaveEnglishAndFrenchMessages()
    {
        var resources = Path.Combine(SentimentEvaluation.RepositoryRoot(), "src", "Tribu.Web", "Resources");
        var english = File.ReadAllText(Path.Combine(resources, "UiStrings.resx"));
        var french = File.ReadAllText(Path.Combine(resources, "UiStrings.fr.resx"));

        foreach (var key in ListeningQuery.ErrorKeys.All)
        {
            english.ShouldContain($"name=\"{key}\"");
            french.ShouldContain($"name=\"{key}\"");
        }
    }

    [Fact]
    public void Matches_FiftyQueries_AgainstOneMention()
    {
        var queries = Enumerable.Range(0, 50).Select(i => Query($"(marque{i} OR \"produit {i}\") -concurrent{i}")).ToList();
        var mention = MentionWords.From("J'ai acheté le produit 7 de marque12, pas celui de concurrent12");

        queries.Select((q, i) => (q, i)).Where(x => x.q.Matches(mention)).Select(x => x.i).ShouldBe([7]);
    }
}
