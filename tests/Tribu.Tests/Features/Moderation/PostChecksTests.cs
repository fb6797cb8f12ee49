using Tribu.Web.Features.Moderation;

namespace Tribu.Tests.Features.Moderation;

public sealed class PostChecksTests
{
    private static readonly PostAuthor Regular = new(IsStaff: false, IsNewMember: false, PublishedPosts: 50, SameTextToday: 0);
    private static readonly PostAuthor Newcomer = new(IsStaff: false, IsNewMember: true, PublishedPosts: 0, SameTextToday: 0);

    private static PostChecks Checks(Action<ModerationSettings>? change = null)
    {
        var settings = new ModerationSettings { BlockedWordsFr = "arnaque\n# a comment\nvélo volé", BlockedWordsEn = "scam\nget rich quick", BlockedDomains = "spam.example" };
        change?.Invoke(settings);
        return new PostChecks(settings);
    }

    [Theory]
    [InlineData("Cette offre est une ARNAQUÉ totale", "arnaque")]
    [InlineData("Total scam!", "scam")]
    [InlineData("Mon Vélo  volé hier", "velo vole")]
    [InlineData("How to GET-RICH quick today", "get rich quick")]
    public void BlockedWords_MatchWholeWords_IgnoringCaseAndAccents(string text, string expected) =>
        Checks().FindBlocked(text).ShouldBe(expected);

    [Theory]
    [InlineData("Les arnaques existent")]
    [InlineData("a scammer and scams")]
    [InlineData("Mon vélo n'est pas volé")]
    [InlineData("a comment")]
    public void BlockedWords_DoNotMatchInsideOtherWordsOrOutOfOrder(string text) =>
        Checks().FindBlocked(text).ShouldBeNull();

    [Fact]
    public void BlockedDomains_AndTheirSubdomains_HoldThePost_EvenForRegulars()
    {
        Checks().Check("see https://shop.SPAM.example/deal", Regular).ShouldContain(r => r.Code == HoldReason.BlockedDomain && r.Detail == "shop.spam.example".Replace("shop.", "", StringComparison.Ordinal));
        Checks().Check("see https://notspam.example.org/", Regular).ShouldBeEmpty();
    }

    [Fact]
    public void NewMembers_HaveLimitsOnLinksImagesAndMentions_RegularsAndStaffDoNot()
    {
        var text = "https://a.example https://b.example https://c.example ![x](/uploads/a.png) ![y](/uploads/b.png) @anna @bobby @cyril @deedee";
        Checks().Check(text, Newcomer).Select(r => r.Code).ShouldBe([HoldReason.NewMemberLinks, HoldReason.NewMemberImages, HoldReason.NewMemberMentions], ignoreOrder: true);
        Checks().Check(text, Regular).ShouldBeEmpty();
        Checks().Check(text + " arnaque", Newcomer with { IsStaff = true }).Select(r => r.Code).ShouldBe([HoldReason.BlockedWord]);
    }

    [Fact]
    public void LinkHeavy_RepeatedText_AndFirstPosts_AreHeld()
    {
        var links = string.Join(' ', Enumerable.Range(1, 9).Select(i => $"https://site{i}.example"));
        Checks().Check(links, Regular).Single().Code.ShouldBe(HoldReason.LinkHeavy);
        Checks().Check("Buy now", Regular with { SameTextToday = 2 }).Single().Code.ShouldBe(HoldReason.RepeatedText);
        Checks(s => s.FirstPostsNeedApproval = 2).Check("Hello", Newcomer with { PublishedPosts = 1 }).Single().ShouldBe(new HoldReason(HoldReason.FirstPosts, "2"));
        Checks(s => s.FirstPostsNeedApproval = 2).Check("Hello", Newcomer with { PublishedPosts = 2 }).ShouldBeEmpty();
    }

    [Fact]
    public void TextHash_IgnoresCaseAccentsAndSpacing()
    {
        PostChecks.TextHash("Achetez  MAINTENANT !").ShouldBe(PostChecks.TextHash("achetez maintenant"));
        PostChecks.TextHash("Vélo").ShouldBe(PostChecks.TextHash("velo"));
        PostChecks.TextHash("one thing").ShouldNotBe(PostChecks.TextHash("another thing"));
    }
}
