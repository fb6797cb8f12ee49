using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.SocialAccounts;

namespace Tribu.Tests.Features.SocialAccounts;

/// <summary>Connected accounts on the fake servers, their polls, and inbox replies sent through them, for the tests of this feature and of the reply senders.</summary>
internal static class SocialTestData
{
    public static string Marker() => Guid.NewGuid().ToString("N")[..8];

    public static Task<int> ConnectMastodonAsync(TribuAppFactory app, FakeMastodon fake, string token) =>
        ConnectAsync(app, new SocialAccountRequest(SocialNetwork.Mastodon, null, fake.BaseUrl.ToString(), null, token));

    public static Task<int> ConnectBlueskyAsync(TribuAppFactory app, FakeBluesky fake, string handle, string password) =>
        ConnectAsync(app, new SocialAccountRequest(SocialNetwork.Bluesky, null, fake.BaseUrl.ToString(), handle, password));

    private static Task<int> ConnectAsync(TribuAppFactory app, SocialAccountRequest request) =>
        app.WithScopeAsync(async sp =>
        {
            var result = await sp.GetRequiredService<SocialAccountService>().ConnectAsync(request, null);
            result.Errors.ShouldBeEmpty();
            return result.Account!.Id;
        });

    public static Task<SocialAccount> AccountAsync(TribuAppFactory app, int id) =>
        app.WithDbAsync(db => db.SocialAccounts.AsNoTracking().FirstAsync(a => a.Id == id));

    public static Task<NotificationsOutcome> PollAsync(TribuAppFactory app, int accountId) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<SocialNotificationsPoller>().PollAsync(accountId));

    public static Task<List<InboxItem>> ItemsAsync(TribuAppFactory app, int accountId) =>
        app.WithDbAsync(db => db.InboxItems.AsNoTracking().Where(i => i.SocialAccountId == accountId).OrderBy(i => i.Id).ToListAsync());

    /// <summary>A reply as the inbox writes it before sending (state Sending, a new idempotency key), by the administrator.</summary>
    public static Task<InboxReply> NewReplyAsync(TribuAppFactory app, long itemId, ReplyRoute route, int? accountId, string body) =>
        app.WithDbAsync(async db =>
        {
            var admin = await db.Users.Where(u => u.Email == TribuAppFactory.AdminEmail).Select(u => u.Id).FirstAsync();
            var reply = new InboxReply
            {
                ItemId = itemId, AuthorId = admin, Route = route, SocialAccountId = accountId, Body = body, State = ReplyState.Sending,
                IdempotencyKey = Guid.NewGuid(), CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
            };
            db.InboxReplies.Add(reply);
            await db.SaveChangesAsync();
            return reply;
        });

    /// <summary>Sends a stored reply with the sender of its route, as the inbox's orchestration does (a retry calls this again).</summary>
    public static Task<ReplySendResult> SendAsync(TribuAppFactory app, long replyId) =>
        app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>();
            var reply = await db.InboxReplies.AsNoTracking().FirstAsync(r => r.Id == replyId);
            var item = await db.InboxItems.AsNoTracking().FirstAsync(i => i.Id == reply.ItemId);
            return await sp.GetServices<IReplySender>().Single(s => s.Route == reply.Route).SendAsync(item, reply, CancellationToken.None);
        });

    public static Task<ReplyTarget?> TargetAsync(TribuAppFactory app, long itemId, ReplyRoute route) =>
        app.WithScopeAsync(async sp =>
        {
            var item = await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().InboxItems.AsNoTracking().FirstAsync(i => i.Id == itemId);
            return await sp.GetServices<IReplySender>().Single(s => s.Route == route).TargetAsync(item, CancellationToken.None);
        });
}
