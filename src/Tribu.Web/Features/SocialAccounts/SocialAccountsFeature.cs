using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Inbox.Replies;

namespace Tribu.Web.Features.SocialAccounts;

public static class SocialAccountsFeature
{
    /// <summary>
    /// The brand's connected Mastodon and Bluesky accounts (issue 6): the networks' clients on the listening sources'
    /// guarded HTTP client (registered by the listening feature), credentials protected with Data Protection, the
    /// console's service, the notifications poller and the inbox's reply senders for both networks.
    /// </summary>
    public static IServiceCollection AddSocialAccountsFeature(this IServiceCollection services) =>
        services.AddSingleton<SocialHttp>()
            .AddSingleton<SocialCredentials>()
            .AddSingleton<MastodonApi>()
            .AddSingleton<BlueskyApi>()
            .AddScoped<SocialAccountService>()
            .AddScoped<SocialNotificationsPoller>()
            .AddScoped<IReplySender, MastodonReplySender>()
            .AddScoped<IReplySender, BlueskyReplySender>();

    /// <summary>The API group and the console's form actions.</summary>
    public static WebApplication MapSocialAccounts(this WebApplication app)
    {
        app.MapGroup("/api/v1").AddEndpointFilter<Accounts.TokenScopeFilter>().MapSocialAccountEndpoints();
        app.MapSocialAccountForms();
        return app;
    }
}
