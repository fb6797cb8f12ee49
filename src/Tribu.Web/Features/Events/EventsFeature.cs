namespace Tribu.Web.Features.Events;

public static class EventsFeature
{
    /// <summary>The live channel of one event's page and attendee list.</summary>
    public static string Channel(int eventId) => $"event:{eventId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public static IServiceCollection AddEventsFeature(this IServiceCollection services) =>
        services.AddScoped<EventRsvps>().AddScoped<EventEditor>().AddScoped<EventQueries>().AddScoped<EventCalendar>()
            .AddScoped<EventMails>().AddScoped<EventNotices>().AddScoped<EventTickets>().AddScoped<EventRecap>().AddScoped<Demo.EventsDemo>();
}
