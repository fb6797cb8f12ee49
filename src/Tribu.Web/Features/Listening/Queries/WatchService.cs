using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Queries;

/// <summary>
/// A listening query as a form or the API sends it. Null numbers keep their defaults. <c>InboxWhen</c> names which mentions
/// enter the inbox (Negative, Question, Influencer, All); null keeps the current choice, empty means none.
/// </summary>
public sealed record WatchRequest(
    string? Name,
    string? Kind,
    string? Query,
    IReadOnlyList<string>? Languages = null,
    IReadOnlyList<int>? SourceIds = null,
    bool? IsActive = null,
    string? AlertKeywords = null,
    bool? AlertOnSpike = null,
    int? SpikeFactor = null,
    int? SpikeMinimum = null,
    bool? AlertOnNegativeSurge = null,
    int? NegativeSharePercent = null,
    int? NegativeMinimum = null,
    int? BigAuthorFollowers = null,
    string? AlertEmails = null,
    string? AlertWebhookUrl = null,
    string? AlertWebhookSecret = null,
    IReadOnlyList<string>? InboxWhen = null);

/// <summary>What a query would match among recent mentions, while it is typed.</summary>
public sealed record WatchPreview(IReadOnlyList<QueryErrorView> Errors, int Scanned, int Matched, IReadOnlyList<PreviewMention> Sample);

/// <summary>A query error for a person: where, and the message in their language.</summary>
public sealed record QueryErrorView(int Position, int Length, string Message);

public sealed record PreviewMention(long Id, string Text, string Language, string Sentiment, DateTime PublishedAt, string? AuthorHandle);

/// <summary>
/// Creates, edits and deletes listening queries. Saving re-evaluates the recent mentions (the last
/// <see cref="ReevaluationWindow"/>): a mention belongs to every query it matches, including one written after it
/// was collected.
/// </summary>
public sealed partial class WatchService(
    TribuDbContext db,
    WatchCatalog catalog,
    ILiveBus bus,
    AuditLog audit,
    Platform.Webhooks.WebhookSecrets secrets,
    IStringLocalizer<UiStrings> l,
    TimeProvider clock,
    ILogger<WatchService> logger)
{
    public static readonly TimeSpan ReevaluationWindow = TimeSpan.FromDays(30);
    public const int PreviewScan = 5_000;
    public const int PreviewSample = 20;
    private const int ReevaluationBatch = 2_000;

    public static readonly string[] KnownLanguages = [Languages.French, Languages.English, Languages.Other];

    public async Task<Change<Watch>> CreateAsync(ClaimsPrincipal user, WatchRequest request, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(null, request, ct);
        if (errors.Count > 0) return Change<Watch>.Invalid(errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var watch = new Watch { CreatedAt = now, CreatedById = TopicPermissions.MemberId(user) };
        Apply(watch, request, now);
        db.Watches.Add(watch);
        await db.SaveChangesAsync(ct);
        audit.Record(user, AuditActions.ListeningQueryCreate, "watch", watch.Id, after: Snapshot(watch));
        await db.SaveChangesAsync(ct);
        await ChangedAsync(watch, ct);
        return Change<Watch>.Ok(watch);
    }

    public async Task<Change<Watch>> UpdateAsync(ClaimsPrincipal user, int id, WatchRequest request, CancellationToken ct = default)
    {
        var watch = await db.Watches.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (watch is null) return Change<Watch>.NotFound();
        var errors = await ValidateAsync(id, request, ct);
        if (errors.Count > 0) return Change<Watch>.Invalid(errors);
        var before = Snapshot(watch);
        var matchingChanged = request.Query?.Trim() != watch.Query || Join(request.Languages) != watch.Languages || JoinIds(request.SourceIds) != watch.SourceIds
            || (request.IsActive is { } active && active != watch.IsActive);
        Apply(watch, request, clock.GetUtcNow().UtcDateTime);
        audit.Record(user, AuditActions.ListeningQueryUpdate, "watch", watch.Id, before, Snapshot(watch));
        await db.SaveChangesAsync(ct);
        if (matchingChanged) await ChangedAsync(watch, ct);
        else await bus.PublishAsync(LiveChannels.ListeningQueries, ct);
        return Change<Watch>.Ok(watch);
    }

    public async Task<bool> DeleteAsync(ClaimsPrincipal user, int id, CancellationToken ct = default)
    {
        var watch = await db.Watches.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (watch is null) return false;
        // Matches go with it (cascade); in batches first, so a query with a million matches does not hold one huge delete.
        while (await db.MentionMatches.Where(m => m.WatchId == id).OrderBy(m => m.MentionId).Take(10_000).ExecuteDeleteAsync(ct) > 0)
        {
        }
        db.Watches.Remove(watch);
        audit.Record(user, AuditActions.ListeningQueryDelete, "watch", id, before: Snapshot(watch));
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        await bus.PublishAsync(LiveChannels.ListeningQueries, ct);
        await bus.PublishAsync(LiveChannels.Listening, ct);
        return true;
    }

    /// <summary>The request's problems, keyed by field, in the current culture's language.</summary>
    public async Task<Dictionary<string, string[]>> ValidateAsync(int? id, WatchRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors[nameof(WatchRequest.Name)] = [l["Listening.Queries.NameRequired"]];
        else if (name.Length > Watch.NameMaxLength) errors[nameof(WatchRequest.Name)] = [l["Listening.Queries.NameTooLong", Watch.NameMaxLength]];
        else if (await db.Watches.AnyAsync(w => w.Name == name && w.Id != (id ?? 0), ct)) errors[nameof(WatchRequest.Name)] = [l["Listening.Queries.NameTaken"]];
        if (!Enum.TryParse<WatchKind>(request.Kind, ignoreCase: true, out _) || int.TryParse(request.Kind, out _)) errors[nameof(WatchRequest.Kind)] = [l["Listening.Queries.KindInvalid"]];
        var parsed = ListeningQuery.Parse(request.Query);
        if (!parsed.Success) errors[nameof(WatchRequest.Query)] = [.. parsed.Errors.Select(Message)];
        if (!string.IsNullOrWhiteSpace(request.AlertKeywords))
        {
            var keywords = ListeningQuery.Parse(request.AlertKeywords);
            if (!keywords.Success) errors[nameof(WatchRequest.AlertKeywords)] = [.. keywords.Errors.Select(Message)];
        }
        if (request.Languages?.FirstOrDefault(lang => !KnownLanguages.Contains(lang)) is { } unknown) errors[nameof(WatchRequest.Languages)] = [l["Listening.Queries.LanguageInvalid", unknown]];
        if (request.SourceIds is { Count: > 0 } sourceIds)
        {
            var distinct = sourceIds.Distinct().ToList();
            var known = await db.ListeningSources.CountAsync(s => distinct.Contains(s.Id), ct);
            if (known != distinct.Count) errors[nameof(WatchRequest.SourceIds)] = [l["Listening.Queries.SourceInvalid"]];
        }
        Range(errors, nameof(WatchRequest.SpikeFactor), request.SpikeFactor, 2, 100);
        Range(errors, nameof(WatchRequest.SpikeMinimum), request.SpikeMinimum, 1, 100_000);
        Range(errors, nameof(WatchRequest.NegativeSharePercent), request.NegativeSharePercent, 5, 100);
        Range(errors, nameof(WatchRequest.NegativeMinimum), request.NegativeMinimum, 1, 100_000);
        Range(errors, nameof(WatchRequest.BigAuthorFollowers), request.BigAuthorFollowers, 1, int.MaxValue);
        foreach (var address in SplitList(request.AlertEmails))
        {
            if (!MailAddress.TryCreate(address, out var mail) || mail.Address != address)
            {
                errors[nameof(WatchRequest.AlertEmails)] = [l["Listening.Queries.EmailInvalid", address]];
                break;
            }
        }
        if (!string.IsNullOrWhiteSpace(request.AlertWebhookUrl)
            && (!Uri.TryCreate(request.AlertWebhookUrl.Trim(), UriKind.Absolute, out var hook) || hook.Scheme is not ("http" or "https") || request.AlertWebhookUrl.Length > 2000))
        {
            errors[nameof(WatchRequest.AlertWebhookUrl)] = [l["Listening.Queries.WebhookInvalid"]];
        }
        if (request.AlertWebhookSecret is { Length: > 500 }) errors[nameof(WatchRequest.AlertWebhookSecret)] = [l["Listening.Queries.SecretTooLong", 500]];
        if (request.InboxWhen?.FirstOrDefault(w => ParseInboxWhen(w) is null) is { } unknownWhen) errors[nameof(WatchRequest.InboxWhen)] = [l["Listening.Queries.InboxWhenInvalid", unknownWhen]];
        return errors;
    }

    private void Range(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max)) errors[field] = [l["Listening.Queries.OutOfRange", min, max]];
    }

    /// <summary>A parse error as a sentence in the current language, with where it is.</summary>
    public QueryErrorView View(QueryError error) => new(error.Position, error.Length, Message(error));

    private string Message(QueryError error) => l[error.Key, error.Arguments];

    private void Apply(Watch watch, WatchRequest request, DateTime now)
    {
        watch.Name = request.Name!.Trim();
        watch.Kind = Enum.Parse<WatchKind>(request.Kind!, ignoreCase: true);
        watch.Query = request.Query!.Trim();
        watch.Languages = Join(request.Languages);
        watch.SourceIds = JoinIds(request.SourceIds);
        watch.IsActive = request.IsActive ?? watch.IsActive;
        watch.AlertKeywords = string.IsNullOrWhiteSpace(request.AlertKeywords) ? null : request.AlertKeywords.Trim();
        watch.AlertOnSpike = request.AlertOnSpike ?? watch.AlertOnSpike;
        watch.SpikeFactor = request.SpikeFactor ?? watch.SpikeFactor;
        watch.SpikeMinimum = request.SpikeMinimum ?? watch.SpikeMinimum;
        watch.AlertOnNegativeSurge = request.AlertOnNegativeSurge ?? watch.AlertOnNegativeSurge;
        watch.NegativeSharePercent = request.NegativeSharePercent ?? watch.NegativeSharePercent;
        watch.NegativeMinimum = request.NegativeMinimum ?? watch.NegativeMinimum;
        watch.BigAuthorFollowers = request.BigAuthorFollowers;
        var emails = SplitList(request.AlertEmails).ToList();
        watch.AlertEmails = emails.Count == 0 ? null : string.Join(",", emails);
        watch.AlertWebhookUrl = string.IsNullOrWhiteSpace(request.AlertWebhookUrl) ? null : request.AlertWebhookUrl.Trim();
        if (watch.AlertWebhookUrl is null) watch.ProtectedAlertWebhookSecret = null;
        // An empty secret field keeps the secret already set: it is never shown back.
        else if (!string.IsNullOrEmpty(request.AlertWebhookSecret)) watch.ProtectedAlertWebhookSecret = secrets.Protect(request.AlertWebhookSecret);
        if (request.InboxWhen is { } when) watch.InboxWhen = when.Aggregate(InboxWhen.Never, (all, w) => all | (ParseInboxWhen(w) ?? InboxWhen.Never));
        watch.UpdatedAt = now;
    }

    /// <summary>The inbox flags a query can have, in the order forms list them.</summary>
    public static readonly InboxWhen[] InboxFlags = [InboxWhen.Negative, InboxWhen.Question, InboxWhen.Influencer, InboxWhen.All];

    /// <summary>A flag's name as the API and forms send it ("negative", "Question"), or null.</summary>
    private static InboxWhen? ParseInboxWhen(string? name) =>
        !string.IsNullOrWhiteSpace(name) && !int.TryParse(name, out _) && Enum.TryParse<InboxWhen>(name.Trim(), ignoreCase: true, out var flag) && Enum.IsDefined(flag) ? flag : null;

    /// <summary>The names of a query's inbox flags ("Negative", "Question"…), none for <see cref="InboxWhen.Never"/>.</summary>
    public static IReadOnlyList<string> InboxWhenNames(InboxWhen when) => [.. InboxFlags.Where(f => when.HasFlag(f)).Select(f => f.ToString())];

    private static string? Join(IReadOnlyList<string>? languages) =>
        languages is { Count: > 0 } ? string.Join(",", KnownLanguages.Where(languages.Contains)) : null;

    private static string? JoinIds(IReadOnlyList<int>? ids) =>
        ids is { Count: > 0 } ? string.Join(",", ids.Distinct().Order().Select(i => i.ToString(CultureInfo.InvariantCulture))) : null;

    internal static IEnumerable<string> SplitList(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split([',', ';', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The audit log's view of a query (never its webhook secret).</summary>
    private static object Snapshot(Watch w) => new
    {
        w.Name, Kind = w.Kind.ToString(), w.Query, w.Languages, w.SourceIds, w.IsActive, w.AlertKeywords, w.AlertOnSpike, w.SpikeFactor, w.SpikeMinimum,
        w.AlertOnNegativeSurge, w.NegativeSharePercent, w.NegativeMinimum, w.BigAuthorFollowers, w.AlertEmails, w.AlertWebhookUrl, InboxWhen = w.InboxWhen.ToString(),
    };

    private async Task ChangedAsync(Watch watch, CancellationToken ct)
    {
        catalog.Invalidate();
        await bus.PublishAsync(LiveChannels.ListeningQueries, ct);
        var matched = await ReevaluateAsync(watch.Id, ct);
        LogReevaluated(logger, watch.Id, matched);
        await bus.PublishAsync(LiveChannels.Listening, ct);
    }

    /// <summary>
    /// Matches the query again against the mentions of the last <see cref="ReevaluationWindow"/>: matches it no longer
    /// has go, new ones come. Older matches stay as they were (history is not rewritten). Returns the recent matches.
    /// </summary>
    public async Task<int> ReevaluateAsync(int watchId, CancellationToken ct = default)
    {
        var watch = await db.Watches.AsNoTracking().FirstOrDefaultAsync(w => w.Id == watchId, ct);
        if (watch is null) return 0;
        var since = clock.GetUtcNow().UtcDateTime - ReevaluationWindow;
        var compiled = watch.IsActive ? CompiledWatch.From(watch) : null;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.MentionMatches.Where(m => m.WatchId == watchId && m.PublishedAt >= since).ExecuteDeleteAsync(ct);
        var matched = 0;
        if (compiled is not null)
        {
            long after = 0;
            while (true)
            {
                var batch = await db.Mentions.AsNoTracking().Where(m => m.PublishedAt >= since && m.Id > after).OrderBy(m => m.Id).Take(ReevaluationBatch)
                    .Select(m => new { m.Id, m.SourceId, m.Language, m.Text, m.PublishedAt, m.Sentiment }).ToListAsync(ct);
                if (batch.Count == 0) break;
                after = batch[^1].Id;
                foreach (var m in batch)
                {
                    if (!compiled.Matches(m.SourceId, m.Language, MentionWords.From(m.Text))) continue;
                    db.MentionMatches.Add(new MentionMatch { WatchId = watchId, MentionId = m.Id, PublishedAt = m.PublishedAt, Sentiment = m.Sentiment });
                    matched++;
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        await transaction.CommitAsync(ct);
        return matched;
    }

    /// <summary>What a query being typed would match among the latest mentions (nothing is saved).</summary>
    public async Task<WatchPreview> PreviewAsync(string? query, IReadOnlyList<string>? languages, IReadOnlyList<int>? sourceIds, CancellationToken ct = default)
    {
        var parsed = ListeningQuery.Parse(query);
        if (!parsed.Success) return new WatchPreview([.. parsed.Errors.Select(View)], 0, 0, []);
        var langs = languages?.Where(KnownLanguages.Contains).ToHashSet() ?? [];
        var sources = sourceIds?.ToHashSet() ?? [];
        var recent = await db.Mentions.AsNoTracking().OrderByDescending(m => m.Id).Take(PreviewScan)
            .Select(m => new { m.Id, m.SourceId, m.Language, m.Text, m.PublishedAt, m.Sentiment, m.AuthorHandle }).ToListAsync(ct);
        var sample = new List<PreviewMention>();
        var matched = 0;
        foreach (var m in recent)
        {
            if ((sources.Count > 0 && !sources.Contains(m.SourceId)) || (langs.Count > 0 && !langs.Contains(m.Language))) continue;
            if (!parsed.Query!.Matches(MentionWords.From(m.Text))) continue;
            matched++;
            if (sample.Count < PreviewSample) sample.Add(new PreviewMention(m.Id, m.Text.Length > 280 ? m.Text[..280] + "…" : m.Text, m.Language, m.Sentiment.ToString(), m.PublishedAt, m.AuthorHandle));
        }
        return new WatchPreview([], recent.Count, matched, sample);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening query {WatchId} re-evaluated: {Matched} recent mentions match.")]
    private static partial void LogReevaluated(ILogger logger, int watchId, int matched);
}
