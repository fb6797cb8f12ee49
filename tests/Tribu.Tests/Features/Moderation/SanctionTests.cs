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
}
