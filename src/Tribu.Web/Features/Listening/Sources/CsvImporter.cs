using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>A file as read before import: how it was decoded, its columns and first rows.</summary>
public sealed record CsvPreview(string Encoding, char Delimiter, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows, int RowCount);

/// <summary>Which column (0-based) gives which field; the text is required, the rest optional.</summary>
public sealed record CsvMapping(int Text, int? Id = null, int? Url = null, int? Date = null, int? Handle = null, int? Name = null, int? Followers = null, int? Language = null);

/// <summary>A row that was not imported: its line in the file and why (in the reader's language).</summary>
public sealed record CsvRowError(int Line, string Message);

public sealed record CsvImportResult(int Rows, int Added, int Duplicates, IReadOnlyList<CsvRowError> Errors);

/// <summary>
/// CSV imports into a source: the upload is kept in a temporary file under the data folder (named by an unguessable
/// token, tied to its source) between the preview and the import, then deleted; uploads left behind by an abandoned
/// import are swept after a day. The encoding is detected (UTF-8 with or without BOM, otherwise Windows-1252) and the
/// delimiter (comma, semicolon, tab, pipe). Good rows go through the ingestion pipeline, bad ones are reported by line;
/// ids come from the id column or, without one, from a hash of the row, so importing the same file again stores nothing twice.
/// </summary>
public sealed class CsvImporter(TribuPaths paths, MentionIngestor ingestor, IStringLocalizer<ManageStrings> l, TimeProvider clock)
{
    public const long MaxFileBytes = 20 * 1024 * 1024;
    public const int PreviewRows = 5;
    public static readonly TimeSpan KeepUploads = TimeSpan.FromDays(1);
    private static readonly char[] Delimiters = [',', ';', '\t', '|'];

    static CsvImporter() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private string Folder => Path.Combine(paths.Data, "listening-imports");

    /// <summary>Keeps an upload until it is imported or discarded; null when it is too large.</summary>
    public async Task<string?> SaveUploadAsync(int sourceId, Stream content, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        SweepOld();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = PathOf(sourceId, token)!;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > MaxFileBytes) break;
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            if (total <= MaxFileBytes) return token;
        }
        File.Delete(path);
        return null;
    }

    public bool Exists(int sourceId, string? token) => PathOf(sourceId, token) is { } path && File.Exists(path);

    public void Discard(int sourceId, string? token)
    {
        if (PathOf(sourceId, token) is { } path) File.Delete(path);
    }

    public async Task<CsvPreview?> PreviewAsync(int sourceId, string? token, CancellationToken ct)
    {
        if (PathOf(sourceId, token) is not { } path || !File.Exists(path)) return null;
        return Preview(await File.ReadAllBytesAsync(path, ct));
    }

    public static CsvPreview Preview(byte[] bytes)
    {
        var (text, encoding) = Decode(bytes);
        var delimiter = DetectDelimiter(text);
        var rows = new List<string[]>();
        var count = 0;
        string[] headers = [];
        foreach (var (_, fields, isHeader) in Records(text, delimiter))
        {
            if (isHeader)
            {
                headers = fields;
                continue;
            }
            if (rows.Count < PreviewRows) rows.Add(fields);
            count++;
        }
        return new CsvPreview(encoding, delimiter, headers, rows, count);
    }

    /// <summary>Imports the kept upload with this mapping, then deletes it. Null when the upload is gone (imported already, or swept).</summary>
    public async Task<CsvImportResult?> ImportAsync(int sourceId, string? token, CsvMapping mapping, CancellationToken ct)
    {
        if (PathOf(sourceId, token) is not { } path || !File.Exists(path)) return null;
        var result = await ImportAsync(sourceId, await File.ReadAllBytesAsync(path, ct), mapping, ct);
        File.Delete(path);
        return result;
    }

    public async Task<CsvImportResult> ImportAsync(int sourceId, byte[] bytes, CsvMapping mapping, CancellationToken ct)
    {
        var (text, _) = Decode(bytes);
        var delimiter = DetectDelimiter(text);
        var errors = new List<CsvRowError>();
        var items = new List<IncomingMention>();
        var lines = new List<int>();
        int rows = 0, added = 0, duplicates = 0;
        foreach (var (line, fields, isHeader) in Records(text, delimiter))
        {
            if (isHeader) continue;
            rows++;
            var (mention, error) = Row(fields, line, mapping);
            if (error is not null)
            {
                errors.Add(new CsvRowError(line, error));
                continue;
            }
            items.Add(mention!);
            lines.Add(line);
            if (items.Count == MentionIngestor.BatchSize) await FlushAsync();
        }
        await FlushAsync();
        return new CsvImportResult(rows, added, duplicates, [.. errors.OrderBy(e => e.Line)]);

        async Task FlushAsync()
        {
            if (items.Count == 0) return;
            var result = await ingestor.IngestAsync(sourceId, items, null, ct);
            added += result.Added;
            duplicates += result.Duplicates;
            foreach (var rejected in result.Rejected) errors.Add(new CsvRowError(lines[rejected.Index], l["Csv.Rejected", lines[rejected.Index]]));
            items.Clear();
            lines.Clear();
        }
    }

    private (IncomingMention? Mention, string? Error) Row(string[] fields, int line, CsvMapping map)
    {
        string? Field(int? column) => column is { } c && c >= 0 && c < fields.Length && !string.IsNullOrWhiteSpace(fields[c]) ? fields[c].Trim() : null;
        var text = Field(map.Text);
        if (text is null) return (null, l["Csv.NoText", line]);
        string id;
        if (map.Id is not null)
        {
            if (Field(map.Id) is not { } given) return (null, l["Csv.NoId", line]);
            id = given;
        }
        else
        {
            // No id column: the row itself is its id, so the same row imported twice is stored once.
            id = "csv:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', fields.Select(f => f.Trim())))));
        }
        DateTime? published = null;
        if (Field(map.Date) is { } date)
        {
            published = FeedDates.Parse(date);
            if (published is null) return (null, l["Csv.BadDate", line, date]);
        }
        var url = Field(map.Url);
        if (url is not null && MentionIngestor.SafeUrl(url) is null) return (null, l["Csv.BadUrl", line, url]);
        int? followers = null;
        if (Field(map.Followers) is { } count)
        {
            var digits = new string([.. count.Where(c => !char.IsWhiteSpace(c) && c is not (',' or '.' or '\u202f' or '\u00a0'))]);
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (null, l["Csv.BadFollowers", line, count]);
            followers = n;
        }
        var handle = Field(map.Handle);
        var name = Field(map.Name);
        var author = handle is null && name is null && followers is null ? null : new IncomingAuthor(handle, name, null, followers);
        return (new IncomingMention(id, text, IsHtml: false, Url: url, PublishedAt: published, Language: Field(map.Language), Author: author), null);
    }

    /// <summary>Each record with the line it starts on (records may span lines); the first is the header.</summary>
    private static IEnumerable<(int Line, string[] Fields, bool IsHeader)> Records(string text, char delimiter)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = false,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
        };
        using var reader = CsvReader.FromText(text, options);
        var first = true;
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = reader.GetString(i) ?? "";
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            yield return ((int)reader.LineNumber, fields, first);
            first = false;
        }
    }

    internal static (string Text, string Encoding) Decode(byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return (new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3), "UTF-8 (BOM)");
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return (Encoding.UTF8.GetString(bytes), "UTF-8");
        return (Encoding.GetEncoding(1252).GetString(bytes), "Windows-1252");
    }

    /// <summary>The candidate found most often, the same number of times, on the first lines (outside quotes).</summary>
    internal static char DetectDelimiter(string text)
    {
        var lines = text.Split('\n', 6).Take(5).Where(line => line.Trim().Length > 0).ToList();
        if (lines.Count == 0) return ',';
        var best = ',';
        var bestScore = 0;
        foreach (var candidate in Delimiters)
        {
            var counts = lines.Select(line => CountOutsideQuotes(line, candidate)).ToList();
            var score = counts[0] == 0 ? 0 : counts.Count(c => c == counts[0]) * 1000 + counts[0];
            if (score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == delimiter && !quoted) count++;
        }
        return count;
    }

    private string? PathOf(int sourceId, string? token) =>
        token is { Length: 32 } && token.All(char.IsAsciiHexDigitLower) ? Path.Combine(Folder, $"{sourceId}-{token}.csv") : null;

    private void SweepOld()
    {
        var before = clock.GetUtcNow().UtcDateTime - KeepUploads;
        foreach (var file in Directory.EnumerateFiles(Folder, "*.csv"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < before) File.Delete(file);
            }
            catch (IOException)
            {
                // In use by an import right now: the next sweep takes it.
            }
        }
    }
}
