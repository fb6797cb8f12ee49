using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Radzen;
using Scalar.AspNetCore;
using Tribu.Web.Components;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Privacy;
using Tribu.Web.Features.Search;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Features.Uploads;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Jobs;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Platform.Observability;
using Tribu.Web.Platform.Redis;
using Tribu.Web.Platform.Security;
using Tribu.Web.Platform.Web;

namespace Tribu.Web.Platform;

/// <summary>The composition root. Program.cs calls these two methods; the order of start-up is visible here.</summary>
public static class TribuSetup
{
    public static WebApplicationBuilder AddTribu(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var paths = TribuPaths.From(configuration, builder.Environment.ContentRootPath);
        // Serve component-library and framework assets from build output in any environment (tests, staging);
        // published output has no runtime manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);

        builder.AddTribuObservability();
        services.AddSingleton<TribuMetrics>();

        // Platform: data first, then what leans on it.
        services.AddTribuData(configuration, paths.Data);
        services.AddTribuLocalization();
        services.AddTribuEmail(configuration);
        services.AddTribuJobs(configuration);
        services.AddTribuRateLimits(configuration);
        services.AddTribuRedis(configuration);
        services.AddHybridCache();
        services.AddTribuPageCache();
        services.AddDataProtection()
            .SetApplicationName("Tribu")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(paths.Data, "keys")));
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        // Web: components, console library, API documents, problem details.
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        // Enums travel by name in the API ("InviteOnly", not 1), both ways.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Tribu API";
            doc.Info.Description = "The community and the community manager's cockpit, as JSON. Errors are RFC 9457 problem details.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);

        // Features.
        services.AddAccountsFeature();
        services.AddAdminFeature();
        services.AddMembersFeature();
        services.AddSpacesFeature();
        services.AddTopicsFeature();
        services.AddNotificationsFeature(configuration);
        services.AddSearchFeature(configuration);
        services.AddUploadsFeature(configuration);
        services.AddModerationFeature();
        services.AddPrivacyFeature();
        Features.Listening.ListeningFeature.AddListeningFeature(services);
        Features.Inbox.InboxFeature.AddInboxFeature(services);
        Features.SocialAccounts.SocialAccountsFeature.AddSocialAccountsFeature(services);
        Features.Inbox.Tickets.TicketsFeature.AddInboxTickets(services);
        Features.Events.EventsFeature.AddEventsFeature(services);
        Features.Analytics.AnalyticsFeature.AddAnalyticsFeature(services);
        Features.Ideas.IdeasFeature.AddIdeasFeature(services);

        // Runs before the scheduler and the server: migrations, roles, first-run admin and demo data.
        services.AddHostedService<TribuStartup>();
        services.AddTribuScheduler(configuration, paths);
        return builder;
    }

    public static WebApplication MapTribu(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // API clients get problem details (ApiExceptionHandler); people get a friendly page in their language.
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        // Re-execution must sit on the main pipeline to re-route; the API's inner branch writes its
        // problem details first, and a response with a body is left alone by the outer handler.
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseMiddleware<ErrorPagesAsGetMiddleware>();

        app.UseRequestLocalization();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Views are counted before the page cache, so that a page served from it still counts.
        app.UseTopicViewCounting();
        Features.Analytics.AnalyticsFeature.UsePageViewCounting(app);
        app.UseOutputCache();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Tribu API"));

        var api = app.MapGroup("/api/v1").AddEndpointFilter<TokenScopeFilter>();
        api.MapAccountEndpoints();
        api.MapSiteEndpoints();
        api.MapMemberEndpoints();
        api.MapSpaceEndpoints();
        api.MapTopicEndpoints();
        api.MapNotificationEndpoints();
        api.MapSearchEndpoints();
        api.MapUploadEndpoints();
        api.MapModerationEndpoints();
        api.MapListeningEndpoints();
        Features.Inbox.InboxEndpoints.MapInboxEndpoints(api);
        Features.Inbox.Settings.InboxSettingsEndpoints.MapInboxSettingsEndpoints(api);
        Features.Events.EventEndpoints.MapEventEndpoints(api);
        app.MapAccountFormEndpoints();
        app.MapTopicFormEndpoints();
        app.MapFeedEndpoints();
        app.MapUploadFiles();
        app.MapModerationFiles();
        app.MapListeningFiles();
        Features.Inbox.InboxEndpoints.MapInboxFiles(app);
        app.MapPrivacyEndpoints();
        app.MapNotificationFormEndpoints();
        Features.Listening.Alerts.ListeningAlertsFeature.MapListeningAlertEndpoints(app);
        Features.SocialAccounts.SocialAccountsFeature.MapSocialAccounts(app);
        Features.Inbox.Tickets.TicketsFeature.MapInboxTicketEndpoints(app);
        Features.Events.EventEndpoints.MapEventFormEndpoints(app);
        Features.Ideas.IdeasFeature.MapIdeas(app, api);

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
