using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Events.Demo;

/// <summary>
/// The demo's events: a full ride with a waitlist, an online webinar, a launch, and a past meetup with its attendance
/// recorded, so every state of an event can be seen on the first run.
/// </summary>
public sealed class EventsDemo(TribuDbContext db, TimeProvider clock)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.Events.AnyAsync(ct)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var members = await db.Users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Member)))
            .OrderBy(u => u.CreatedAt).Select(u => u.Id).ToListAsync(ct);
        var organiser = await db.Users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.CommunityManager)))
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        if (members.Count < 30) return;
        var by = organiser ?? members[0];
        var space = await db.Spaces.OrderBy(s => s.Slug == "cafe" ? 0 : 1).ThenBy(s => s.Order).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);

        CommunityEvent Event(EventKind kind, string title, string description, DateTime localStart, double hours, bool online, string? place, string? link, int? capacity)
        {
            var zone = EventTime.FindZone("Europe/Paris")!;
            var start = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localStart, DateTimeKind.Unspecified), zone);
            var ev = new CommunityEvent
            {
                Uid = Guid.NewGuid(), Kind = kind, Title = title, DescriptionMarkdown = description, StartsAt = start, EndsAt = start.AddHours(hours), TimeZone = zone.Id,
                IsOnline = online, Place = place, Link = link, Capacity = capacity, SpaceId = space, CreatedById = by, CreatedAt = now.AddDays(-14), UpdatedAt = now.AddDays(-14),
            };
            db.Events.Add(ev);
            return ev;
        }
        DateTime Day(int days, int hour) => TimeZoneInfo.ConvertTimeFromUtc(now, EventTime.FindZone("Europe/Paris")!).Date.AddDays(days).AddHours(hour);

        var ride = Event(EventKind.Meetup, "Sortie du dimanche : les quais de Saône",
            "40 km tranquilles le long de la Saône, pause café à mi-parcours. Casque obligatoire, batterie chargée conseillée.", Day(9, 9), 4, false,
            "Lyon, place Bellecour (statue équestre)", null, 12);
        var webinar = Event(EventKind.Webinar, "Webinaire : entretenir sa batterie en hiver",
            "Notre responsable batterie répond à vos questions : charge au froid, stockage, autonomie. Les questions peuvent être posées à l’avance en réponse.",
            Day(3, 19), 1, true, null, "https://meet.veloria.example/batterie-hiver", null);
        var launch = Event(EventKind.Launch, "Lancement Véloria City 2",
            "Découvrez le nouveau City 2 en avant-première, essais sur place et échanges avec l’équipe produit.", Day(30, 18), 3, false, "Paris, 12 rue de la Roquette", null, 80);
        var past = Event(EventKind.RoundTable, "Table ronde : vélotaf à Nantes",
            "Trajets, stationnement, sécurité : on partage nos astuces de vélotaf.", Day(-20, 18), 2, false, "Nantes, Café du Quai", null, 25);
        await db.SaveChangesAsync(ct);

        var random = new Random(20261123);
        var order = members.OrderBy(_ => random.Next()).ToList();
        void Answer(CommunityEvent ev, IEnumerable<Guid> who, RsvpStatus status, bool attended = false)
        {
            long position = 0;
            foreach (var member in who)
            {
                db.EventRsvps.Add(new EventRsvp
                {
                    EventId = ev.Id, MemberId = member, Status = status, CreatedAt = ev.CreatedAt.AddDays(1), UpdatedAt = ev.CreatedAt.AddDays(1),
                    WaitlistPosition = status == RsvpStatus.Waitlisted ? ++position : null,
                    Attended = attended, CheckedInAt = attended ? ev.StartsAt.AddMinutes(random.Next(-10, 20)) : null, CheckedInById = attended ? by : null,
                });
            }
        }
        Answer(ride, order.Take(12), RsvpStatus.Going);
        Answer(ride, order.Skip(12).Take(3), RsvpStatus.Waitlisted);
        Answer(webinar, order.Skip(3).Take(20), RsvpStatus.Going);
        Answer(webinar, order.Skip(23).Take(5), RsvpStatus.Maybe);
        Answer(launch, order.Skip(5).Take(14), RsvpStatus.Going);
        Answer(past, order.Skip(8).Take(11), RsvpStatus.Going, attended: true);
        Answer(past, order.Skip(19).Take(4), RsvpStatus.Going);
        await db.SaveChangesAsync(ct);
    }
}
