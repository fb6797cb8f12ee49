using System.Text.RegularExpressions;
using MimeKit;

namespace Tribu.Tests.Infrastructure;

/// <summary>Reads the mails Tribu wrote to its pickup folder, the way a person reads their inbox.</summary>
public sealed partial class MailSink(string directory)
{
    public IReadOnlyList<MimeMessage> All() =>
        Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory, "*.eml").Order().Select(f => MimeMessage.Load(f))]
            : [];

    public async Task<MimeMessage> WaitForAsync(string to, string? kind = null, int skip = 0, TimeSpan? timeout = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)))
        {
            var found = All().Where(m => m.To.Mailboxes.Any(a => a.Address.Equals(to, StringComparison.OrdinalIgnoreCase))
                && (kind is null || m.Headers["X-Tribu-Kind"] == kind)).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind ?? "mail"} for {to} arrived in {directory}.");
    }

    /// <summary>The first link in the text body whose path contains <paramref name="pathPart"/>.</summary>
    public static string Link(MimeMessage message, string pathPart) =>
        LinkRegex().Matches(message.TextBody ?? "").Select(m => m.Value).FirstOrDefault(l => l.Contains(pathPart, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No link to {pathPart} in: {message.TextBody}");

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkRegex();
}
