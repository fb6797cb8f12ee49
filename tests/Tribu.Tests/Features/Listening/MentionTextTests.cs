using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>Mentions as plain text (HTML from feeds and Mastodon) and the hash that groups reposts.</summary>
public sealed class MentionTextTests
{
    [Theory]
    [InlineData("<p>Bonjour</p><p>le monde</p>", "Bonjour le monde")]
    [InlineData("ligne un<br>ligne deux<br/>trois", "ligne un ligne deux trois")]
    [InlineData("<ul><li>un</li><li>deux</li></ul>", "un deux")]
    [InlineData("<b>Vé</b>loria <i>rocks</i>", "Véloria rocks")]
    [InlineData("<p>J&#39;adore &amp; j&rsquo;en redemande&nbsp;!</p>", "J'adore & j’en redemande !")]
    [InlineData("Caf&eacute; &#x1F600; &#233;t&#xE9;", "Café 😀 été")]
    [InlineData("AT&T et R&D &amp c'est 5 &lt; 6", "AT&T et R&D &amp c'est 5 < 6")]
    [InlineData("&unknown; & &; &#;", "&unknown; & &; &#;")]
    [InlineData("I <3 my bike, 3 < 4 and a<b", "I <3 my bike, 3 < 4 and a<b")]
    [InlineData("avant<script>alert('x')</script>après", "avant après")]
    [InlineData("un<style>p{color:red}</style>deux<!-- caché -->trois", "un deux trois")]
    [InlineData("<a href=\"https://x.example/?a=1&b=2\" title=\"a > b\">lien</a> ici", "lien ici")]
    [InlineData("texte <b coupé", "texte <b coupé")]
    [InlineData("  plein   d'espaces \t\n et\u00A0de\u200Blignes  ", "plein d'espaces et delignes")]
    [InlineData("&lt;b&gt;pas une balise&lt;/b&gt;", "<b>pas une balise</b>")]
    [InlineData("<p>Mastodon <span class=\"h-card\"><a href=\"https://m.example/@veloria\" class=\"u-url mention\">@<span>veloria</span></a></span> merci</p>", "Mastodon @veloria merci")]
    public void FromHtml_TagsEntitiesAndWhitespace_GivesReadableText(string html, string expected) =>
        MentionText.FromHtml(html).ShouldBe(expected);

    [Fact]
    public void FromHtml_NullOrEmpty_GivesEmpty()
    {
        MentionText.FromHtml(null).ShouldBe("");
        MentionText.FromHtml("").ShouldBe("");
        MentionText.Clean(null).ShouldBe("");
    }

    [Fact]
    public void FromHtml_UnclosedComment_DropsTheRest() =>
        MentionText.FromHtml("visible <!-- jamais fermé <p>caché</p>").ShouldBe("visible");

    [Fact]
    public void Clean_DecodesEntitiesOnce() =>
        MentionText.Clean("Tom &amp;amp; Jerry &quot;ok&quot;").ShouldBe("Tom &amp; Jerry \"ok\"");

    [Theory]
    [InlineData("Super vélo ! https://veloria.example/s2", "RT @marie_l: super VELO!! https://t.example/abc 🔥🔥")]
    [InlineData("Le vélo électrique de @veloria est génial", "le velo electrique de @veloria_fr est GÉNIAL 😍")]
    [InlineData("Nouvel article : la batterie du S2", "RT @blog: Nouvel article — la batterie du S2 via @veloria")]
    [InlineData("#Véloria c'est top", "véloria, c'est top.")]
    [InlineData("Crème brûlée", "CREME BRULEE")]
    public void ContentHash_RepostsAndVariants_AreEqual(string original, string repost) =>
        MentionText.ContentHash(repost).ShouldBe(MentionText.ContentHash(original));

    [Theory]
    [InlineData("Le vélo est génial", "Le vélo est nul")]
    [InlineData("RT is a word here", "is a word here")]
    [InlineData("😍", "😡")]
    [InlineData("https://a.example/1", "https://a.example/2")]
    public void ContentHash_DifferentTexts_Differ(string one, string other) =>
        MentionText.ContentHash(one).ShouldNotBe(MentionText.ContentHash(other));

    [Fact]
    public void ContentHash_IsStableAcrossRuns_TruncatedSha256OfTheNormalisedWords()
    {
        MentionText.NormalizeForHash("RT @x: Le Vélo-Cargo, c'est TOP !!! https://t.example/a 🚲 via @veloria").ShouldBe("le velo cargo c est top");
        // SHA-256("le velo cargo c est top"), first 32 hex characters: a constant, so a change of rules shows here.
        MentionText.ContentHash("Le vélo cargo, c'est top").ShouldBe(Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData("le velo cargo c est top"u8))[..32]);
        MentionText.ContentHash("anything").Length.ShouldBe(MentionText.HashLength);
    }
}
