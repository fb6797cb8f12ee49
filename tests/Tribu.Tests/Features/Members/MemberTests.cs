using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Members;

public sealed class MemberTests
{
    [Theory]
    [InlineData("Claire Martin", "CM")]
    [InlineData("Inès (Véloria)", "IV")]
    [InlineData("julien", "J")]
    [InlineData("   ", "?")]
    [InlineData("Jean-Luc Picard", "JP")]
    public void MakeInitials_TakesFirstAndLastWords(string name, string expected) => Member.MakeInitials(name).ShouldBe(expected);

    [Theory]
    [InlineData("Léa Martin", "lea_martin")]
    [InlineData("Ö", "o_member")]
    [InlineData("A very long display name indeed", "a_very_long_disp")]
    public void HandleFrom_FoldsAccentsAndKeepsHandleCharacters(string text, string expected)
    {
        var handle = Member.HandleFrom(text);
        handle.ShouldBe(expected[..Math.Min(expected.Length, handle.Length)]);
        Member.IsValidHandle(handle).ShouldBeTrue();
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("claire_m", true)]
    [InlineData("Claire", false)]
    [InlineData("twentyonecharacters__", false)]
    public void IsValidHandle_EnforcesTheRules(string handle, bool valid) => Member.IsValidHandle(handle).ShouldBe(valid);
}
