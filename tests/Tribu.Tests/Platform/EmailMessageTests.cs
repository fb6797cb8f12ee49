using Tribu.Web.Platform.Email;

namespace Tribu.Tests.Platform;

public sealed class EmailMessageTests
{
    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(5, 480)]
    public void Backoff_DoublesFromThirtySeconds(int attempts, int seconds) => EmailMessage.Backoff(attempts).ShouldBe(TimeSpan.FromSeconds(seconds));
}
