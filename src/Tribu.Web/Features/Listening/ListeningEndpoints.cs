using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Mentions;
using Tribu.Web.Features.Listening.Queries;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening;

/// <summary>A listening query as the API returns it (never its webhook secret).</summary>
public sealed record WatchResponse(
    int Id, string Name, string Kind, string Query, IReadOnlyList<string> Languages, IReadOnlyList<int> SourceIds, bool IsActive,
    string? AlertKeywords, bool AlertOnSpike, int SpikeFactor, int SpikeMinimum, bool AlertOnNegativeSurge, int NegativeSharePercent, int NegativeMinimum,
    int? BigAuthorFollowers, IReadOnlyList<string> AlertEmails, string? AlertWebhookUrl, bool HasAlertWebhookSecret, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<string> InboxWhen)
{
    public static WatchResponse From(Watch w) => new(w.Id, w.Name, w.Kind.ToString(), w.Query, w.LanguageList, w.SourceIdList, w.IsActive,
        w.AlertKeywords, w.AlertOnSpike, w.SpikeFactor, w.SpikeMinimum, w.AlertOnNegativeSurge, w.NegativeSharePercent, w.NegativeMinimum,
        w.BigAuthorFollowers, [.. WatchService.SplitList(w.AlertEmails)], w.AlertWebhookUrl, w.ProtectedAlertWebhookSecret is not null, w.CreatedAt, w.UpdatedAt,
        WatchService.InboxWhenNames(w.InboxWhen));
}

/// <summary>What a query would match, while it is typed.</summary>
public sealed record PreviewRequest(string? Query, IReadOnlyList<string>? Languages = null, IReadOnlyList<int>? SourceIds = null);

/// <summary>Links mentions by a handle to a member (<c>member</c> is their community handle).</summary>
public sealed record AuthorLinkRequest(string? Handle, string? Member);

public sealed record AuthorLinkResponse(int Id, string Handle, Guid MemberId, string MemberHandle, string Origin, int MentionsLinked);

public static class ListeningEndpoints
{
    public static RouteGroupBuilder MapListeningEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/listening").WithTags("Listening").RequireAuthorization(Policies.Manager);

        group.MapGet("/queries", async Task<Ok<List<WatchResponse>>> (TribuDbContext db, CancellationToken ct) =>
                TypedResults.Ok((await db.Watches.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct)).Select(WatchResponse.From).ToList()))
            .WithName("ListListeningQueries").WithSummary("Every listening query, by name.");
        group.MapGet("/queries/{id:int}", async Task<Results<Ok<WatchResponse>, NotFound>> (int id, TribuDbContext db, CancellationToken ct) =>
                await db.Watches.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is { } w ? TypedResults.Ok(WatchResponse.From(w)) : TypedResults.NotFound())
            .WithName("GetListeningQuery").WithSummary("One listening query.");
        group.MapPost("/queries", async Task<Results<Created<WatchResponse>, ValidationProblem>> (WatchRequest request, ClaimsPrincipal user, WatchService watches, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await watches.CreateAsync(user, request, ct);
                return change.Value is { } w
                    ? TypedResults.Created($"/api/v1/listening/queries/{w.Id}", WatchResponse.From(w))
                    : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("CreateListeningQuery").WithSummary("Creates a listening query (kind Brand, Competitor or Theme) and matches it against the last 30 days of mentions. InboxWhen lists which of its mentions enter the inbox: Negative, Question, Influencer, All.");
        group.MapPut("/queries/{id:int}", async Task<Results<Ok<WatchResponse>, ValidationProblem, NotFound>> (int id, WatchRequest request, ClaimsPrincipal user, WatchService watches, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await watches.UpdateAsync(user, id, request, ct);
                return change.Outcome switch
                {
                    Outcome.Ok => TypedResults.Ok(WatchResponse.From(change.Value!)),
                    Outcome.NotFound => TypedResults.NotFound(),
                    _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                };
            })
            .WithName("UpdateListeningQuery").WithSummary("Replaces a listening query; when what it matches changed, the last 30 days of mentions are matched again.");
        group.MapDelete("/queries/{id:int}", async Task<Results<NoContent, NotFound>> (int id, ClaimsPrincipal user, WatchService watches, CancellationToken ct) =>
                await watches.DeleteAsync(user, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteListeningQuery").WithSummary("Deletes a listening query and its matches (the mentions stay).");
        group.MapPost("/queries/preview", async Task<Ok<WatchPreview>> (PreviewRequest request, WatchService watches, CancellationToken ct) =>
                TypedResults.Ok(await watches.PreviewAsync(request.Query, request.Languages, request.SourceIds, ct)))
            .WithName("PreviewListeningQuery").WithSummary("What a query would match among the latest 5,000 mentions, or where it does not parse (errors with positions, in the caller's language). Saves nothing.");

        group.MapGet("/mentions", async Task<Results<Ok<MentionPage>, ValidationProblem>> (int? query, int? source, string? sentiment, string? language, DateOnly? from, DateOnly? to,
                string? text, bool? reposts, long? before, int? limit, MentionQueries mentions, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var parsed = MentionFilter.ParseSentiment(sentiment);
                if (sentiment is not null && parsed is null)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sentiment"] = [l["Listening.Mentions.SentimentInvalid"]] }, title: l["Form.ErrorsTitle"]);
                }
                var filter = new MentionFilter(query, source, parsed, language, from, to, Limit(text), reposts ?? false, before);
                return TypedResults.Ok(await mentions.PageAsync(filter, limit ?? MentionQueries.PageSize, ct));
            })
            .WithName("ListMentions").WithSummary("Mentions, newest first, filtered by query id, source id, sentiment (negative/neutral/positive), language, UTC dates and text; reposts hidden unless reposts=true. Continue with before=nextBefore.");
        group.MapGet("/mentions/{id:long}", async Task<Results<Ok<MentionRow>, NotFound>> (long id, MentionQueries mentions, CancellationToken ct) =>
                await mentions.GetAsync(id, ct) is { } row ? TypedResults.Ok(row) : TypedResults.NotFound())
            .WithName("GetMention").WithSummary("One mention with its whole text and the queries it matches.");

        group.MapGet("/stats/volume", async Task<Ok<IReadOnlyList<VolumeBucket>>> (int? query, DateOnly? from, DateOnly? to, string? bucket, int? hours, ListeningStats stats, TimeProvider clock, CancellationToken ct) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (string.Equals(bucket, "hour", StringComparison.OrdinalIgnoreCase)) return TypedResults.Ok(await stats.ByHourAsync(query, now, hours ?? 48, ct));
                var end = to ?? DateOnly.FromDateTime(now);
                return TypedResults.Ok(await stats.ByDayAsync(query, from ?? end.AddDays(-29), end, ct));
            })
            .WithName("MentionVolume").WithSummary("Mentions by UTC day (bucket=day, from/to, 30 days by default) or by hour (bucket=hour, the last N hours), split by sentiment; for one query or all mentions.");
        group.MapGet("/stats/share-of-voice", async Task<Ok<IReadOnlyList<VoiceShare>>> (DateOnly? from, DateOnly? to, ListeningStats stats, TimeProvider clock, CancellationToken ct) =>
            {
                var end = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
                return TypedResults.Ok(await stats.ShareOfVoiceAsync(from ?? end.AddDays(-29), end, ct));
            })
            .WithName("ShareOfVoice").WithSummary("Each brand and competitor query's share of their mentions over a period (30 days by default), with its sentiment.");

        group.MapGet("/authors", async Task<Ok<List<AuthorLinkResponse>>> (TribuDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await db.AuthorLinks.AsNoTracking().OrderBy(a => a.Handle)
                    .Select(a => new AuthorLinkResponse(a.Id, a.Handle, a.MemberId, a.Member!.Handle, a.Origin.ToString(), 0)).ToListAsync(ct)))
            .WithName("ListAuthorLinks").WithSummary("Handles linked to community members.");
        group.MapPost("/authors", async Task<Results<Ok<AuthorLinkResponse>, ValidationProblem>> (AuthorLinkRequest request, ClaimsPrincipal user, AuthorLinks links, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await links.LinkAsync(user, request.Handle, request.Member, AuthorLinkOrigin.Staff, ct);
                return change.Succeeded ? TypedResults.Ok(change.Value!) : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("LinkAuthor").WithSummary("Links a handle (@name@instance, @name.bsky.social, or a profile URL) to a member: their mentions, past and future, show the member.");
        group.MapDelete("/authors/{id:int}", async Task<Results<NoContent, NotFound>> (int id, ClaimsPrincipal user, AuthorLinks links, CancellationToken ct) =>
                await links.UnlinkAsync(user, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("UnlinkAuthor").WithSummary("Removes a handle's link to a member.");
        api.MapListeningSourceEndpoints();
        return api;
    }

    /// <summary>The console's live pieces outside the API: the stream of "new mentions or alerts" signals.</summary>
    public static IEndpointRouteBuilder MapListeningFiles(this IEndpointRouteBuilder app)
    {
        // The mention stream and the alerts page listen here and fetch themselves again when told.
        app.MapGet("/manage/listening/stream", async (HttpContext http, Notifications.ILiveBus bus, TribuDbContext db, CancellationToken ct) =>
                await Notifications.ServerSentEvents.StreamAsync(http, bus, Notifications.LiveChannels.Listening, "changed",
                    async () => (await db.Mentions.MaxAsync(m => (long?)m.Id, ct) ?? 0).ToString(CultureInfo.InvariantCulture), ct))
            .RequireAuthorization(Policies.Manager).ExcludeFromDescription();
        app.MapSourceForms();
        return app;
    }

    internal static string? Limit(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim() is { Length: > MentionFilter.MaxTextLength } t ? t[..MentionFilter.MaxTextLength] : text.Trim();
}
