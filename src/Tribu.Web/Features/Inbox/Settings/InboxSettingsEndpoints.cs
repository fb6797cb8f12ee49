using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>The inbox's configuration as JSON: saved replies, teams, routing rules, intake and SLA settings (managers).</summary>
public static class InboxSettingsEndpoints
{
    public static RouteGroupBuilder MapInboxSettingsEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/inbox").WithTags("Inbox").RequireAuthorization(Policies.Manager);
        MapSavedReplies(group);
        MapTeams(group);
        MapRules(group);

        group.MapGet("/settings", async Task<Ok<InboxSettingsResponse>> (TribuDbContext db, CancellationToken ct) =>
                TypedResults.Ok(InboxSettingsResponse.FromEntity(await InboxSettingsStore.GetAsync(db, ct))))
            .WithName("GetInboxSettings").WithSummary("The inbox's intake and SLA settings: unanswered-question delay (hours), influencer threshold, SLA targets per priority (minutes), warning share.");
        group.MapPut("/settings", async Task<Results<Ok<InboxSettingsResponse>, ValidationProblem>> (InboxSettingsRequest request, InboxSettingsEditor editor, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await editor.SaveAsync(request, ct);
                return change.Succeeded ? TypedResults.Ok(InboxSettingsResponse.FromEntity(change.Value!)) : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("UpdateInboxSettings")
            .WithSummary("Changes the intake and SLA settings (a missing value keeps the current one): QuestionUnansweredHours 1–720, WarnAtPercent 10–99, each resolution target at least its first-response target. New targets apply to items that arrive afterwards.");
        return api;
    }

    private static void MapSavedReplies(RouteGroupBuilder group)
    {
        group.MapGet("/saved-replies", async Task<Ok<List<SavedReplyResponse>>> (string? q, SavedReplies replies, CancellationToken ct) =>
                TypedResults.Ok((await replies.ListAsync(q, ct)).Select(SavedReplyResponse.FromEntity).ToList()))
            .WithName("ListInboxSavedReplies").WithSummary("The saved replies by name; q keeps those whose name contains it (accents and case ignored).");
        group.MapGet("/saved-replies/{id:int}", async Task<Results<Ok<SavedReplyResponse>, NotFound>> (int id, TribuDbContext db, CancellationToken ct) =>
                await db.SavedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } r ? TypedResults.Ok(SavedReplyResponse.FromEntity(r)) : TypedResults.NotFound())
            .WithName("GetInboxSavedReply").WithSummary("One saved reply.");
        group.MapPost("/saved-replies", async Task<Results<Created<SavedReplyResponse>, ValidationProblem>> (SavedReplyRequest request, ClaimsPrincipal user, SavedReplies replies, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await replies.CreateAsync(user, request, ct);
                return change.Value is { } r
                    ? TypedResults.Created($"/api/v1/inbox/saved-replies/{r.Id}", SavedReplyResponse.FromEntity(r))
                    : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("CreateInboxSavedReply")
            .WithSummary("Creates a saved reply: a unique Name, BodyEn and/or BodyFr, Tags. Variables are written {first_name}; an unknown or unclosed one is refused with where it is.");
        group.MapPut("/saved-replies/{id:int}", async Task<Results<Ok<SavedReplyResponse>, ValidationProblem, NotFound>> (int id, SavedReplyRequest request, ClaimsPrincipal user, SavedReplies replies, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await replies.UpdateAsync(user, id, request, ct);
                return change.Outcome switch
                {
                    Outcome.Ok => TypedResults.Ok(SavedReplyResponse.FromEntity(change.Value!)),
                    Outcome.NotFound => TypedResults.NotFound(),
                    _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                };
            })
            .WithName("UpdateInboxSavedReply").WithSummary("Replaces a saved reply.");
        group.MapDelete("/saved-replies/{id:int}", async Task<Results<NoContent, NotFound>> (int id, SavedReplies replies, CancellationToken ct) =>
                await replies.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteInboxSavedReply").WithSummary("Deletes a saved reply (replies sent with it stay).");
        group.MapPost("/saved-replies/preview", async Task<Ok<SavedReplyPreview>> (SavedReplyPreviewRequest request, ClaimsPrincipal user, SavedReplies replies, CancellationToken ct) =>
                TypedResults.Ok(await replies.PreviewAsync(request, TopicPermissions.MemberId(user), ct)))
            .WithName("PreviewInboxSavedReply").WithSummary("The bodies being typed, filled with example values in their language, with their faults (variable, position, message). Saves nothing.");
        group.MapPost("/saved-replies/{id:int}/render", async Task<Results<Ok<RenderedSavedReply>, NotFound, ValidationProblem>> (int id, RenderSavedReplyRequest request, ClaimsPrincipal user, TribuDbContext db, SavedReplyRenderer renderer, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var reply = await db.SavedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
                if (reply is null) return TypedResults.NotFound();
                var item = await db.InboxItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == request.ItemId, ct);
                if (item is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(RenderSavedReplyRequest.ItemId)] = [l["Inbox.Replies.ItemUnknown"]] }, title: l["Form.ErrorsTitle"]);
                var (language, text) = await renderer.RenderAsync(reply, item, TopicPermissions.MemberId(user)!.Value, ct);
                return TypedResults.Ok(new RenderedSavedReply(reply.Id, item.Id, language, text));
            })
            .WithName("RenderInboxSavedReply").WithSummary("A saved reply filled for an inbox item, in the item's language (the other one when it is missing), as the caller would send it.");
    }

    private static void MapTeams(RouteGroupBuilder group)
    {
        group.MapGet("/teams", async Task<Ok<List<TeamResponse>>> (InboxTeams teams, CancellationToken ct) => TypedResults.Ok(await teams.ListAsync(ct)))
            .WithName("ListInboxTeams").WithSummary("The inbox teams and their members.");
        group.MapGet("/teams/{id:int}", async Task<Results<Ok<TeamResponse>, NotFound>> (int id, InboxTeams teams, CancellationToken ct) =>
                await teams.GetAsync(id, ct) is { } team ? TypedResults.Ok(team) : TypedResults.NotFound())
            .WithName("GetInboxTeam").WithSummary("One team and its members.");
        group.MapPost("/teams", async Task<Results<Created<TeamResponse>, ValidationProblem>> (TeamRequest request, InboxTeams teams, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await teams.CreateAsync(request, ct);
                return change.Value is { } team ? TypedResults.Created($"/api/v1/inbox/teams/{team.Id}", team) : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("CreateInboxTeam").WithSummary("Creates a team (a unique Name).");
        group.MapPut("/teams/{id:int}", async Task<Results<Ok<TeamResponse>, ValidationProblem, NotFound>> (int id, TeamRequest request, InboxTeams teams, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
                Result(await teams.RenameAsync(id, request, ct), l))
            .WithName("RenameInboxTeam").WithSummary("Renames a team.");
        group.MapDelete("/teams/{id:int}", async Task<Results<NoContent, ValidationProblem, NotFound>> (int id, InboxTeams teams, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await teams.DeleteAsync(id, ct);
                return change.Outcome switch
                {
                    Outcome.Ok => TypedResults.NoContent(),
                    Outcome.NotFound => TypedResults.NotFound(),
                    _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                };
            })
            .WithName("DeleteInboxTeam").WithSummary("Deletes a team; refused while a rule assigns to it. Its items keep their assignee.");
        group.MapPost("/teams/{id:int}/members", async Task<Results<Ok<TeamResponse>, ValidationProblem, NotFound>> (int id, TeamMemberRequest request, InboxTeams teams, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
                Result(await teams.AddMemberAsync(id, request, ct), l))
            .WithName("AddInboxTeamMember").WithSummary("Adds a member by handle; only admins and community managers can be in a team.");
        group.MapDelete("/teams/{id:int}/members/{handle}", async Task<Results<Ok<TeamResponse>, ValidationProblem, NotFound>> (int id, string handle, InboxTeams teams, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var clean = InboxStaff.Clean(handle);
                var memberId = await db.Users.Where(u => u.Handle == clean).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
                return memberId is null ? TypedResults.NotFound() : Result(await teams.RemoveMemberAsync(id, memberId.Value, ct), l);
            })
            .WithName("RemoveInboxTeamMember").WithSummary("Takes a member out of a team.");
    }

    private static void MapRules(RouteGroupBuilder group)
    {
        group.MapGet("/rules", async Task<Ok<List<RuleResponse>>> (InboxRules rules, CancellationToken ct) =>
                TypedResults.Ok(await rules.ToResponsesAsync(await rules.ListAsync(ct), ct)))
            .WithName("ListInboxRules").WithSummary("The routing rules in the order they apply. Every enabled rule that matches applies; the first assignment wins.");
        group.MapGet("/rules/{id:int}", async Task<Results<Ok<RuleResponse>, NotFound>> (int id, InboxRules rules, TribuDbContext db, CancellationToken ct) =>
                await db.InboxRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } rule ? TypedResults.Ok((await rules.ToResponsesAsync([rule], ct))[0]) : TypedResults.NotFound())
            .WithName("GetInboxRule").WithSummary("One routing rule.");
        group.MapPost("/rules", async Task<Results<Created<RuleResponse>, ValidationProblem>> (RuleRequest request, InboxRules rules, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await rules.CreateAsync(request, ct);
                return change.Value is { } rule
                    ? TypedResults.Created($"/api/v1/inbox/rules/{rule.Id}", (await rules.ToResponsesAsync([rule], ct))[0])
                    : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("CreateInboxRule")
            .WithSummary("Adds a rule at the end of the order. Conditions (at least one): WatchId, SpaceId, Language (fr, en, other), Channel (Mention, Question, Flag, DirectMention), Keywords. Actions (at least one): AssignTo (a handle) or AssignToTeamId, AddTags, SetPriority (Low, Normal, High, Urgent).");
        group.MapPut("/rules/{id:int}", async Task<Results<Ok<RuleResponse>, ValidationProblem, NotFound>> (int id, RuleRequest request, InboxRules rules, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await rules.UpdateAsync(id, request, ct);
                return change.Outcome switch
                {
                    Outcome.Ok => TypedResults.Ok((await rules.ToResponsesAsync([change.Value!], ct))[0]),
                    Outcome.NotFound => TypedResults.NotFound(),
                    _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                };
            })
            .WithName("UpdateInboxRule").WithSummary("Replaces a rule's name, conditions and actions (its place stays); IsEnabled switches it on or off, missing keeps it.");
        group.MapDelete("/rules/{id:int}", async Task<Results<NoContent, NotFound>> (int id, InboxRules rules, CancellationToken ct) =>
                await rules.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteInboxRule").WithSummary("Deletes a rule (items it routed keep what it did).");
        group.MapPost("/rules/{id:int}/move", async Task<Results<Ok<List<RuleResponse>>, ValidationProblem, NotFound>> (int id, MoveRuleRequest request, InboxRules rules, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var direction = request.Direction?.Trim().ToLowerInvariant();
                if (direction is not ("up" or "down"))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(MoveRuleRequest.Direction)] = [l["Inbox.Rules.DirectionInvalid"]] }, title: l["Form.ErrorsTitle"]);
                }
                if (!await rules.MoveAsync(id, direction == "up", ct)) return TypedResults.NotFound();
                return TypedResults.Ok(await rules.ToResponsesAsync(await rules.ListAsync(ct), ct));
            })
            .WithName("MoveInboxRule").WithSummary("Moves a rule one place up (earlier) or down (later); answers with the rules in their new order.");
        group.MapPost("/rules/test", async Task<Results<Ok<RuleTestResult>, ValidationProblem>> (RuleRequest request, InboxRules rules, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await rules.TestAsync(request, ct);
                return change.Value is { } result ? TypedResults.Ok(result) : TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
            })
            .WithName("TestInboxRule").WithSummary("How many of the latest 200 inbox items a rule's conditions would have matched, with up to 10 of them. Saves nothing.");
    }

    private static Results<Ok<TeamResponse>, ValidationProblem, NotFound> Result(Change<TeamResponse> change, IStringLocalizer l) => change.Outcome switch
    {
        Outcome.Ok => TypedResults.Ok(change.Value!),
        Outcome.NotFound => TypedResults.NotFound(),
        _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
    };
}
