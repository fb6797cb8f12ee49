using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// A source as the API shows it: its settings and status (errors and warnings in the caller's language). Its secret never,
/// except <c>Secret</c> once, in the answer that created it or made a new one.
/// </summary>
public sealed record SourceResponse(
    int Id, SourceKind Kind, string Name, string? Url, MastodonMode? Mode, string? Query, bool IsEnabled, int PollIntervalMinutes, bool HasSecret,
    DateTime CreatedAt, DateTime? LastPolledAt, DateTime? LastSuccessAt, DateTime? NextPollAt, int ItemCount, int ConsecutiveFailures, string? LastError, string? LastWarning)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    /// <summary>Where webhook deliveries go (webhook sources only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookPath => Kind == SourceKind.Webhook ? $"/api/v1/listening/sources/{Id}/webhook" : null;

    public static SourceResponse FromEntity(ListeningSource s, IStringLocalizer l)
    {
        var settings = SourceSettings.Parse(s.Settings);
        return new SourceResponse(s.Id, s.Kind, s.Name, s.Url, settings.Mode, settings.Query, s.IsEnabled, s.PollIntervalMinutes, s.ProtectedSecret is not null,
            s.CreatedAt, s.LastPolledAt, s.LastSuccessAt, s.NextPollAt, s.ItemCount, s.ConsecutiveFailures,
            s.LastError is null ? null : SourceMessage.Localize(l, s.LastError),
            s.LastWarning is null ? null : string.Join(" ", SourceMessage.Split(s.LastWarning).Select(w => SourceMessage.Localize(l, w))));
    }
}

/// <summary>A new webhook secret, shown this once.</summary>
public sealed record SourceSecretResponse(int Id, string Secret);

/// <summary>What "poll now" did: mentions added, already stored, and the error or warning if any.</summary>
public sealed record PollResponse(int Added, int Duplicates, string? Error, string? Warning, DateTime? NextPollAt);

public static class SourceEndpoints
{
    public static RouteGroupBuilder MapListeningSourceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/listening/sources").WithTags("Listening");
        var managed = group.MapGroup("").RequireAuthorization(Policies.Manager);

        managed.MapGet("/", async Task<Ok<List<SourceResponse>>> (TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
            TypedResults.Ok((await db.ListeningSources.AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id).ToListAsync(ct)).Select(s => SourceResponse.FromEntity(s, l)).ToList()))
            .WithName("ListListeningSources").WithSummary("Every listening source with its status (managers).");

        managed.MapGet("/{id:int}", async Task<Results<Ok<SourceResponse>, NotFound>> (int id, TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
            await db.ListeningSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } source ? TypedResults.Ok(SourceResponse.FromEntity(source, l)) : TypedResults.NotFound())
            .WithName("GetListeningSource").WithSummary("One listening source with its status (managers).");

        managed.MapPost("/", async Task<Results<Created<SourceResponse>, ValidationProblem>> (SourceRequest request, SourceEditor editor, IStringLocalizer<ManageStrings> l, IStringLocalizer<UiStrings> ui, CancellationToken ct) =>
        {
            var result = await editor.SaveAsync(null, request, ct);
            if (result.Source is null) return TypedResults.ValidationProblem(result.Errors, title: ui["Form.ErrorsTitle"]);
            return TypedResults.Created($"/api/v1/listening/sources/{result.Source.Id}", SourceResponse.FromEntity(result.Source, l) with { Secret = result.NewSecret });
        }).WithName("CreateListeningSource")
            .WithSummary("Creates a source: Kind (Rss, Mastodon, Bluesky, Webhook, Csv), Name, Url, Mode and Query (Mastodon: Hashtag, Search or Account), AccessToken. A webhook's secret is in this answer only.");

        managed.MapPut("/{id:int}", async Task<Results<Ok<SourceResponse>, ValidationProblem, NotFound>> (int id, SourceRequest request, SourceEditor editor, TribuDbContext db, IStringLocalizer<ManageStrings> l, IStringLocalizer<UiStrings> ui, CancellationToken ct) =>
        {
            if (!await db.ListeningSources.AnyAsync(s => s.Id == id, ct)) return TypedResults.NotFound();
            var result = await editor.SaveAsync(id, request, ct);
            return result.Source is null ? TypedResults.ValidationProblem(result.Errors, title: ui["Form.ErrorsTitle"]) : TypedResults.Ok(SourceResponse.FromEntity(result.Source, l));
        }).WithName("UpdateListeningSource").WithSummary("Changes a source (its kind stays). An empty AccessToken keeps the current one; ClearAccessToken removes it.");

        managed.MapDelete("/{id:int}", async Task<Results<NoContent, NotFound>> (int id, SourceEditor editor, CancellationToken ct) =>
            await editor.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteListeningSource").WithSummary("Deletes a source and its mentions.");

        managed.MapPost("/{id:int}/poll", async Task<Results<Ok<PollResponse>, NotFound, ProblemHttpResult>> (int id, SourcePoller poller, TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            var source = await db.ListeningSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (source is null) return TypedResults.NotFound();
            if (!source.IsPolled) return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Sources.NotPolled"]);
            var outcome = await poller.PollAsync(id, ct);
            return TypedResults.Ok(new PollResponse(outcome.Added, outcome.Duplicates, outcome.Error is null ? null : SourceMessage.Localize(l, outcome.Error),
                outcome.Warning is null ? null : string.Join(" ", SourceMessage.Split(outcome.Warning).Select(w => SourceMessage.Localize(l, w))), outcome.NextPollAt));
        }).WithName("PollListeningSource").WithSummary("Polls a feed or network source now and tells what it found.");

        managed.MapPost("/{id:int}/secret", async Task<Results<Ok<SourceSecretResponse>, NotFound>> (int id, SourceEditor editor, CancellationToken ct) =>
            await editor.RegenerateSecretAsync(id, ct) is { } secret ? TypedResults.Ok(new SourceSecretResponse(id, secret)) : TypedResults.NotFound())
            .WithName("RegenerateListeningSourceSecret").WithSummary("A new signing secret for a webhook source, shown this once; the old one stops working.");

        group.MapPost("/{id:int}/webhook", SourceWebhook.ReceiveAsync).AllowAnonymous().DisableAntiforgery()
            .WithName("ReceiveListeningWebhook")
            .WithSummary("Delivers mentions to a webhook source: one mention or {\"mentions\": [...]}, signed with X-Tribu-Signature: sha256=<hex HMAC-SHA256 of the body> (docs/listening-webhook.md).")
            .Produces<WebhookResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        return api;
    }
}
