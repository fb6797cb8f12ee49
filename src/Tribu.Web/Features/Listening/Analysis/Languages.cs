namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>The languages listening tells apart: French, English, and everything else (or too short to say).</summary>
public static class Languages
{
    public const string French = "fr";
    public const string English = "en";
    public const string Other = "other";
}
