using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Moderation;

public static class ModerationFeature
{
    public const int ApiPageSize = 100;

    public static IServiceCollection AddModerationFeature(this IServiceCollection services) =>
        services.AddScoped<AuditLog>().AddScoped<ModerationRules>().AddScoped<ModerationService>().AddScoped<FlagService>().AddScoped<SanctionService>().AddScoped<AppealService>()
            .AddScoped<TopicSurgery>();

    public static RouteGroupBuilder MapModerationEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async Task<Ok<List<AuditRow>>> (string? action, string? actor, string? target, string? id, DateOnly? from, DateOnly? to, int? page, TribuDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await AuditQuery.Rows(db, new AuditFilter(action, actor, target, id, from, to))
                .Skip((Math.Max(1, page ?? 1) - 1) * ApiPageSize).Take(ApiPageSize).ToListAsync(ct)))
            .WithTags("Moderation").WithName("ListAudit").WithSummary("The audit log, newest first, filtered by action, actor handle (or \"system\"), target and dates (staff).")
            .RequireAuthorization(Policies.Staff);
        api.MapPost("/posts/{id:long}/flags", async Task<Results<Ok<FlagResponse>, ValidationProblem, NotFound, ProblemHttpResult>> (
            long id, FlagRequest request, System.Security.Claims.ClaimsPrincipal user, FlagService flags, Microsoft.Extensions.Localization.IStringLocalizer<Resources.UiStrings> l, CancellationToken ct) =>
        {
            var reason = Enum.TryParse<FlagReason>(request.Reason, ignoreCase: true, out var r) ? r : (FlagReason?)null;
            var change = await flags.FlagAsync(user, id, reason, request.Text, ct);
            return change.Outcome switch
            {
                Topics.Outcome.Ok => TypedResults.Ok(new FlagResponse(change.Value!.PostId, change.Value.Reason, change.Value.CreatedAt)),
                Topics.Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                Topics.Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"], detail: l["Topic.NotAllowed"]),
            };
        }).WithTags("Moderation").WithName("FlagPost").WithSummary("Flag someone else's post for the moderators (Spam, Abuse, OffTopic, Other + text). Flagging twice counts once.")
            .RequireAuthorization();
        api.MapTopicSurgeryEndpoints();
        return api;
    }

    /// <summary>A queue decision's answer: back to the queue with what was done, why not, or that it was already done.</summary>
    private static IResult BackToQueue<T>(HttpContext http, Topics.Change<T> change, Func<string> done, string gone)
    {
        if (change.Outcome == Topics.Outcome.Forbidden) return Results.Forbid();
        Accounts.IdentityRedirectManager.SetStatus(http, change.Outcome switch
        {
            Topics.Outcome.Ok => done(),
            Topics.Outcome.Invalid => string.Join(" ", change.Errors!.Values.SelectMany(v => v)),
            _ => gone,
        });
        return Results.LocalRedirect("/manage/moderation");
    }

    public static IEndpointRouteBuilder MapModerationFiles(this IEndpointRouteBuilder app)
    {
        // The queue's decisions (plain forms): back to the queue with what was done, or who did it first.
        app.MapPost("/manage/moderation/{postId:long}/review", async (long postId, [Microsoft.AspNetCore.Mvc.FromForm] string? action, [Microsoft.AspNetCore.Mvc.FromForm] string? message,
            HttpContext http, ModerationService moderation, Microsoft.Extensions.Localization.IStringLocalizer<Resources.UiStrings> l, CancellationToken ct) =>
        {
            var decision = Enum.TryParse<ReviewAction>(action, out var a) ? a : (ReviewAction)(-1);
            var change = await moderation.ReviewAsync(http.User, postId, decision, message, ct);
            return BackToQueue(http, change, () => l["Moderation.Done." + decision], l["Moderation.AlreadyHandled"]);
        }).RequireAuthorization().AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();
        app.MapPost("/manage/moderation/appeals/{appealId:long}", async (long appealId, [Microsoft.AspNetCore.Mvc.FromForm] string? decision, [Microsoft.AspNetCore.Mvc.FromForm] string? response,
            HttpContext http, AppealService appeals, Microsoft.Extensions.Localization.IStringLocalizer<Resources.UiStrings> l, CancellationToken ct) =>
        {
            var change = await appeals.ResolveAsync(http.User, appealId, decision == "grant", response, ct);
            return BackToQueue(http, change, () => l[change.Value!.Granted == true ? "Appeal.GrantedDone" : "Appeal.DeniedDone"], l["Appeal.AlreadyDecided"]);
        }).RequireAuthorization().AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();
        app.MapGet("/manage/audit.csv", async (string? action, string? actor, string? target, string? id, DateOnly? from, DateOnly? to, HttpContext http, TribuDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            var name = string.Create(CultureInfo.InvariantCulture, $"tribu-audit-{clock.GetUtcNow():yyyyMMdd-HHmm}.csv");
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            await AuditQuery.WriteCsvAsync(db, new AuditFilter(action, actor, target, id, from, to), http.Response.Body, ct);
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();
        app.MapTopicSurgeryForms();
        return app;
    }
}

/// <summary>A flag: <c>Reason</c> is Spam, Abuse, OffTopic or Other (then <c>Text</c> is needed).</summary>
public sealed record FlagRequest(string? Reason, string? Text);

public sealed record FlagResponse(long PostId, FlagReason Reason, DateTime CreatedAt);
