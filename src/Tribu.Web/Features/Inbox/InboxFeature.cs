using Tribu.Web.Features.Inbox.Settings;

namespace Tribu.Web.Features.Inbox;

public static class InboxFeature
{
    /// <summary>The unified inbox (issue 6): intake, routing rules, the queue's services, replies and tickets.</summary>
    public static IServiceCollection AddInboxFeature(this IServiceCollection services) =>
        services.AddScoped<InboxIntake>()
            .AddScoped<InboxRouter>()
            .AddScoped<InboxService>()
            .AddScoped<Listening.Ingestion.IMentionObserver, InboxMentionObserver>()
            .AddScoped<IReplySender, Replies.CommunityReplySender>()
            .AddScoped<Replies.InboxReplies>()
            .AddScoped<InboxQueries>()
            .AddScoped<InboxPresences>()
            .AddScoped<InboxStatsQueries>()
            .AddScoped<Demo.InboxDemo>()
            .AddInboxSettingsFeature();
}
