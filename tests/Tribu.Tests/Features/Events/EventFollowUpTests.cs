using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Events;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;

namespace Tribu.Tests.Features.Events;

/// <summary>After an event is announced: change notices, cancellation, tickets with QR codes and check-in by code, photos and the discussion.</summary>
public abstract class EventFollowUpTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : EventsClockAppFactory
{
    private Task<JsonElement> CreateEventAsync(int? capacity, TimeSpan startsIn, string? title = null) =>
        EventTestKit.CreateEventAsync(App, capacity, startsIn, title: title);

    private static Task<JsonElement> RsvpAsync(TestPerson person, int eventId, string status = "Going") => EventTestKit.RsvpAsync(person, eventId, status);

    private Task<List<Notification>> ChangeNotesAsync(int eventId) =>
        App.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.EventChanged && n.PostId == eventId).ToListAsync());

    private static object Update(JsonElement ev, string? place = null, int shiftHours = 0)
    {
        var start = ev.GetProperty("startsAtLocal").GetDateTime().AddHours(shiftHours);
        var end = ev.GetProperty("endsAtLocal").GetDateTime().AddHours(shiftHours);
        return new
        {
            kind = "Meetup", isOnline = false, title = ev.GetProperty("title").GetString(), description = "Updated",
            startsAt = start.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            endsAt = end.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            timeZone = ev.GetProperty("timeZone").GetString(), place = place ?? ev.GetProperty("place").GetString(), capacity = ev.GetProperty("capacity").GetInt32(),
        };
    }

    [Fact]
    public async Task MovingAnEvent_TellsEveryoneWhoAnswered_OnceEach_InTheirLanguage_AndItsRemindersGoAgainAtTheNewTime()
    {
        var ev = await CreateEventAsync(capacity: 1, TimeSpan.FromHours(20));
        var id = ev.GetProperty("id").GetInt32();
        using var going = await TestPerson.CreateAsync(App, language: "fr");
        using var waiting = await TestPerson.CreateAsync(App);
        using var maybe = await TestPerson.CreateAsync(App);
        using var notGoing = await TestPerson.CreateAsync(App);
        await RsvpAsync(going, id);
        await RsvpAsync(waiting, id);
        await RsvpAsync(maybe, id, "Maybe");
        await RsvpAsync(notGoing, id, "NotGoing");
        await App.WithScopeAsync(sp => Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<EventReminderJob>(sp).SendDueAsync());
        (await App.WithDbAsync(db => db.EventRsvps.AsNoTracking().SingleAsync(r => r.EventId == id && r.Status == RsvpStatus.Going))).DayReminderSentAt.ShouldNotBeNull();

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        // Only the description changes: nobody is bothered.
        (await admin.Http.PutAsJsonAsync($"/api/v1/events/{id}", Update(ev))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ChangeNotesAsync(id)).ShouldBeEmpty();

        // Two days later and elsewhere.
        (await admin.Http.PutAsJsonAsync($"/api/v1/events/{id}", Update(ev, place: "Nantes, quai de la Fosse", shiftHours: 48))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var notes = await ChangeNotesAsync(id);
        var told = await App.WithDbAsync(db => db.Users.Where(u => notes.Select(n => n.RecipientId).Contains(u.Id)).Select(u => u.Handle).ToListAsync());
        told.ShouldBe([going.Handle, waiting.Handle, maybe.Handle], ignoreOrder: true);
        notes.ShouldAllBe(n => n.Note == "when,where");
        var mails = await App.WithDbAsync(db => db.EmailMessages.AsNoTracking().Where(m => m.Kind == EventNotices.ChangedMailKind && m.Subject.Contains(ev.GetProperty("title").GetString()!)).ToListAsync());
        mails.Count.ShouldBe(3);
        var french = mails.Single(m => m.To == going.Email);
        french.Subject.ShouldStartWith("[");
        french.Subject.ShouldContain("Modifié : ");
        french.TextBody.ShouldContain("Cet événement a changé : la date et le lieu.");
        french.TextBody.ShouldContain("Nantes, quai de la Fosse");
        // The bell reads it.
        (await going.Client.GetAsync("/notifications")).Text.ShouldContain("la date et le lieu");
        // The reminder of the old date does not count for the new one.
        (await App.WithDbAsync(db => db.EventRsvps.AsNoTracking().SingleAsync(r => r.EventId == id && r.Status == RsvpStatus.Going))).DayReminderSentAt.ShouldBeNull();
    }

    [Fact]
    public async Task CancellingAnEvent_TellsThemOnce_ClosesAnswers_AndCalendarsStrikeItOut()
    {
        var ev = await CreateEventAsync(capacity: 10, TimeSpan.FromDays(4));
        var id = ev.GetProperty("id").GetInt32();
        using var going = await TestPerson.CreateAsync(App);
        using var late = await TestPerson.CreateAsync(App, language: "fr");
        await RsvpAsync(going, id);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);

        var first = admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/cancel", new { reason = "The venue flooded." });
        var second = admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/cancel", new { reason = "The venue flooded." });
        foreach (var response in await Task.WhenAll(first, second)) response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var notes = await ChangeNotesAsync(id);
        notes.Count.ShouldBe(1, "a double submit tells the member once");
        notes[0].Note.ShouldBe("cancelled");
        (await App.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.Kind == EventNotices.CancelledMailKind && m.To == going.Email))).ShouldBe(1);

        var page = await going.Client.GetAsync($"/events/{id}");
        page.Document.GetElementById("event-cancelled")!.TextContent.ShouldContain("The venue flooded.");
        page.Document.QuerySelector("form[action$='/rsvp']").ShouldBeNull();
        var refused = await late.Client.Http.PutAsJsonAsync($"/api/v1/events/{id}/rsvp", new { status = "Going" });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Cet événement est annulé");
        (await going.Client.Http.GetStringAsync($"/events/{id}.ics")).ShouldContain("STATUS:CANCELLED");
        (await going.Client.GetAsync("/events")).Text.ShouldContain("Cancelled");
        var edit = await admin.Http.PutAsJsonAsync($"/api/v1/events/{id}", Update(ev, place: "Elsewhere"));
        edit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ChangeNotesAsync(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ATicket_ShowsAQrCodeForCheckIn_AndStaffCheckTheHolderInByScanningOrTypingIt()
    {
        var ev = await CreateEventAsync(capacity: 10, TimeSpan.FromHours(2));
        var id = ev.GetProperty("id").GetInt32();
        using var member = await TestPerson.CreateAsync(App, language: "fr");
        using var maybe = await TestPerson.CreateAsync(App);
        await RsvpAsync(member, id);
        await RsvpAsync(maybe, id, "Maybe");

        var ticket = await member.Client.GetAsync($"/events/{id}/ticket");
        ticket.Status.ShouldBe(HttpStatusCode.OK);
        ticket.Title.ShouldStartWith("Billet : ");
        ticket.Document.QuerySelector(".ticket-qr svg").ShouldNotBeNull();
        var shown = ticket.Document.GetElementById("ticket-code")!.TextContent;
        shown.ShouldMatch("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$");
        (await member.Client.GetAsync($"/events/{id}/ticket")).Document.GetElementById("ticket-code")!.TextContent.ShouldBe(shown, "the same ticket every time");
        (await member.Client.GetAsync($"/events/{id}")).Document.GetElementById("ticket-link").ShouldNotBeNull();
        (await maybe.Client.GetAsync($"/events/{id}/ticket")).Text.ShouldContain("You have no ticket");

        // A member scanning someone's code is not staff.
        var code = shown.Replace("-", "", StringComparison.Ordinal);
        (await maybe.Client.Http.GetAsync($"/events/{id}/check-in/{code}")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        // Typed with spaces and in lower case, it is found; a wrong code says so.
        var typed = await moderator.GetAsync($"/events/{id}/check-in?code={Uri.EscapeDataString(shown.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal))}");
        typed.Document.GetElementById("ticket-holder")!.TextContent.ShouldContain(member.Handle);
        (await moderator.GetAsync($"/events/{id}/check-in?code=ZZZZ-ZZZZ-ZZZZ")).Document.GetElementById("ticket-unknown").ShouldNotBeNull();
        // Scanned: the QR code opens the page for that ticket; checking in comes back to the scanner.
        var scanned = await moderator.SubmitFormAsync($"/events/{id}/check-in/{code}", f => f.Action.EndsWith("/attendees/check-in", StringComparison.Ordinal), new Dictionary<string, string>());
        scanned.Headers.Location!.ToString().ShouldBe($"/events/{id}/check-in");
        var rsvp = await App.WithDbAsync(db => db.EventRsvps.AsNoTracking().SingleAsync(r => r.EventId == id && r.TicketCode == code));
        rsvp.Attended.ShouldBeTrue();
        (await moderator.GetAsync($"/events/{id}/check-in/{code}")).Document.GetElementById("ticket-holder")!.TextContent.ShouldContain("Already checked in");
        // A code of this event means nothing for another.
        var other = (await CreateEventAsync(capacity: null, TimeSpan.FromHours(3))).GetProperty("id").GetInt32();
        (await moderator.GetAsync($"/events/{other}/check-in/{code}")).Document.GetElementById("ticket-unknown").ShouldNotBeNull();
    }

    [Fact]
    public async Task APastEvent_ShowsItsPhotosWithTheirDescriptions_AndTheLatestRepliesOfItsDiscussion()
    {
        var space = await TestSpaces.CreateAsync(App);
        var ev = await CreateEventAsync(capacity: null, TimeSpan.FromHours(1), title: "Apéro vélo " + Guid.NewGuid().ToString("N")[..6]);
        var id = ev.GetProperty("id").GetInt32();
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin, "fr");
        (await admin.GetAsync($"/events/{id}")).Document.QuerySelector("form[action$='/photos']").ShouldBeNull("no photos before the event");
        App.Clock.Advance(TimeSpan.FromHours(4));
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        byte[] Image(string marker) => [.. png, .. Encoding.ASCII.GetBytes(marker)];
        static bool PhotoForm(AngleSharp.Html.Dom.IHtmlFormElement f) => f.Action.EndsWith("/photos", StringComparison.Ordinal);

        // Without a description: refused in French, nothing stored.
        var refused = await admin.FollowAsync(await admin.SubmitFormWithFileAsync($"/events/{id}", PhotoForm, new Dictionary<string, string> { ["alt"] = " " }, "image", "a.png", Image(Guid.NewGuid().ToString()), "image/png"));
        refused.Text.ShouldContain("Décrivez la photo");
        (await App.WithDbAsync(db => db.EventPhotos.CountAsync(p => p.EventId == id))).ShouldBe(0);
        var added = await admin.FollowAsync(await admin.SubmitFormWithFileAsync($"/events/{id}", PhotoForm,
            new Dictionary<string, string> { ["alt"] = "Twelve riders at the start line" }, "image", "start.png", Image(Guid.NewGuid().ToString()), "image/png"));
        added.Text.ShouldContain("Photo ajoutée.");

        // Through the API: an image uploaded first, then added; a URL that is not ours is refused.
        var bogus = await admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/photos", new { url = "https://elsewhere.example/x.png", alt = "x" });
        bogus.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var photos = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/events/{id}/photos");
        photos.GetArrayLength().ShouldBe(1);
        var url = photos[0].GetProperty("url").GetString()!;
        (await admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/photos", new { url, alt = "Again" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await App.WithDbAsync(db => db.EventPhotos.CountAsync(p => p.EventId == id))).ShouldBe(1, "the same image is one photo");

        // The discussion opens once in the event's space (chosen here), and replies show on the event page.
        var opened = await admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/discussion", new { space });
        opened.StatusCode.ShouldBe(HttpStatusCode.OK, await opened.Content.ReadAsStringAsync());
        var topicId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("topicId").GetInt64();
        var again = await (await admin.Http.PostAsJsonAsync($"/api/v1/events/{id}/discussion", new { space })).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("topicId").GetInt64().ShouldBe(topicId);
        using var member = await TestPerson.CreateAsync(App);
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topicId}/replies", new { body = "What a ride, thanks everyone!" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var visitor = App.CreateTribuClient();
        var page = await visitor.GetAsync($"/events/{id}");
        var img = page.Document.QuerySelector("#photos img")!;
        img.GetAttribute("alt").ShouldBe("Twelve riders at the start line");
        img.GetAttribute("src").ShouldBe(url);
        page.Document.GetElementById("discussion")!.TextContent.ShouldContain("What a ride, thanks everyone!");
        page.Document.GetElementById("discussion-link")!.GetAttribute("href").ShouldStartWith($"/t/{topicId}/");
        page.Document.QuerySelector("form[action$='/photos']").ShouldBeNull("visitors cannot add photos");
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/events/{id}/photos", new { url, alt = "Mine" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var photoId = photos[0].GetProperty("id").GetInt64();
        (await admin.Http.DeleteAsync($"/api/v1/events/{id}/photos/{photoId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await visitor.GetAsync($"/events/{id}")).Document.QuerySelector("#photos").ShouldBeNull();
    }
}

public sealed class EventFollowUpSqliteTests(SqliteEventsClockAppFactory factory) : EventFollowUpTests<SqliteEventsClockAppFactory>(factory), IClassFixture<SqliteEventsClockAppFactory>;

[Trait("Category", "Postgres")]
public sealed class EventFollowUpPostgresTests(PostgresEventsClockAppFactory factory) : EventFollowUpTests<PostgresEventsClockAppFactory>(factory), IClassFixture<PostgresEventsClockAppFactory>;
