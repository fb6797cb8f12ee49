using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Notifications;

public static class NotificationsFeature
{
    public static IServiceCollection AddNotificationsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SiteOptions>(configuration.GetSection("Site"));
        services.AddHttpContextAccessor();
        if (configuration.GetSection(Platform.Redis.RedisOptions.Section).Get<Platform.Redis.RedisOptions>()?.Enabled == true)
        {
            services.AddSingleton<ILiveBus, RedisLiveBus>();
            services.AddHostedService<RedisLiveSubscription>();
        }
        else
        {
            services.AddSingleton<ILiveBus, InProcessLiveBus>();
        }
        services.AddScoped<Notifier>();
        services.AddScoped<NotificationMails>();
        services.AddScoped<NotificationQueries>();
        return services;
    }

    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Notifications").RequireAuthorization();
        group.MapGet("/notifications", async (ClaimsPrincipal user, NotificationQueries queries, int? page, CancellationToken ct) =>
            TypedResults.Ok(await queries.ListAsync(TopicPermissions.MemberId(user)!.Value, page ?? 1, ct)))
            .WithName("ListNotifications").WithSummary("The caller's notifications, newest first, with the unread count.");
        group.MapPost("/notifications/read", async (ClaimsPrincipal user, MarkReadRequest request, NotificationQueries queries, CancellationToken ct) =>
        {
            await queries.MarkReadAsync(TopicPermissions.MemberId(user)!.Value, request.Ids, ct);
            return TypedResults.NoContent();
        }).WithName("MarkNotificationsRead").WithSummary("Mark some (or, without ids, all) notifications as read.");
        group.MapGet("/notifications/preferences", async (ClaimsPrincipal user, NotificationQueries queries, CancellationToken ct) =>
            TypedResults.Ok(await queries.PreferencesAsync(TopicPermissions.MemberId(user)!.Value, ct)))
            .WithName("GetNotificationPreferences").WithSummary("How each kind of notification reaches the caller.");
        group.MapPut("/notifications/preferences", async (ClaimsPrincipal user, Dictionary<NotificationKind, DeliveryChannel> request, NotificationQueries queries, CancellationToken ct) =>
        {
            await queries.SavePreferencesAsync(TopicPermissions.MemberId(user)!.Value, request, ct);
            return TypedResults.Ok(await queries.PreferencesAsync(TopicPermissions.MemberId(user)!.Value, ct));
        }).WithName("SetNotificationPreferences").WithSummary("Choose in-app, e-mail at once, daily digest or none, per kind.");
        group.MapPut("/follows/{kind}/{key}", FollowAsync).WithName("Follow").WithSummary("Follow a topic (id), a space (slug) or a member (handle).");
        group.MapDelete("/follows/{kind}/{key}", UnfollowAsync).WithName("Unfollow").WithSummary("Stop following.");
        return api;
    }

    /// <summary>The key a follow is stored under, if the caller may see the target.</summary>
    private static async Task<string?> ResolveAsync(FollowKind kind, string key, ClaimsPrincipal user, TribuDbContext db, CancellationToken ct)
    {
        switch (kind)
        {
            case FollowKind.Topic when long.TryParse(key, out var id):
                var topic = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == id && !t.IsDeleted, ct);
                return topic is not null && SpaceAccess.CanRead(topic.Space!, user) ? id.ToString(CultureInfo.InvariantCulture) : null;
            case FollowKind.Space:
                var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == key, ct);
                return space is not null && SpaceAccess.CanRead(space, user) ? space.Id.ToString(CultureInfo.InvariantCulture) : null;
            case FollowKind.Member:
                var handle = key.ToLowerInvariant();
                var member = await db.Users.AsNoTracking().Where(u => u.Handle == handle).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
                return member is { } m && m != TopicPermissions.MemberId(user) ? m.ToString() : null;
            default:
                return null;
        }
    }

    private static async Task<Results<NoContent, NotFound>> FollowAsync(FollowKind kind, string key, ClaimsPrincipal user, TribuDbContext db, Notifier notifier, CancellationToken ct)
    {
        if (await ResolveAsync(kind, key, user, db, ct) is not { } resolved) return TypedResults.NotFound();
        await notifier.FollowAsync(TopicPermissions.MemberId(user)!.Value, kind, resolved, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> UnfollowAsync(FollowKind kind, string key, ClaimsPrincipal user, TribuDbContext db, Notifier notifier, CancellationToken ct)
    {
        if (await ResolveAsync(kind, key, user, db, ct) is not { } resolved) return TypedResults.NotFound();
        await notifier.UnfollowAsync(TopicPermissions.MemberId(user)!.Value, kind, resolved, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Pages' follow buttons, the live unread count, and the one-click unsubscribe of mails.</summary>
    public static IEndpointRouteBuilder MapNotificationFormEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/follow", async ([FromForm] FollowKind kind, [FromForm] string key, [FromForm] bool follow, [FromForm] string? returnUrl,
            ClaimsPrincipal user, TribuDbContext db, Notifier notifier, CancellationToken ct) =>
        {
            if (await ResolveAsync(kind, key, user, db, ct) is not { } resolved) return Results.NotFound();
            var me = TopicPermissions.MemberId(user)!.Value;
            if (follow) await notifier.FollowAsync(me, kind, resolved, ct);
            else await notifier.UnfollowAsync(me, kind, resolved, ct);
            return TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(returnUrl));
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/notifications/read-all", async (ClaimsPrincipal user, NotificationQueries queries, CancellationToken ct) =>
        {
            await queries.MarkReadAsync(TopicPermissions.MemberId(user)!.Value, null, ct);
            return TypedResults.LocalRedirect("/notifications");
        }).RequireAuthorization().AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();

        // Server-sent events: the unread count now, then each time it changes. Works across instances once the bus is Redis.
        app.MapGet("/notifications/stream", async (HttpContext http, ClaimsPrincipal user, ILiveBus bus, IServiceScopeFactory scopes, CancellationToken ct) =>
        {
            var me = TopicPermissions.MemberId(user)!.Value;
            await ServerSentEvents.StreamAsync(http, bus, LiveChannels.Member(me), "unread", async () =>
            {
                await using var scope = scopes.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<NotificationQueries>().UnreadCountAsync(me, ct)).ToString(CultureInfo.InvariantCulture);
            }, ct);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/notifications/unsubscribe", async (string? token, NotificationMails mails, NotificationQueries queries, CancellationToken ct) =>
        {
            // RFC 8058 one-click: the mail client posts "List-Unsubscribe=One-Click"; the token is the only credential.
            if (mails.ReadUnsubscribeToken(token) is not { } target) return Results.BadRequest();
            await queries.StopMailsAsync(target.MemberId, target.Kind, ct);
            return Results.Ok();
        }).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }
}

/// <summary>Marks which notifications are read; no ids means all.</summary>
public sealed record MarkReadRequest(long[]? Ids);

/// <summary>A notification as the list shows it.</summary>
public sealed record NotificationItem(long Id, NotificationKind Kind, string ActorName, string ActorHandle, long TopicId, string TopicTitle, string Url, DateTime CreatedAt, bool Read, string? Note = null);

/// <summary>A page of notifications and the unread count.</summary>
public sealed record NotificationPage(int Unread, int Total, List<NotificationItem> Items);
