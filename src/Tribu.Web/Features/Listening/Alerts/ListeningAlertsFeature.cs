using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Alerts;

public static class ListeningAlertsFeature
{
    /// <summary>Alerts (the ingestion observer, delivery, the console's actions), sentiment corrections and the trained model, and the webhook outbox they use.</summary>
    public static IServiceCollection AddListeningAlerts(this IServiceCollection services)
    {
        services.AddTribuWebhooks();
        services.AddScoped<AlertDelivery>();
        services.AddScoped<AlertEvaluator>();
        services.AddScoped<ListeningAlerts>();
        services.AddScoped<Ingestion.IMentionObserver, AlertMentionObserver>();
        Corrections.SentimentCorrectionsFeature.AddSentimentCorrections(services);
        return services;
    }

    /// <summary>The alerts' API (/api/v1/listening/alerts), the console's forms and live stream, and the corrections' routes.</summary>
    public static IEndpointRouteBuilder MapListeningAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/listening").AddEndpointFilter<TokenScopeFilter>().WithTags("Listening").RequireAuthorization(Policies.Manager);
        api.MapGet("/alerts", async Task<Results<Ok<ListeningAlertPage>, ValidationProblem>> (string? status, int? queryId, int? page, int? pageSize, ListeningAlerts alerts,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            AlertStatus? filter = null;
            if (!string.IsNullOrWhiteSpace(status))
            {
                if (!Enum.TryParse<AlertStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [l["Alert.BadStatus"]] }, title: l["Form.ErrorsTitle"]);
                }
                filter = s;
            }
            return TypedResults.Ok(await alerts.ListAsync(filter, queryId, page ?? 1, pageSize ?? ListeningAlerts.DefaultPageSize, ct));
        }).WithName("ListListeningAlerts").WithSummary("Listening alerts, newest first; filter by status (Open, Acknowledged, Resolved) and query id; pages of up to 100 (managers).");
        api.MapGet("/alerts/{id:long}", async Task<Results<Ok<ListeningAlertResponse>, NotFound>> (long id, ListeningAlerts alerts, CancellationToken ct) =>
            await alerts.GetAsync(id, ct) is { } alert ? TypedResults.Ok(alert) : TypedResults.NotFound())
            .WithName("GetListeningAlert").WithSummary("One listening alert (managers).");
        api.MapPost("/alerts/{id:long}/acknowledge", (long id, ClaimsPrincipal user, ListeningAlerts alerts, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            ApiAnswerAsync(alerts.AcknowledgeAsync(user, id, ct), l))
            .WithName("AcknowledgeListeningAlert").WithSummary("Someone is on it: an open alert becomes acknowledged (409 when it no longer is open).");
        api.MapPost("/alerts/{id:long}/resolve", (long id, ClaimsPrincipal user, ListeningAlerts alerts, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            ApiAnswerAsync(alerts.ResolveAsync(user, id, ct), l))
            .WithName("ResolveListeningAlert").WithSummary("The episode is over: the next one opens a new alert (409 when already resolved).");
        Corrections.SentimentCorrectionsFeature.MapSentimentCorrectionApi(api);

        // The console page's plain forms and its live stream.
        app.MapPost("/manage/listening/alerts/{id:long}/{action:regex(^(acknowledge|resolve)$)}", async (long id, string action, HttpContext http, ListeningAlerts alerts,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = action == "acknowledge" ? await alerts.AcknowledgeAsync(http.User, id, ct) : await alerts.ResolveAsync(http.User, id, ct);
            IdentityRedirectManager.SetStatus(http, change.Outcome switch
            {
                Outcome.Ok => l[action == "acknowledge" ? "Alert.Acknowledged" : "Alert.Resolved"],
                Outcome.NotFound => "!" + l["Alert.NotFound"],
                _ => "!" + string.Join(" ", change.Errors!.Values.SelectMany(v => v)),
            });
            return Results.LocalRedirect($"/manage/listening/alerts#alert-{id.ToString(CultureInfo.InvariantCulture)}");
        }).RequireAuthorization(Policies.Manager).AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();
        app.MapGet("/manage/listening/alerts/stream", async (HttpContext http, ILiveBus bus, IServiceScopeFactory scopes, CancellationToken ct) =>
            await ServerSentEvents.StreamAsync(http, bus, LiveChannels.Listening, "alerts", async () =>
            {
                // A fingerprint of the alerts: the page fetches itself again only when it changes, not at every batch of mentions.
                await using var scope = scopes.CreateAsyncScope();
                return await FingerprintAsync(scope.ServiceProvider.GetRequiredService<TribuDbContext>(), ct);
            }, ct)).RequireAuthorization(Policies.Manager).ExcludeFromDescription();
        Corrections.SentimentCorrectionsFeature.MapSentimentCorrectionForms(app);
        return app;
    }

    internal static async Task<string> FingerprintAsync(TribuDbContext db, CancellationToken ct)
    {
        var f = await db.ListeningAlerts.AsNoTracking().GroupBy(a => 1).Select(g => new
        {
            Count = g.Count(),
            MaxId = g.Max(a => a.Id),
            Seen = g.Max(a => a.LastSeenAt),
            Acknowledged = g.Max(a => a.AcknowledgedAt),
            Resolved = g.Max(a => a.ResolvedAt),
            Mentions = g.Sum(a => a.MentionCount),
        }).FirstOrDefaultAsync(ct);
        return f is null ? "0" : string.Create(CultureInfo.InvariantCulture, $"{f.Count}-{f.MaxId}-{f.Seen.Ticks}-{f.Acknowledged?.Ticks}-{f.Resolved?.Ticks}-{f.Mentions}");
    }

    private static async Task<Results<Ok<ListeningAlertResponse>, NotFound, ProblemHttpResult>> ApiAnswerAsync(Task<Change<ListeningAlertResponse>> work, IStringLocalizer<UiStrings> l)
    {
        var change = await work;
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(change.Value!),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Alert.ConflictTitle"], detail: string.Join(" ", change.Errors!.Values.SelectMany(v => v))),
        };
    }
}
