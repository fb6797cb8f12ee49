using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>
/// An alert's explanation is stored as a <c>UiStrings</c> key and its arguments (a JSON array of numbers and texts), so
/// each reader gets it in their own language and number format.
/// </summary>
public static class AlertExplanation
{
    public const string Keyword = "Alert.Explain.Keyword";
    public const string BigAuthor = "Alert.Explain.BigAuthor";
    public const string VolumeSpike = "Alert.Explain.VolumeSpike";
    public const string NegativeSurge = "Alert.Explain.NegativeSurge";

    /// <summary>Where an alert is shown in the console.</summary>
    public static string PageUrl(long alertId) => $"/manage/listening/alerts#alert-{alertId.ToString(CultureInfo.InvariantCulture)}";

    public static string Args(params object[] args) => JsonSerializer.Serialize(args);

    /// <summary>The explanation, its numbers formatted for <paramref name="culture"/> ("1,234.5" or "1 234,5").</summary>
    public static string Format(IStringLocalizer localizer, string key, string argsJson, CultureInfo culture)
    {
        object[] args;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrEmpty(argsJson) ? "[]" : argsJson);
            args = [.. doc.RootElement.EnumerateArray().Select(e => (object)(e.ValueKind == JsonValueKind.Number
                ? e.GetDouble().ToString("#,0.#", culture)
                : e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()))];
        }
        catch (JsonException)
        {
            args = [];
        }
        return localizer[key, args].Value;
    }
}
