using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Events;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;

namespace Tribu.Tests.Features.Events;

/// <summary>Tribu with a clock the tests move by hand and the scheduler off: the tests run the reminder job themselves.</summary>
public class EventsClockAppFactory(TestDatabase database) : TribuAppFactory(database, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" })
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class SqliteEventsClockAppFactory() : EventsClockAppFactory(TestDatabase.Sqlite);

public sealed class PostgresEventsClockAppFactory() : EventsClockAppFactory(TestDatabase.Postgres);

/// <summary>Events: capacity and waitlist, promotion on cancellation, races for the last seat, .ics, reminders, check-in, the hidden link, French pages.</summary>
public abstract class EventTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : EventsClockAppFactory
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private Task<JsonElement> CreateEventAsync(int? capacity, TimeSpan startsIn, string zone = "Europe/Paris", bool online = false, string? title = null) =>
        EventTestKit.CreateEventAsync(App, capacity, startsIn, zone, online, title);

    private static Task<JsonElement> RsvpAsync(TestPerson person, int eventId, string status = "Going") => EventTestKit.RsvpAsync(person, eventId, status);

    private Task<Guid> IdOfAsync(TestPerson person) => EventTestKit.IdOfAsync(App, person);

    [Fact]
    public async Task RsvpBeyondCapacity_IsWaitlisted_AndACancellationPromotesTheFirstWaitlisted_WhoIsTold()
    {
        var ev = await CreateEventAsync(capacity: 1, TimeSpan.FromDays(3));
        var id = ev.GetProperty("id").GetInt32();
        using var first = await TestPerson.CreateAsync(App);
        using var second = await TestPerson.CreateAsync(App);
        using var third = await TestPerson.CreateAsync(App);

        (await RsvpAsync(first, id)).GetProperty("status").GetString().ShouldBe("Going");
        var waiting = await RsvpAsync(second, id);
        waiting.GetProperty("status").GetString().ShouldBe("Waitlisted");
        waiting.GetProperty("waitlistRank").GetInt32().ShouldBe(1);
        (await RsvpAsync(third, id)).GetProperty("waitlistRank").GetInt32().ShouldBe(2);

        // The page says it plainly.
        var page = await second.Client.GetAsync($"/events/{id}");
        page.Document.GetElementById("my-status")!.TextContent.ShouldContain("waitlist, number 1");

        var cancelled = await first.Client.Http.DeleteAsync($"/api/v1/events/{id}/rsvp");
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("NotGoing");

        var promoted = await second.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}");
        promoted.GetProperty("myStatus").GetString().ShouldBe("Going");
        (await third.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}")).GetProperty("myWaitlistRank").GetInt32().ShouldBe(1);
        var secondId = await IdOfAsync(second);
        (await App.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientId == secondId && n.Kind == NotificationKind.EventPromoted && n.PostId == id))).ShouldBe(1);
        (await second.Client.GetAsync("/notifications")).Text.ShouldContain($"A seat opened: you are now going to “{ev.GetProperty("title").GetString()}”");
        var thirdId = await IdOfAsync(third);
        (await App.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientId == thirdId && n.Kind == NotificationKind.EventPromoted))).ShouldBe(0);
    }

    [Fact]
    public async Task TwoRsvpsForTheLastSeat_OneGoes_TheOtherWaits_AndTwoCancellationsAtOnce_PromoteTwoDifferentMembers()
    {
        var ev = await CreateEventAsync(capacity: 1, TimeSpan.FromDays(2));
        var id = ev.GetProperty("id").GetInt32();
        using var a = await TestPerson.CreateAsync(App);
        using var b = await TestPerson.CreateAsync(App);
        var answers = await Task.WhenAll(RsvpAsync(a, id), RsvpAsync(b, id));
        answers.Select(x => x.GetProperty("status").GetString()).Order().ShouldBe(["Going", "Waitlisted"]);

        var big = (await CreateEventAsync(capacity: 2, TimeSpan.FromDays(2))).GetProperty("id").GetInt32();
        using var c = await TestPerson.CreateAsync(App);
        using var d = await TestPerson.CreateAsync(App);
        await RsvpAsync(a, big);
        await RsvpAsync(b, big);
        (await RsvpAsync(c, big)).GetProperty("status").GetString().ShouldBe("Waitlisted");
        (await RsvpAsync(d, big)).GetProperty("status").GetString().ShouldBe("Waitlisted");
        await Task.WhenAll(a.Client.Http.DeleteAsync($"/api/v1/events/{big}/rsvp"), b.Client.Http.DeleteAsync($"/api/v1/events/{big}/rsvp"));
        var rows = await App.WithDbAsync(db => db.EventRsvps.Where(r => r.EventId == big).Select(r => r.Status).ToListAsync());
        rows.Count(s => s == RsvpStatus.Going).ShouldBe(2);
        rows.Count(s => s == RsvpStatus.Waitlisted).ShouldBe(0);
        (await App.WithDbAsync(db => db.Notifications.Where(n => n.Kind == NotificationKind.EventPromoted && n.PostId == big).Select(n => n.RecipientId).ToListAsync()))
            .Order().ShouldBe(new[] { await IdOfAsync(c), await IdOfAsync(d) }.Order());
    }

    [Fact]
    public async Task Ics_HasTheTimesInUtc_TheEventsUid_AndItsTimeZone()
    {
        var ev = await CreateEventAsync(capacity: null, TimeSpan.FromDays(10), zone: "America/New_York");
        var id = ev.GetProperty("id").GetInt32();
        var startsAt = ev.GetProperty("startsAt").GetDateTime().ToUniversalTime();
        using var visitor = App.CreateTribuClient();
        var response = await visitor.Http.GetAsync($"/api/v1/events/{id}.ics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/calendar");
        var ics = await response.Content.ReadAsStringAsync();
        ics.ShouldContain($"UID:{ev.GetProperty("uid").GetGuid():D}@");
        ics.ShouldContain($"DTSTART:{startsAt:yyyyMMdd'T'HHmmss}Z");
        ics.ShouldContain($"DTEND:{startsAt.AddHours(2):yyyyMMdd'T'HHmmss}Z");
        ics.ShouldContain("X-WR-TIMEZONE:America/New_York");
        ics.ShouldContain("TZID:America/New_York");
        ics.ShouldContain("SUMMARY:" + ev.GetProperty("title").GetString());
        // The page's download is the same calendar.
        (await visitor.Http.GetStringAsync($"/events/{id}.ics")).ShouldContain($"UID:{ev.GetProperty("uid").GetGuid():D}@");
        // The ics of an event in New York reads 5 or 4 hours behind UTC in the API's local fields.
        var local = ev.GetProperty("startsAtLocal").GetDateTime();
        (startsAt - local).TotalHours.ShouldBeInRange(4, 5);
    }

    [Fact]
    public async Task PrivateFeed_ListsTheEventsTheMemberGoesTo_WithTheLink_AndAForgedTokenNothing()
    {
        var ev = await CreateEventAsync(capacity: null, TimeSpan.FromDays(4), online: true);
        var id = ev.GetProperty("id").GetInt32();
        using var member = await TestPerson.CreateAsync(App);
        await RsvpAsync(member, id);
        var page = await member.Client.GetAsync("/events");
        var url = page.Document.GetElementById("feed-url")!.GetAttribute("value")!;
        using var calendarApp = App.CreateTribuClient();
        var feed = await calendarApp.Http.GetStringAsync(new Uri(url).PathAndQuery);
        feed.ShouldContain($"UID:{ev.GetProperty("uid").GetGuid():D}@");
        feed.ShouldContain("https://meet.example/secret-room");
        (await calendarApp.Http.GetAsync("/events/feed/" + new string('0', 48) + ".ics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reminders_AreSentADayAndAnHourBefore_OnceEach_EvenWhenTheJobRunsTwice()
    {
        var ev = await CreateEventAsync(capacity: null, TimeSpan.FromHours(30));
        var id = ev.GetProperty("id").GetInt32();
        using var member = await TestPerson.CreateAsync(App, language: "fr");
        await RsvpAsync(member, id);
        Task<int> RunAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<EventReminderJob>(sp).SendDueAsync());
        Task<List<string>> MailsAsync() => App.WithDbAsync(db => db.EmailMessages.Where(m => m.To == member.Email && m.Kind == EventReminderJob.MailKind).OrderBy(m => m.Id).Select(m => m.Subject).ToListAsync());

        await RunAsync();
        (await MailsAsync()).ShouldBeEmpty("30 hours before, nothing is due");
        App.Clock.Advance(TimeSpan.FromHours(7));
        await RunAsync();
        await RunAsync();
        (await MailsAsync()).Count.ShouldBe(1);
        (await MailsAsync())[0].ShouldContain("Demain : " + ev.GetProperty("title").GetString());
        App.Clock.Advance(TimeSpan.FromHours(22.5));
        await Task.WhenAll(RunAsync(), RunAsync());
        await RunAsync();
        var mails = await MailsAsync();
        mails.Count.ShouldBe(2);
        mails[1].ShouldContain("Dans une heure");
        App.Clock.Advance(TimeSpan.FromHours(1));
        await RunAsync();
        (await MailsAsync()).Count.ShouldBe(2, "nothing after the start");
    }

    [Fact]
    public async Task CheckIn_FromTheAttendeeList_RecordsAttendance()
    {
        var ev = await CreateEventAsync(capacity: 10, TimeSpan.FromHours(1));
        var id = ev.GetProperty("id").GetInt32();
        using var member = await TestPerson.CreateAsync(App);
        await RsvpAsync(member, id);
        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        var page = await moderator.SubmitFormAsync($"/events/{id}/attendees",
            f => f.Action.EndsWith("/check-in", StringComparison.Ordinal) && f.Elements.OfType<AngleSharp.Html.Dom.IHtmlInputElement>().Any(i => i.Name == "handle" && i.Value == member.Handle),
            new Dictionary<string, string>());
        var after = await moderator.FollowAsync(page);
        after.Text.ShouldContain($"@{member.Handle} checked in.");
        after.Document.GetElementById($"attendee-{member.Handle}")!.TextContent.ShouldContain("Attended");
        var rsvp = await App.WithDbAsync(db => db.EventRsvps.AsNoTracking().FirstAsync(r => r.EventId == id));
        rsvp.Attended.ShouldBeTrue();
        rsvp.CheckedInAt!.Value.ShouldBe(Now, TimeSpan.FromMilliseconds(1));
        var list = await moderator.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}/attendees");
        list.EnumerateArray().Single(a => a.GetProperty("handle").GetString() == member.Handle).GetProperty("attended").GetBoolean().ShouldBeTrue();
        // Undone through the API.
        (await moderator.Http.PutAsJsonAsync($"/api/v1/events/{id}/attendees/{member.Handle}/check-in", new { attended = false })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await App.WithDbAsync(db => db.EventRsvps.AsNoTracking().FirstAsync(r => r.EventId == id))).Attended.ShouldBeFalse();
        // Members may not check anyone in.
        (await member.Client.Http.PutAsJsonAsync($"/api/v1/events/{id}/attendees/{member.Handle}/check-in", new { attended = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheOnlineLink_IsHiddenFromAllButTheMembersGoing()
    {
        var ev = await CreateEventAsync(capacity: 1, TimeSpan.FromDays(5), online: true);
        var id = ev.GetProperty("id").GetInt32();
        const string link = "https://meet.example/secret-room";
        using var visitor = App.CreateTribuClient();
        using var going = await TestPerson.CreateAsync(App);
        using var waiting = await TestPerson.CreateAsync(App);
        await RsvpAsync(going, id);
        await RsvpAsync(waiting, id);

        (await visitor.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}")).GetProperty("link").ValueKind.ShouldBe(JsonValueKind.Null);
        (await visitor.Http.GetStringAsync($"/events/{id}")).ShouldNotContain(link);
        (await visitor.Http.GetStringAsync($"/events/{id}.ics")).ShouldNotContain(link);
        (await waiting.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}")).GetProperty("link").ValueKind.ShouldBe(JsonValueKind.Null);
        (await waiting.Client.GetAsync($"/events/{id}")).Text.ShouldNotContain(link);
        (await visitor.Http.GetStringAsync("/api/v1/events")).ShouldNotContain(link);

        (await going.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}")).GetProperty("link").GetString().ShouldBe(link);
        (await going.Client.GetAsync($"/events/{id}")).Document.GetElementById("event-link")!.TextContent.ShouldContain(link);
        (await going.Client.Http.GetStringAsync($"/events/{id}.ics")).ShouldContain(link);
    }

    [Fact]
    public async Task Pages_ReadInFrench_AndTheFormsSayWhatIsWrong()
    {
        var ev = await CreateEventAsync(capacity: 1, TimeSpan.FromDays(6), title: "Atelier vélo " + Guid.NewGuid().ToString("N")[..6]);
        var id = ev.GetProperty("id").GetInt32();
        using var first = await TestPerson.CreateAsync(App, language: "fr");
        using var second = await TestPerson.CreateAsync(App, language: "fr");
        await RsvpAsync(first, id);

        var list = await second.Client.GetAsync("/events");
        list.Text.ShouldContain("À venir");
        list.Text.ShouldContain(ev.GetProperty("title").GetString()!);
        list.Text.ShouldContain("1 places prises sur 1");
        var details = await second.Client.GetAsync($"/events/{id}");
        details.Text.ShouldContain("Votre réponse");
        details.Text.ShouldContain("Rejoindre la liste d'attente");
        details.Text.ShouldContain("Ajouter à mon agenda (.ics)");
        details.Text.ShouldContain("(Europe/Paris)");
        var answered = await second.Client.FollowAsync(await second.Client.SubmitFormAsync($"/events/{id}",
            f => f.Action.EndsWith("/rsvp", StringComparison.Ordinal), new Dictionary<string, string> { ["status"] = "Going" }));
        answered.Text.ShouldContain("L'événement est complet : vous êtes sur la liste d'attente, en position 1.");

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin, "fr");
        var form = await admin.GetAsync("/events/new");
        form.Text.ShouldContain("Nouvel événement");
        form.Document.QuerySelector("label[for=event-title]")!.TextContent.ShouldBe("Titre");
        var bad = await admin.SubmitAndFollowAsync("/events/new", "event", new Dictionary<string, string>
        {
            ["Input.Title"] = "", ["Input.Kind"] = "Webinar", ["Input.IsOnline"] = "true", ["Input.StartsAt"] = "2030-03-31T02:30", ["Input.EndsAt"] = "2030-03-31T04:00",
            ["Input.TimeZone"] = "Europe/Paris", ["Input.Link"] = "pas un lien",
        });
        bad.FieldError("Title").ShouldBe("Donnez à l'événement un titre de 1 à 120 caractères.");
        bad.FieldError("StartsAt").ShouldBe("Indiquez la date et l'heure de début (une heure qui existe dans son fuseau horaire).");
        bad.FieldError("Link").ShouldBe("Indiquez une adresse web complète commençant par https://.");
        var good = await admin.SubmitAndFollowAsync("/events/new", "event", new Dictionary<string, string>
        {
            ["Input.Title"] = "Table ronde " + Guid.NewGuid().ToString("N")[..6], ["Input.Kind"] = "RoundTable", ["Input.StartsAt"] = "2030-06-01T18:30", ["Input.EndsAt"] = "2030-06-01T20:00",
            ["Input.TimeZone"] = "Europe/Paris", ["Input.Place"] = "Paris", ["Input.Capacity"] = "20",
        });
        good.Text.ShouldContain("Événement enregistré.");
        good.Text.ShouldContain("Table ronde");
        var saved = await App.WithDbAsync(db => db.Events.AsNoTracking().OrderByDescending(e => e.Id).FirstAsync());
        saved.StartsAt.ShouldBe(new DateTime(2030, 6, 1, 16, 30, 0, DateTimeKind.Utc));
        saved.TimeZone.ShouldBe("Europe/Paris");
        (await admin.GetAsync($"/events/{saved.Id}/attendees")).Text.ShouldContain("Participants à");
    }
}

public sealed class EventSqliteTests(SqliteEventsClockAppFactory app) : EventTests<SqliteEventsClockAppFactory>(app), IClassFixture<SqliteEventsClockAppFactory>;

[Trait("Category", "Postgres")]
public sealed class EventPostgresTests(PostgresEventsClockAppFactory app) : EventTests<PostgresEventsClockAppFactory>(app), IClassFixture<PostgresEventsClockAppFactory>;
