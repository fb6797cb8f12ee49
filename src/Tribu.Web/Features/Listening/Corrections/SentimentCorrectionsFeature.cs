using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Corrections;

public static class SentimentCorrectionsFeature
{
    /// <summary>
    /// Corrections, and the sentiment engine that uses the model trained on them: it replaces the lexicon engine
    /// registered by <c>AddListeningFeature</c> (and falls back to it while no model is active).
    /// </summary>
    public static IServiceCollection AddSentimentCorrections(this IServiceCollection services)
    {
        services.AddScoped<SentimentCorrections>();
        services.AddSingleton<ModelSentimentEngine>();
        services.Replace(ServiceDescriptor.Singleton<Analysis.ISentimentEngine>(sp => sp.GetRequiredService<ModelSentimentEngine>()));
        services.AddSingleton<Notifications.ILiveObserver>(sp => sp.GetRequiredService<ModelSentimentEngine>());
        services.AddHostedService<SentimentModelLoader>();
        return services;
    }

    /// <summary>PUT /api/v1/listening/mentions/{id}/sentiment, on the listening API group (managers).</summary>
    public static RouteGroupBuilder MapSentimentCorrectionApi(RouteGroupBuilder api)
    {
        api.MapPut("/mentions/{id:long}/sentiment", async Task<Results<Ok<SentimentCorrectionResponse>, ValidationProblem, NotFound>> (long id, SentimentCorrectionRequest request,
            ClaimsPrincipal user, SentimentCorrections corrections, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await corrections.CorrectAsync(user, id, request.Sentiment, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Ok(change.Value!),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            };
        }).WithName("CorrectMentionSentiment").WithSummary("Correct a mention's sentiment (negative, neutral or positive): stored for the model to learn from (managers).");
        return api;
    }

    /// <summary>The form of <c>CorrectSentimentForm</c>: back to the mention's page with what was done or why not.</summary>
    public static IEndpointRouteBuilder MapSentimentCorrectionForms(IEndpointRouteBuilder app)
    {
        app.MapPost("/manage/listening/mentions/{id:long}/sentiment", async (long id, [FromForm] string? sentiment, HttpContext http, SentimentCorrections corrections,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await corrections.CorrectAsync(http.User, id, sentiment, ct);
            if (change.Outcome == Outcome.NotFound) return Results.NotFound();
            IdentityRedirectManager.SetStatus(http, change.Outcome == Outcome.Ok
                ? l["Correction.Saved", l["Correction.Label." + change.Value!.Sentiment]]
                : "!" + string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
            return Results.LocalRedirect(SentimentCorrections.MentionPage(id));
        }).RequireAuthorization(Policies.Manager).AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();
        return app;
    }
}
