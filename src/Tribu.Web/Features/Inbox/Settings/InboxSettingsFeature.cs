namespace Tribu.Web.Features.Inbox.Settings;

public static class InboxSettingsFeature
{
    /// <summary>The inbox's configuration: saved replies (and filling them for an item), teams, routing rules, intake and SLA settings.</summary>
    public static IServiceCollection AddInboxSettingsFeature(this IServiceCollection services) =>
        services.AddScoped<SavedReplies>()
            .AddScoped<SavedReplyRenderer>()
            .AddScoped<InboxTeams>()
            .AddScoped<InboxRules>()
            .AddScoped<InboxSettingsEditor>();
}
