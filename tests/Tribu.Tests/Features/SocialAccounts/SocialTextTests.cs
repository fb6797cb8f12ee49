using Tribu.Web.Features.Inbox.Replies;
using Tribu.Web.Features.SocialAccounts;

namespace Tribu.Tests.Features.SocialAccounts;

/// <summary>The networks' own rules for a reply's text: record keys (TIDs), lengths as each network counts them, who a Mastodon reply names.</summary>
public sealed class SocialTextTests
{
    [Fact]
    public void Tid_EncodesMicrosecondsAndClockIdAsTheSpecSays()
    {
        // The example of the atcute TID codec's documentation.
        Tid.Create(1_724_171_495_793_000, 512).ShouldBe("3l25zusnsfck2");
        Tid.Create(0, 0).ShouldBe("2222222222222");
    }

    [Fact]
    public void Tid_ForAReply_IsTheSameForEveryAttempt_AndDiffersBetweenReplies()
    {
        var at = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        var key = Guid.NewGuid();
        Tid.ForReply(at, key).ShouldBe(Tid.ForReply(at.AddTicks(-7), key), "the database keeps microseconds: the key must not depend on finer ticks");
        Tid.ForReply(at, key).ShouldNotBe(Tid.ForReply(at, Guid.NewGuid()));
        Tid.ForReply(at, key).ShouldNotBe(Tid.ForReply(at.AddSeconds(1), key));
        Tid.ForReply(at, key).ShouldStartWith("3");
    }

    [Theory]
    [InlineData("Bonjour", 7)]
    [InlineData("Voir https://example.com/a/very/long/path/that/is/much/longer/than/twenty-three", 28)]
    [InlineData("@alice@mastodon.social merci", 12)]
    [InlineData("👍🏽 ok", 4)]
    public void MastodonLength_CountsAsTheInstanceDoes(string text, int expected) =>
        MastodonApi.Length(text, MastodonLimits.Default).ShouldBe(expected);

    [Theory]
    [InlineData("Merci !", "alice", "@alice Merci !")]
    [InlineData("Merci @alice.", "alice", "Merci @alice.")]
    [InlineData("Merci @alice2", "alice", "@alice Merci @alice2")]
    [InlineData("Merci @bob@other.example", "bob", "@bob Merci @bob@other.example")]
    [InlineData("Merci @bob@other.example", "bob@other.example", "Merci @bob@other.example")]
    [InlineData("Un mot pour nous-mêmes", "brand", "Un mot pour nous-mêmes")]
    public void MastodonReply_NamesTheAuthorOnce(string body, string author, string expected) =>
        MastodonReplySender.Addressed(body, author, "brand@mastodon.social").ShouldBe(expected);
}
