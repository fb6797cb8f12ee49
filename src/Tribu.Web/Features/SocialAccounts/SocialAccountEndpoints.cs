using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>A connected account as the API shows it: who it is and how it is doing (its last problem in the caller's language). Never its credential.</summary>
public sealed record SocialAccountResponse(
    int Id, SocialNetwork Network, string Name, string BaseUrl, string Handle, string? ExternalAccountId, bool IsEnabled, SocialAccountStatus Status,
    string? LastError, DateTime? LastCheckedAt, int ConsecutiveFailures, DateTime? NextPollAt, DateTime CreatedAt)
{
    public static SocialAccountResponse FromEntity(SocialAccount a, IStringLocalizer l) =>
        new(a.Id, a.Network, a.Name, a.BaseUrl, a.Handle, a.ExternalAccountId, a.IsEnabled, a.Status,
            a.LastError is null ? null : SourceMessage.Localize(l, a.LastError), a.LastCheckedAt, a.ConsecutiveFailures, a.NextPollAt, a.CreatedAt);
}

public static class SocialAccountEndpoints
{
    /// <summary>The <c>/api/v1/social-accounts</c> group (managers).</summary>
    public static RouteGroupBuilder MapSocialAccountEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/social-accounts").WithTags("SocialAccounts").RequireAuthorization(Policies.Manager);

        group.MapGet("/", async Task<Ok<List<SocialAccountResponse>>> (TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
            TypedResults.Ok((await db.SocialAccounts.AsNoTracking().OrderBy(a => a.Network).ThenBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(ct))
                .Select(a => SocialAccountResponse.FromEntity(a, l)).ToList()))
            .WithName("ListSocialAccounts").WithSummary("The brand's connected Mastodon and Bluesky accounts with their status (managers).");

        group.MapGet("/{id:int}", async Task<Results<Ok<SocialAccountResponse>, NotFound>> (int id, TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
            await db.SocialAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is { } account ? TypedResults.Ok(SocialAccountResponse.FromEntity(account, l)) : TypedResults.NotFound())
            .WithName("GetSocialAccount").WithSummary("One connected account with its status (managers).");

        group.MapPost("/", async Task<Results<Created<SocialAccountResponse>, ValidationProblem>> (SocialAccountRequest request, ClaimsPrincipal user, UserManager<Member> users,
            SocialAccountService service, IStringLocalizer<ManageStrings> l, IStringLocalizer<UiStrings> ui, CancellationToken ct) =>
        {
            var result = await service.ConnectAsync(request, MemberId(users, user), ct);
            return result.Account is { } account
                ? TypedResults.Created($"/api/v1/social-accounts/{account.Id}", SocialAccountResponse.FromEntity(account, l))
                : TypedResults.ValidationProblem(result.Errors, title: ui["Form.ErrorsTitle"]);
        }).WithName("CreateSocialAccount")
            .WithSummary("Connects an account once the network accepts its credential. Mastodon: Url (the instance) and Credential (an access token with read:accounts, read:notifications, read:search, read:statuses, write:statuses). Bluesky: Url (optional, https://bsky.social by default), Handle and Credential (an app password). The credential is stored encrypted and never returned.");

        group.MapDelete("/{id:int}", async Task<Results<NoContent, NotFound>> (int id, SocialAccountService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteSocialAccount").WithSummary("Disconnects an account and forgets its credential; inbox items and replies keep their history.");
        return api;
    }

    /// <summary>The console's plain-form actions on an account: check now, enable or disable, delete.</summary>
    public static IEndpointRouteBuilder MapSocialAccountForms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/manage/accounts/{id:int}").RequireAuthorization(Policies.Manager).ExcludeFromDescription();

        group.MapPost("/check", async (int id, HttpContext http, SocialAccountService service, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            var account = await service.CheckAsync(id, ct);
            if (account is null) return Results.NotFound();
            var message = account.Status == SocialAccountStatus.Connected
                ? l["SocialAccounts.CheckOk"].Value
                : "!" + l["SocialAccounts.CheckFailed", SourceMessage.Localize(l, account.LastError)];
            return Back(http, $"/manage/accounts/{id}", message);
        }).AddEndpointFilter<AntiforgeryFilter>();

        group.MapPost("/enabled", async (int id, [FromForm] string? enabled, HttpContext http, SocialAccountService service, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            var on = enabled == "true";
            if (!await service.SetEnabledAsync(id, on, ct)) return Results.NotFound();
            return Back(http, $"/manage/accounts/{id}", l[on ? "SocialAccounts.EnabledDone" : "SocialAccounts.DisabledDone"]);
        }).AddEndpointFilter<AntiforgeryFilter>();

        group.MapPost("/remove", async (int id, HttpContext http, SocialAccountService service, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            if (!await service.DeleteAsync(id, ct)) return Results.NotFound();
            return Back(http, "/manage/accounts", l["SocialAccounts.Deleted"]);
        }).AddEndpointFilter<AntiforgeryFilter>();
        return app;
    }

    private static Guid? MemberId(UserManager<Member> users, ClaimsPrincipal user) => Guid.TryParse(users.GetUserId(user), out var id) ? id : null;

    private static IResult Back(HttpContext http, string url, string message)
    {
        IdentityRedirectManager.SetStatus(http, message);
        return Results.LocalRedirect(url);
    }
}
