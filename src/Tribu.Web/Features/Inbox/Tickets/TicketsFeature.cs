using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Security;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Tickets;

public static class TicketsFeature
{
    /// <summary>Customer-service tickets from the inbox: settings, the ticket service, the outbox observer, the webhook outbox they use.</summary>
    public static IServiceCollection AddInboxTickets(this IServiceCollection services)
    {
        services.AddTribuWebhooks();
        services.AddOptions<HelpdeskOptions>().BindConfiguration(HelpdeskOptions.Section);
        return services.AddSingleton<HelpdeskAddress>()
            .AddScoped<TicketComposer>()
            .AddScoped<TicketService>()
            .AddScoped<HelpdeskSettingsService>()
            .AddScoped<IWebhookDeliveryObserver, TicketDeliveryObserver>();
    }

    /// <summary>
    /// The tickets' API (<c>/api/v1/inbox/items/{id}/ticket</c>), the helpdesk's inbound webhook, and the item page's plain
    /// forms (<c>/manage/inbox/items/{id}/ticket</c>, <c>…/ticket/retry</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapInboxTicketEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/inbox").AddEndpointFilter<TokenScopeFilter>().WithTags("Inbox");
        var managed = api.MapGroup("/items/{id:long}/ticket").RequireAuthorization(Policies.Manager);

        managed.MapGet("", async Task<Results<Ok<TicketResponse>, NotFound>> (long id, TicketService tickets, CancellationToken ct) =>
            await tickets.GetAsync(id, ct) is { } ticket ? TypedResults.Ok(ticket) : TypedResults.NotFound())
            .WithName("GetInboxTicket")
            .WithSummary("The customer-service ticket of an inbox item: None, Pending (with the last error and the next attempt), Created (id, address, the helpdesk's status) or Failed (managers).");

        managed.MapPost("", async Task<Results<Accepted<TicketResponse>, Created<TicketResponse>, NotFound, ProblemHttpResult>> (long id, [FromBody] CreateTicketRequest? request,
            ClaimsPrincipal user, TicketService tickets, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            Answer(await tickets.CreateAsync(id, TopicPermissions.MemberId(user), request?.IncludeInternalNotes ?? false, ct), id, l))
            .WithName("CreateInboxTicket")
            .WithSummary("Sends the item to the helpdesk: 202 while the webhook call is pending, 201 when sent by e-mail; 409 when no helpdesk is configured or a ticket is already pending or created. Internal notes are sent only with includeInternalNotes (managers).");

        managed.MapPost("/retry", async Task<Results<Accepted<TicketResponse>, Created<TicketResponse>, NotFound, ProblemHttpResult>> (long id, ClaimsPrincipal user,
            TicketService tickets, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            Answer(await tickets.RetryAsync(id, TopicPermissions.MemberId(user), ct), id, l))
            .WithName("RetryInboxTicket")
            .WithSummary("Sends a failed ticket again: a new delivery of the same ticket (same content and X-Tribu-Ticket-Key); 409 unless the ticket failed (managers).");

        api.MapPost("/helpdesk/webhook", HelpdeskWebhook.ReceiveAsync).AllowAnonymous().DisableAntiforgery()
            .WithName("ReceiveHelpdeskUpdate")
            .WithSummary("The helpdesk's status updates: {\"ticket_id\", \"status\": open|pending|solved|closed, \"url\"?, \"comment\"?}, signed with X-Tribu-Signature: sha256=<hex HMAC-SHA256> and optionally X-Tribu-Timestamp (docs/inbox-helpdesk.md).")
            .Produces<HelpdeskUpdateResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        // The item page's plain forms (TicketPanel).
        var forms = app.MapGroup("/manage/inbox/items/{id:long}/ticket").RequireAuthorization(Policies.Manager).ExcludeFromDescription();
        forms.MapPost("", async (long id, [FromForm] string? includeNotes, HttpContext http, TicketService tickets, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            Back(http, id, await tickets.CreateAsync(id, TopicPermissions.MemberId(http.User), includeNotes == "true", ct), l))
            .AddEndpointFilter<AntiforgeryFilter>();
        forms.MapPost("/retry", async (long id, HttpContext http, TicketService tickets, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            Back(http, id, await tickets.RetryAsync(id, TopicPermissions.MemberId(http.User), ct), l))
            .AddEndpointFilter<AntiforgeryFilter>();
        return app;
    }

    private static Results<Accepted<TicketResponse>, Created<TicketResponse>, NotFound, ProblemHttpResult> Answer(Change<TicketResponse> change, long id, IStringLocalizer<UiStrings> l)
    {
        var location = $"/api/v1/inbox/items/{id.ToString(CultureInfo.InvariantCulture)}/ticket";
        return change.Outcome switch
        {
            Outcome.Ok when change.Value!.State == TicketState.Created => TypedResults.Created(location, change.Value),
            Outcome.Ok => TypedResults.Accepted(location, change.Value),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Inbox.Ticket.Error.Title"], detail: string.Join(" ", change.Errors!.Values.SelectMany(v => v))),
        };
    }

    private static IResult Back(HttpContext http, long id, Change<TicketResponse> change, IStringLocalizer<UiStrings> l)
    {
        if (change.Outcome == Outcome.NotFound) return Results.NotFound();
        IdentityRedirectManager.SetStatus(http, change.Outcome == Outcome.Ok
            ? l[change.Value!.State == TicketState.Created ? "Inbox.Ticket.SentByEmail" : "Inbox.Ticket.Requested"].Value
            : "!" + string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
        return Results.LocalRedirect(TicketComposer.ItemPath(id) + "#ticket");
    }
}
