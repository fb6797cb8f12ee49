using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Platform;
using Tribu.Web.Platform.Data;

namespace Tribu.Bench.Ingestion;

/// <summary>
/// <c>dotnet Tribu.Bench.dll ingest [--provider sqlite|postgres] [--connection CS] [--mentions N] [--batch N] [--clients N] [--keep]</c>:
/// end-to-end listening ingestion. Tribu runs in this process on a loopback port (the real host: AddTribu, MapTribu,
/// migrations, jobs); 50 active listening queries are created, then signed webhook deliveries of <c>--batch</c> mentions
/// (Mastodon-like HTML in French and English, all different) are posted by <c>--clients</c> concurrent senders. What is
/// measured is everything a webhook mention goes through: HTTP, signature check, JSON parsing, dedup, HTML to text,
/// language, sentiment, repost hash, author link, matching the 50 queries, storage of mentions and matches, live signal
/// and the alert evaluation. A second pass re-sends the first deliveries to time pure dedup.
/// </summary>
internal static class IngestionBench
{
    private static readonly string[] Extra =
    [
        "ce matin", "au boulot", "sous la pluie", "avec les enfants", "en montée", "sur la piste", "today", "on my commute", "after work",
        "in the rain", "for the third time", "la semaine dernière", "depuis hier", "at the shop", "chez le vélociste", "en ville", "on the hills",
        "#velotaf", "#ebike", "#cargo", "#vae", "véloria", "voltabike", "cyclonix", "batterie", "SAV", "prix", "livraison", "frein", "appli",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var provider = Arg(args, "--provider") ?? "sqlite";
        var connection = Arg(args, "--connection");
        var total = int.Parse(Arg(args, "--mentions") ?? "50000", CultureInfo.InvariantCulture);
        var batch = int.Parse(Arg(args, "--batch") ?? "500", CultureInfo.InvariantCulture);
        var clients = int.Parse(Arg(args, "--clients") ?? "2", CultureInfo.InvariantCulture);
        var data = Path.Combine(Path.GetTempPath(), "tribu-ingest-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production", ApplicationName = "Tribu.Web" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = data,
            ["Database:Provider"] = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? "Postgres" : "Sqlite",
            ["Database:ConnectionString"] = connection ?? "",
            ["Demo:SeedOnFirstRun"] = "false",
            ["Admin:Email"] = "bench@tribu.example",
            ["Admin:Password"] = "bench-password-2026",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddTribu();
        var app = builder.Build();
        app.MapTribu();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"Tribu on {url}, {builder.Configuration["Database:Provider"]}, data in {data}");

        int sourceId;
        var secret = SourceSecrets.NewWebhookSecret();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TribuDbContext>();
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var source = db.ListeningSources.Add(new ListeningSource
            {
                Kind = SourceKind.Webhook, Name = $"Bench {Guid.NewGuid():N}", CreatedAt = now, ProtectedSecret = scope.ServiceProvider.GetRequiredService<SourceSecrets>().Protect(secret),
            }).Entity;
            var n = 0;
            foreach (var query in ListeningAnalysisBenchmarks.QueryTexts())
            {
                db.Watches.Add(new Watch { Name = $"Bench query {++n} {Guid.NewGuid():N}", Kind = n <= 10 ? WatchKind.Brand : WatchKind.Competitor, Query = query, CreatedAt = now, UpdatedAt = now });
            }
            await db.SaveChangesAsync();
            sourceId = source.Id;
            Console.WriteLine($"{n} active queries; webhook source {sourceId}");
        }

        var payloads = Payloads(total, batch).ToList();
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        // Warm-up: one small delivery (JIT, first connections, compiled queries).
        await SendAsync(http, sourceId, secret, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { mentions = new[] { new { id = "warm-up", text = "Véloria warm-up" } } })));

        var (seconds, added, latencies) = await RunPassAsync(http, sourceId, secret, payloads, clients);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var stored = await CountAsync(app, sourceId);
        Console.WriteLine($"PASS new: {added:N0} mentions added in {seconds:F1} s = {added / seconds:N0} mentions/s; {stored:N0} stored for the source; " +
            $"delivery of {batch} p50 {Percentile(latencies, 0.5):F0} ms p99 {Percentile(latencies, 0.99):F0} ms; " +
            $"working set {process.WorkingSet64 / 1e6:F0} MB, peak {process.PeakWorkingSet64 / 1e6:F0} MB, GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB");
        var matches = await WithDbAsync(app, db => db.MentionMatches.CountAsync(m => db.Mentions.Any(x => x.Id == m.MentionId && x.SourceId == sourceId)));
        Console.WriteLine($"matches written: {matches:N0} ({(double)matches / Math.Max(1, stored):F2} per mention)");

        var (dupSeconds, dupAdded, _) = await RunPassAsync(http, sourceId, secret, payloads.Take(Math.Max(1, payloads.Count / 5)).ToList(), clients);
        Console.WriteLine($"PASS duplicates: {payloads.Count / 5 * batch:N0} mentions re-sent in {dupSeconds:F1} s = {payloads.Count / 5 * batch / dupSeconds:N0} mentions/s checked, {dupAdded} added");

        await app.StopAsync();
        await app.DisposeAsync();
        if (provider == "sqlite" && !args.Contains("--keep"))
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
        return stored == total + 1 && dupAdded == 0 ? 0 : 1;
    }

    private static async Task<(double Seconds, int Added, List<double> Latencies)> RunPassAsync(HttpClient http, int sourceId, string secret, List<byte[]> payloads, int clients)
    {
        var next = -1;
        var added = 0;
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < payloads.Count)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await SendAsync(http, sourceId, secret, payloads[i]);
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                lock (latencies) latencies.Add(ms);
                Interlocked.Add(ref added, result);
            }
        }));
        return (watch.Elapsed.TotalSeconds, added, latencies);
    }

    private static async Task<int> SendAsync(HttpClient http, int sourceId, string secret, byte[] body)
    {
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/listening/sources/{sourceId}/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Tribu-Timestamp", timestamp);
        request.Headers.Add("X-Tribu-Signature", "sha256=" + signature);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("added").GetInt32();
    }

    /// <summary>Deliveries of Mastodon-like mentions, every text different, half of them HTML, a third with an author that has followers.</summary>
    private static IEnumerable<byte[]> Payloads(int total, int batch)
    {
        var random = new Random(5000);
        var corpus = SentimentBenchmarks.Corpus;
        var start = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-12);
        for (var from = 0; from < total; from += batch)
        {
            var mentions = new List<object>(batch);
            for (var i = from; i < Math.Min(total, from + batch); i++)
            {
                var (text, language) = corpus[i % corpus.Length];
                var words = string.Join(' ', Enumerable.Range(0, 3 + random.Next(6)).Select(_ => Extra[random.Next(Extra.Length)]));
                var body = $"{text} {words} n°{i}";
                var handle = $"@user{random.Next(20_000)}@social{random.Next(40)}.example";
                var published = start.AddSeconds(i * 0.5).ToString("O", CultureInfo.InvariantCulture);
                mentions.Add(i % 2 == 0
                    ? new { id = $"m{i}", html = $"<p>{System.Net.WebUtility.HtmlEncode(body)} <a href=\"https://m.example/tags/velo\">#velo</a></p>", url = $"https://social.example/@u/{i}", publishedAt = published, language, author = new { handle, name = $"User {i % 997}", followers = random.Next(10) == 0 ? random.Next(100_000) : random.Next(500) } }
                    : (object)new { id = $"m{i}", text = body, url = $"https://social.example/@u/{i}", publishedAt = published, author = new { handle } });
            }
            yield return JsonSerializer.SerializeToUtf8Bytes(new { mentions });
        }
    }

    private static Task<int> CountAsync(WebApplication app, int sourceId) => WithDbAsync(app, db => db.Mentions.CountAsync(m => m.SourceId == sourceId));

    private static async Task<T> WithDbAsync<T>(WebApplication app, Func<TribuDbContext, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<TribuDbContext>());
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
