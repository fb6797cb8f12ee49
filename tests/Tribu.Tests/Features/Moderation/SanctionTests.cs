using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Moderation;

/// <summary>Warnings, silences, suspensions and bans, with the time moved by a manual clock.</summary>
public sealed class SanctionTests(ManualClockAppFactory app) : IClassFixture<ManualClockAppFactory>
{
    private static async Task<long> StartAsync(TestPerson who, string space) =>
        (await (await who.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Sanctions topic", body = "Hello" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private static async Task<HttpResponseMessage> SanctionAsync(TestPerson moderator, string handle, Dictionary<string, string> fields) =>
        await moderator.Client.SubmitAsync($"/u/{handle}/moderate", "sanction", fields);

    [Fact]
    public async Task SilencedMember_CannotPostUntilThePeriodEnds_AndIsToldWhyByMail()
    {
        var space = await TestSpaces.CreateAsync(app);
        using var moderator = await TestPerson.CreateAsync(app, Roles.Moderator);
        using var member = await TestPerson.CreateAsync(app, language: "fr");
        var topic = await StartAsync(moderator, space);

        var bad = await moderator.Client.FollowAsync(await SanctionAsync(moderator, member.Handle, new() { ["Input.Kind"] = "Silence", ["Input.Days"] = "0", ["Input.Reason"] = "" }));
        bad.FieldError("Days").ShouldBe("Enter a number of days from 1 to 3650.");
        bad.FieldError("Reason").ShouldBe("Give the reason: the member will read it.");

        var done = await moderator.Client.FollowAsync(await SanctionAsync(moderator, member.Handle,
            new() { ["Input.Kind"] = "Silence", ["Input.Days"] = "2", ["Input.Reason"] = "Insults in the coffee corner", ["Input.Message"] = "Take a breath." }));
        done.Text.ShouldContain("The member is silenced and told.", customMessage: done.Document.QuerySelector("main")?.TextContent);
        var mail = await app.Mail.WaitForAsync(member.Email, "sanction");
        mail.TextBody!.ShouldContain("Insults in the coffee corner");
        mail.TextBody!.ShouldContain("Take a breath.");
        mail.Subject!.ShouldContain("Vous ne pouvez plus publier");

        var refused = await member.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Let me speak" });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldStartWith("La modération vous a mis en sourdine jusqu'au");
        var page = await member.Client.SubmitAndFollowAsync($"/t/{topic}", "reply", new Dictionary<string, string> { ["Reply.Body"] = "Let me speak" });
        page.Text.ShouldContain("La modération vous a mis en sourdine");
        page.Document.QuerySelector("#reply-body")!.TextContent.ShouldBe("Let me speak");
        // Reading is still fine.
        (await member.Client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Back, and calmer" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "member.sanction"))).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Suspension_EndsTheSessionsAndRefusesLogIn_UntilLifted_AndStaffAreOnlySanctionedByAdmins()
    {
        using var manager = await TestPerson.CreateAsync(app, Roles.CommunityManager);
        using var member = await TestPerson.CreateAsync(app);
        using var moderator = await TestPerson.CreateAsync(app, Roles.Moderator);
        (await member.Client.Http.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await manager.Client.FollowAsync(await SanctionAsync(manager, member.Handle, new() { ["Input.Kind"] = "Suspension", ["Input.Days"] = "7", ["Input.Reason"] = "Spam wave" })))
            .Text.ShouldContain("The member is suspended and told");

        // The open session is over at once, and signing in again is refused with the reason.
        (await member.Client.Http.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.Client.GetAsync("/")).Document.QuerySelector($"a.user-chip[href='/u/{member.Handle}']").ShouldBeNull();
        using var again = app.CreateTribuClient();
        (await again.LogInAsync(member.Email, TestMembers.Password)).Text.ShouldContain("This account is suspended until");

        // A manager cannot sanction staff; a moderator cannot sanction a manager either.
        (await manager.Client.GetAsync($"/u/{moderator.Handle}/moderate")).Text.ShouldContain("Only an administrator can sanction a member of staff");

        // Lifted: the member signs in again.
        var sanctionId = await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Sanction>().Where(s => s.Kind == Tribu.Web.Features.Moderation.SanctionKind.Suspension)
            .OrderByDescending(s => s.Id).Select(s => s.Id).FirstAsync());
        (await manager.Client.FollowAsync(await manager.Client.SubmitAsync($"/u/{member.Handle}/moderate", $"lift-{sanctionId}", new Dictionary<string, string>())))
            .Text.ShouldContain("The sanction is lifted.");
        using var back = app.CreateTribuClient();
        await back.LogInAsync(member.Email, TestMembers.Password);
        (await back.Http.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SilencedMember_AppealsFromTheirStandingPage_StaffGrantItFromTheQueue_TheSilenceIsLiftedAndTheMemberToldByMail()
    {
        using var moderator = await TestPerson.CreateAsync(app, Roles.Moderator);
        using var other = await TestPerson.CreateAsync(app, Roles.CommunityManager);
        using var member = await TestPerson.CreateAsync(app, language: "fr");
        (await member.Client.GetAsync("/account/manage/standing")).Text.ShouldContain("Aucun avertissement ni aucune sanction");
        await SanctionAsync(moderator, member.Handle, new() { ["Input.Kind"] = "Silence", ["Input.Days"] = "5", ["Input.Reason"] = "Heated replies" });
        var sanctionId = await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Sanction>().Where(s => s.Kind == Tribu.Web.Features.Moderation.SanctionKind.Silence)
            .OrderByDescending(s => s.Id).Select(s => s.Id).FirstAsync());

        var standing = await member.Client.GetAsync("/account/manage/standing");
        standing.Text.ShouldContain("Heated replies");
        standing.Document.QuerySelector($"a[href='/sanctions/{sanctionId}/appeal']").ShouldNotBeNull();
        // Someone else's sanction is not theirs to see.
        (await other.Client.GetAsync($"/sanctions/{sanctionId}/appeal")).Status.ShouldBe(HttpStatusCode.NotFound);

        var empty = await member.Client.FollowAsync(await member.Client.SubmitAsync($"/sanctions/{sanctionId}/appeal", "sanction-appeal", new Dictionary<string, string> { ["Input.Text"] = " " }));
        empty.FieldError("Text")!.ShouldNotBeNullOrWhiteSpace();
        var sent = await member.Client.FollowAsync(await member.Client.SubmitAsync($"/sanctions/{sanctionId}/appeal", "sanction-appeal",
            new Dictionary<string, string> { ["Input.Text"] = "I was answering an insult; please read the whole thread." }));
        sent.Text.ShouldContain("Appel envoyé, en attente de réponse");
        // Appealing twice gives one appeal.
        (await member.Client.GetAsync($"/sanctions/{sanctionId}/appeal")).Text.ShouldContain("a déjà fait l'objet d'un appel");
        (await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Appeal>().CountAsync(a => a.SanctionId == sanctionId))).ShouldBe(1);

        // The appeal lands in the queue for staff; a decision is taken once.
        var queue = await other.Client.GetAsync("/manage/moderation");
        queue.Text.ShouldContain("Appeals of sanctions");
        queue.Text.ShouldContain("I was answering an insult");
        var appealId = await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Appeal>().Where(a => a.SanctionId == sanctionId).Select(a => a.Id).SingleAsync());
        var granted = await other.Client.FollowAsync(await other.Client.SubmitFormAsync("/manage/moderation", f => f.Action!.EndsWith($"/manage/moderation/appeals/{appealId}", StringComparison.Ordinal),
            new Dictionary<string, string> { ["decision"] = "grant", ["response"] = "You are right, sorry." }));
        granted.Status.ShouldBe(HttpStatusCode.OK);
        var member_ = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Handle == member.Handle));
        member_.SilencedUntil.ShouldBeNull();
        (await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Sanction>().Where(s => s.Id == sanctionId).Select(s => s.LiftedAt).SingleAsync())).ShouldNotBeNull();
        var mail = await app.Mail.WaitForAsync(member.Email, "appeal");
        mail.Subject!.ShouldContain("votre appel est accepté");
        mail.TextBody!.ShouldContain("You are right, sorry.");
        (await member.Client.GetAsync("/account/manage/standing")).Text.ShouldContain("Appel accepté");
        (await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "appeal.grant" && e.TargetId == sanctionId.ToString()))).ShouldBe(1);
    }

    [Fact]
    public async Task SuspendedMember_GetsAnAppealLinkOnlyWithTheirPassword_AndItExpires()
    {
        using var manager = await TestPerson.CreateAsync(app, Roles.CommunityManager);
        using var member = await TestPerson.CreateAsync(app);
        await SanctionAsync(manager, member.Handle, new() { ["Input.Kind"] = "Ban", ["Input.Reason"] = "Repeated spam" });

        // Without the password, nothing about the ban is told, and no link.
        using var stranger = app.CreateTribuClient();
        var guessed = await stranger.FollowAsync(await stranger.SubmitAsync("/account/login", "login",
            new Dictionary<string, string> { ["Input.Email"] = member.Email, ["Input.Password"] = "not the password" }));
        guessed.Text.ShouldNotContain("banned");
        guessed.Document.QuerySelector("a[href^='/sanctions/']").ShouldBeNull();

        using var again = app.CreateTribuClient();
        var refused = await again.LogInAsync(member.Email, TestMembers.Password);
        var link = refused.Document.QuerySelector("a[href^='/sanctions/']")?.GetAttribute("href");
        link.ShouldNotBeNull();
        var page = await again.GetAsync(link);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Text.ShouldContain("Repeated spam");
        var sent = await again.FollowAsync(await again.SubmitAsync(link, "sanction-appeal", new Dictionary<string, string> { ["Input.Text"] = "My account was stolen that week." }));
        sent.Text.ShouldContain("Your appeal is with the moderators.");
        (await app.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Appeal>().CountAsync(a => a.Text == "My account was stolen that week."))).ShouldBe(1);

        // A forged or altered token is refused.
        var forged = link.Replace("token=", "token=x", StringComparison.Ordinal);
        (await stranger.GetAsync(forged)).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
