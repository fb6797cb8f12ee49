using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Events;

/// <summary>Making events and answering them through the API, for the event test classes.</summary>
internal static class EventTestKit
{
    /// <summary>Creates an event through the API as the admin, starting <paramref name="startsIn"/> from the app's clock, in <paramref name="zone"/>.</summary>
    public static async Task<JsonElement> CreateEventAsync(EventsClockAppFactory app, int? capacity, TimeSpan startsIn, string zone = "Europe/Paris", bool online = false, string? title = null)
    {
        using var admin = await TestMembers.LoggedInAsync(app, Roles.Admin);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var startUtc = app.Clock.GetUtcNow().UtcDateTime.Add(startsIn);
        startUtc = new DateTime(startUtc.Year, startUtc.Month, startUtc.Day, startUtc.Hour, startUtc.Minute, 0, DateTimeKind.Utc);
        var start = TimeZoneInfo.ConvertTimeFromUtc(startUtc, tz);
        var response = await admin.Http.PostAsJsonAsync("/api/v1/events", new
        {
            kind = "Meetup", isOnline = online, title = title ?? $"Meetup {Guid.NewGuid():N}"[..20], description = "Come **along**",
            startsAt = start.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            endsAt = start.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            timeZone = zone, place = online ? null : "Lyon, 12 rue du Vélo", link = online ? "https://meet.example/secret-room" : null, capacity,
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> RsvpAsync(TestPerson person, int eventId, string status = "Going")
    {
        var response = await person.Client.Http.PutAsJsonAsync($"/api/v1/events/{eventId}/rsvp", new { status });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<Guid> IdOfAsync(TribuAppFactory app, TestPerson person) =>
        app.WithDbAsync(db => db.Users.Where(u => u.Handle == person.Handle).Select(u => u.Id).FirstAsync());
}
