using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Platform.Security;

/// <summary>
/// Every page and endpoint, for every role and for anonymous visitors: what each may reach. A route the
/// matrix does not list fails the test, so a new endpoint cannot ship without its row.
/// </summary>
public sealed class PermissionMatrixTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    private enum Access { Allowed, NeedsLogin, Denied, Hidden }

    private static readonly string[] RoleNames = ["anonymous", Roles.Member, Roles.Moderator, Roles.CommunityManager, Roles.Admin];

    private sealed record Row(string Method, string Pattern, string Url, Access[] Expected, object? Body = null);

    // Shorthands, in role order: anonymous, member, moderator, community manager, admin.
    private static readonly Access[] Everyone = [Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] SignedIn = [Access.NeedsLogin, Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] Staff = [Access.NeedsLogin, Access.Denied, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] Managers = [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Allowed, Access.Allowed];
    private static readonly Access[] ManagersHidden = [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden];
    private static readonly Access[] AdminOnly = [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Denied, Access.Allowed];
    private static readonly Access[] SignedInHidden = [Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] StaffHidden = [Access.Hidden, Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] SignedInStaffHidden = [Access.NeedsLogin, Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed];
    private static readonly Access[] NotTheirs = [Access.NeedsLogin, Access.Denied, Access.Allowed, Access.Allowed, Access.Allowed];

    [Fact]
    public async Task EveryRouteAndRole_GetsExactlyTheExpectedAccess()
    {
        static Row[] Rows(long question, long reply, long opening, long inner, long secret, long secretPost, long outbox, string open, string members, string beta, string board, long idea) =>
        [
            // Community pages.
            new("GET", "/", "/", Everyone),
            new("GET", "/s/{Slug}", $"/s/{open}", Everyone),
            new("GET", "/s/{Slug}", $"/s/{members}", SignedInHidden),
            new("GET", "/s/{Slug}", $"/s/{beta}", StaffHidden),
            new("GET", "/s/{Slug}/new", $"/s/{open}/new", SignedIn),
            new("GET", "/s/{Slug}/members", $"/s/{open}/members", Everyone),
            new("GET", "/s/{Slug}/members", $"/s/{beta}/members", StaffHidden),
            new("GET", "/s/{Slug}/new", $"/s/{beta}/new", SignedInStaffHidden),
            new("GET", "/t/{Id:long}/{Slug?}", $"/t/{question}", Everyone),
            new("GET", "/t/{Id:long}/{Slug?}", $"/t/{inner}", SignedInHidden),
            new("GET", "/t/{Id:long}/{Slug?}", $"/t/{secret}", StaffHidden),
            new("GET", "/t/{id:long}/stream", $"/t/{question}/stream", Everyone),
            new("GET", "/t/{id:long}/stream", $"/t/{secret}/stream", StaffHidden),
            new("GET", "/p/{Id:long}/edit", $"/p/{opening}/edit", NotTheirs),
            new("GET", "/p/{Id:long}/revisions", $"/p/{opening}/revisions", Everyone),
            new("GET", "/p/{Id:long}/revisions", $"/p/{secretPost}/revisions", StaffHidden),
            new("GET", "/tags/{Tag}", "/tags/matrix", Everyone),
            new("GET", "/u/{Handle}", "/u/admin", Everyone),
            new("GET", "/u/{Handle}/moderate", "/u/admin/moderate", Staff),
            new("GET", "/members", "/members", Everyone),
            new("GET", "/search", "/search?q=matrix", Everyone),
            new("GET", "/api/v1/search", "/api/v1/search?q=matrix", Everyone),
            new("GET", "/api/v1/topics/similar", "/api/v1/topics/similar?title=matrix%20question", Everyone),
            new("GET", "/status/{Code:int}", "/status/418", [Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed, Access.Allowed]),
            new("GET", "/not-found", "/not-found", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/error", "/error", Everyone),
            // Feeds and crawlers.
            new("GET", "/feeds/latest.{format:regex(^(rss|atom)$)}", "/feeds/latest.rss", Everyone),
            new("GET", "/s/{slug}/feed.{format:regex(^(rss|atom)$)}", $"/s/{open}/feed.atom", Everyone),
            new("GET", "/s/{slug}/feed.{format:regex(^(rss|atom)$)}", $"/s/{members}/feed.rss", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/tags/{tag}/feed.{format:regex(^(rss|atom)$)}", "/tags/matrix/feed.rss", Everyone),
            new("GET", "/sitemap.xml", "/sitemap.xml", Everyone),
            new("GET", "/uploads/{year:int}/{month:int}/{name}", $"/uploads/2026/11/{new string('0', 64)}.png", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/uploads", "/api/v1/uploads", SignedIn),
            new("GET", "/robots.txt", "/robots.txt", Everyone),
            // Accounts.
            new("GET", "/account/login", "/account/login", Everyone),
            new("GET", "/account/register", "/account/register", Everyone),
            new("GET", "/account/register-confirmation", "/account/register-confirmation", Everyone),
            new("GET", "/account/confirm-email", "/account/confirm-email", Everyone),
            new("GET", "/account/resend-confirmation", "/account/resend-confirmation", Everyone),
            new("GET", "/account/forgot-password", "/account/forgot-password", Everyone),
            new("GET", "/account/reset-password", "/account/reset-password", Everyone),
            new("GET", "/account/lockout", "/account/lockout", Everyone),
            // Only reachable right after a password that asks for a second factor: otherwise back to log-in.
            new("GET", "/account/login-2fa", "/account/login-2fa", [Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin]),
            new("GET", "/account/login-recovery", "/account/login-recovery", [Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin]),
            new("GET", "/account/access-denied", "/account/access-denied", [Access.Denied, Access.Denied, Access.Denied, Access.Denied, Access.Denied]),
            new("GET", "/account/manage", "/account/manage", SignedIn),
            new("GET", "/account/manage/password", "/account/manage/password", SignedIn),
            new("GET", "/account/manage/two-factor", "/account/manage/two-factor", SignedIn),
            new("GET", "/account/manage/enable-authenticator", "/account/manage/enable-authenticator", SignedIn),
            new("GET", "/account/manage/privacy", "/account/manage/privacy", SignedIn),
            new("GET", "/account/manage/trust", "/account/manage/trust", SignedIn),
            new("GET", "/account/manage/standing", "/account/manage/standing", SignedIn),
            new("GET", "/sanctions/{Id:long}/appeal", "/sanctions/999999/appeal", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/account/manage/privacy/export.zip", "/account/manage/privacy/export.zip", SignedIn),
            new("POST", "/account/logout", "/account/logout", Everyone),
            new("POST", "/culture", "/culture", Everyone),
            new("GET", "/culture", "/culture?language=fr&returnUrl=/", Everyone),
            // Console.
            new("GET", "/manage", "/manage", Staff),
            new("GET", "/manage/members", "/manage/members", AdminOnly),
            new("GET", "/manage/spaces", "/manage/spaces", Managers),
            new("GET", "/manage/spaces/new", "/manage/spaces/new", Managers),
            new("GET", "/manage/spaces/{Id:int}", "/manage/spaces/1", Managers),
            new("POST", "/api/v1/spaces/", "/api/v1/spaces", Managers, new { }),
            new("PUT", "/api/v1/spaces/{id:int}", "/api/v1/spaces/999999", Managers, new { }),
            new("GET", "/manage/invitations", "/manage/invitations", AdminOnly),
            new("GET", "/manage/settings", "/manage/settings", AdminOnly),
            new("GET", "/manage/jobs", "/manage/jobs", AdminOnly),
            new("GET", "/manage/outbox", "/manage/outbox", AdminOnly),
            new("GET", "/manage/audit", "/manage/audit", Staff),
            new("GET", "/manage/moderation", "/manage/moderation", Staff),
            new("GET", "/manage/moderation/settings", "/manage/moderation/settings", Managers),
            new("GET", "/manage/moderation/code", "/manage/moderation/code", Managers),
            new("GET", "/code-of-conduct", "/code-of-conduct", Everyone),
            new("POST", "/manage/moderation/{postId:long}/review", $"/manage/moderation/{reply}/review", SignedIn),
            new("GET", "/manage/audit.csv", "/manage/audit.csv", Staff),
            new("GET", "/api/v1/audit", "/api/v1/audit", Staff),
            new("GET", "/manage/outbox/{Id:long}", $"/manage/outbox/{outbox}", AdminOnly),
            // Listening sources (a source that does not exist: managers get a 404, plain forms without a token a 400).
            new("GET", "/manage/listening/sources", "/manage/listening/sources", Managers),
            new("GET", "/manage/listening/sources/new/{Kind}", "/manage/listening/sources/new/Rss", Managers),
            new("GET", "/manage/listening/sources/{Id:int}", "/manage/listening/sources/999999", ManagersHidden),
            new("GET", "/manage/listening/sources/{Id:int}/delete", "/manage/listening/sources/999999/delete", ManagersHidden),
            new("GET", "/manage/listening/sources/{Id:int}/import", "/manage/listening/sources/999999/import", ManagersHidden),
            new("POST", "/manage/listening/sources/{id:int}/poll", "/manage/listening/sources/999999/poll", Managers),
            new("POST", "/manage/listening/sources/{id:int}/enabled", "/manage/listening/sources/999999/enabled", Managers),
            new("POST", "/manage/listening/sources/{id:int}/remove", "/manage/listening/sources/999999/remove", Managers),
            new("POST", "/manage/listening/sources/{id:int}/upload", "/manage/listening/sources/999999/upload", Managers),
            new("GET", "/api/v1/listening/sources/", "/api/v1/listening/sources", Managers),
            new("POST", "/api/v1/listening/sources/", "/api/v1/listening/sources", Managers, new { }),
            new("GET", "/api/v1/listening/sources/{id:int}", "/api/v1/listening/sources/999999", ManagersHidden),
            new("PUT", "/api/v1/listening/sources/{id:int}", "/api/v1/listening/sources/999999", ManagersHidden, new { }),
            new("DELETE", "/api/v1/listening/sources/{id:int}", "/api/v1/listening/sources/999999", ManagersHidden),
            new("POST", "/api/v1/listening/sources/{id:int}/poll", "/api/v1/listening/sources/999999/poll", ManagersHidden),
            new("POST", "/api/v1/listening/sources/{id:int}/secret", "/api/v1/listening/sources/999999/secret", ManagersHidden),
            // Connected social accounts (an account that does not exist: managers get a 404, plain forms without a token a 400).
            new("GET", "/manage/accounts", "/manage/accounts", Managers),
            new("GET", "/manage/accounts/{Id:int}", "/manage/accounts/999999", ManagersHidden),
            new("GET", "/manage/accounts/{Id:int}/delete", "/manage/accounts/999999/delete", ManagersHidden),
            new("POST", "/manage/accounts/{id:int}/check", "/manage/accounts/999999/check", Managers),
            new("POST", "/manage/accounts/{id:int}/enabled", "/manage/accounts/999999/enabled", Managers),
            new("POST", "/manage/accounts/{id:int}/remove", "/manage/accounts/999999/remove", Managers),
            new("GET", "/api/v1/social-accounts/", "/api/v1/social-accounts", Managers),
            new("POST", "/api/v1/social-accounts/", "/api/v1/social-accounts", Managers, new { }),
            new("GET", "/api/v1/social-accounts/{id:int}", "/api/v1/social-accounts/999999", ManagersHidden),
            new("DELETE", "/api/v1/social-accounts/{id:int}", "/api/v1/social-accounts/999999", ManagersHidden),
            // Anyone may deliver to a webhook (the signature decides); an unknown source is a 404 for all.
            new("POST", "/api/v1/listening/sources/{id:int}/webhook", "/api/v1/listening/sources/999999/webhook", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden], new { }),
            // Topic actions from pages (plain forms).
            new("POST", "/t/{id:long}/accept/{postId:long}", $"/t/{question}/accept/{reply}", SignedIn),
            new("POST", "/t/{id:long}/react/{postId:long}", $"/t/{question}/react/{reply}", SignedIn),
            new("POST", "/t/{id:long}/delete/{postId:long}", $"/t/{question}/delete/{reply}", SignedIn),
            new("POST", "/t/{id:long}/bookmark/{postId:long}", $"/t/{question}/bookmark/{reply}", SignedIn),
            new("GET", "/bookmarks", "/bookmarks", SignedIn),
            new("GET", "/api/v1/bookmarks", "/api/v1/bookmarks", SignedIn),
            new("POST", "/api/v1/posts/{id:long}/bookmark", $"/api/v1/posts/{secretPost}/bookmark", SignedInStaffHidden),
            new("POST", "/t/{id:long}/state", $"/t/{question}/state", SignedIn),
            new("GET", "/t/{Id:long}/moderate", $"/t/{question}/moderate", Staff),
            new("GET", "/t/{Id:long}/moderate", $"/t/{secret}/moderate", SignedInStaffHidden),
            new("POST", "/t/{id:long}/moderate/lock", $"/t/{question}/moderate/lock", SignedIn),
            new("POST", "/t/{id:long}/moderate/move", $"/t/{question}/moderate/move", SignedIn),
            // API.
            new("GET", "/api/v1/site/", "/api/v1/site", Everyone),
            new("PUT", "/api/v1/site/", "/api/v1/site", AdminOnly, new { }),
            new("POST", "/api/v1/account/register", "/api/v1/account/register", Everyone, new { }),
            new("GET", "/api/v1/account/me", "/api/v1/account/me", SignedIn),
            new("PUT", "/api/v1/account/me", "/api/v1/account/me", SignedIn, new { }),
            new("GET", "/api/v1/members/", "/api/v1/members", Everyone),
            new("GET", "/api/v1/members/suggestions", "/api/v1/members/suggestions", SignedIn),
            new("GET", "/api/v1/members/{handle}", "/api/v1/members/admin", Everyone),
            new("PUT", "/api/v1/members/{handle}/trust-level", "/api/v1/members/admin/trust-level", Staff, new { }),
            new("GET", "/api/v1/spaces/", "/api/v1/spaces", Everyone),
            new("GET", "/api/v1/spaces/{slug}/topics", $"/api/v1/spaces/{members}/topics", SignedInHidden),
            new("POST", "/api/v1/spaces/{slug}/topics", $"/api/v1/spaces/{beta}/topics", SignedInStaffHidden, new { }),
            new("GET", "/api/v1/spaces/{slug}/members", $"/api/v1/spaces/{open}/members", Everyone),
            new("GET", "/api/v1/spaces/{slug}/members", $"/api/v1/spaces/{beta}/members", StaffHidden),
            new("POST", "/api/v1/spaces/{slug}/members", $"/api/v1/spaces/{open}/members", Managers, new { handle = "admin", role = "Moderator" }),
            new("POST", "/api/v1/spaces/{slug}/members", $"/api/v1/spaces/{beta}/members", [Access.NeedsLogin, Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed], new { handle = "admin" }),
            new("DELETE", "/api/v1/spaces/{slug}/members/{handle}", $"/api/v1/spaces/{open}/members/nobody", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/spaces/{slug}/invitation", $"/api/v1/spaces/{open}/invitation", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden], new { accept = true }),
            new("GET", "/api/v1/topics/{id:long}", $"/api/v1/topics/{secret}", StaffHidden),
            new("POST", "/api/v1/topics/{id:long}/replies", $"/api/v1/topics/{inner}/replies", SignedIn, new { }),
            new("PUT", "/api/v1/topics/{id:long}/accepted-answer", $"/api/v1/topics/{question}/accepted-answer", NotTheirs, new { postId = reply }),
            new("PATCH", "/api/v1/topics/{id:long}", $"/api/v1/topics/{question}", NotTheirs, new { }),
            // A target that does not exist and an empty selection: allowed callers get a 400, nothing changes.
            new("POST", "/api/v1/topics/{id:long}/merge", $"/api/v1/topics/{question}/merge", Staff, new { targetTopicId = 999_999_999 }),
            new("POST", "/api/v1/topics/{id:long}/merge", $"/api/v1/topics/{secret}/merge", [Access.NeedsLogin, Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed], new { targetTopicId = 999_999_999 }),
            new("POST", "/api/v1/topics/{id:long}/split", $"/api/v1/topics/{question}/split", Staff, new { postIds = Array.Empty<long>() }),
            new("PUT", "/api/v1/posts/{id:long}", $"/api/v1/posts/{reply}", NotTheirs, new { body = "" }),
            new("POST", "/api/v1/posts/{id:long}/reactions/{kind}", $"/api/v1/posts/{opening}/reactions/Like", [Access.NeedsLogin, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied]),
            new("GET", "/api/v1/posts/{id:long}/revisions", $"/api/v1/posts/{opening}/revisions", Everyone),
            new("GET", "/p/{Id:long}/flag", $"/p/{opening}/flag", [Access.NeedsLogin, Access.Allowed, Access.Allowed, Access.Allowed, Access.Hidden]),
            new("GET", "/p/{Id:long}/appeal", $"/p/{opening}/appeal", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/manage/moderation/appeals/{appealId:long}", "/manage/moderation/appeals/999999", SignedIn),
            // Listening (community managers and admins).
            new("GET", "/manage/listening", "/manage/listening", Managers),
            new("GET", "/manage/listening/stream", "/manage/listening/stream", Managers),
            new("GET", "/manage/listening/mentions", "/manage/listening/mentions", Managers),
            new("GET", "/manage/listening/mentions/{Id:long}", "/manage/listening/mentions/999999999", ManagersHidden),
            new("GET", "/manage/listening/queries", "/manage/listening/queries", Managers),
            new("GET", "/manage/listening/queries/new", "/manage/listening/queries/new", Managers),
            new("GET", "/manage/listening/queries/{Id:int}", "/manage/listening/queries/999999", ManagersHidden),
            new("GET", "/api/v1/listening/queries", "/api/v1/listening/queries", Managers),
            new("POST", "/api/v1/listening/queries", "/api/v1/listening/queries", Managers, new { }),
            new("GET", "/api/v1/listening/queries/{id:int}", "/api/v1/listening/queries/999999", ManagersHidden),
            new("PUT", "/api/v1/listening/queries/{id:int}", "/api/v1/listening/queries/999999", ManagersHidden, new { }),
            new("DELETE", "/api/v1/listening/queries/{id:int}", "/api/v1/listening/queries/999999", ManagersHidden),
            new("POST", "/api/v1/listening/queries/preview", "/api/v1/listening/queries/preview", Managers, new { query = "matrix" }),
            new("GET", "/api/v1/listening/mentions", "/api/v1/listening/mentions", Managers),
            new("GET", "/api/v1/listening/mentions/{id:long}", "/api/v1/listening/mentions/999999999", ManagersHidden),
            new("GET", "/api/v1/listening/stats/volume", "/api/v1/listening/stats/volume", Managers),
            new("GET", "/api/v1/listening/stats/share-of-voice", "/api/v1/listening/stats/share-of-voice", Managers),
            new("GET", "/api/v1/listening/authors", "/api/v1/listening/authors", Managers),
            new("POST", "/api/v1/listening/authors", "/api/v1/listening/authors", Managers, new { }),
            new("DELETE", "/api/v1/listening/authors/{id:int}", "/api/v1/listening/authors/999999", ManagersHidden),
            // Inbox settings (managers): saved replies, teams, rules, SLA and intake; ids that do not exist are a 404 for them.
            new("GET", "/manage/inbox/replies", "/manage/inbox/replies", Managers),
            new("GET", "/manage/inbox/replies/new", "/manage/inbox/replies/new", Managers),
            new("GET", "/manage/inbox/replies/{Id:int}", "/manage/inbox/replies/999999", ManagersHidden),
            new("GET", "/manage/inbox/teams", "/manage/inbox/teams", Managers),
            new("GET", "/manage/inbox/teams/{Id:int}", "/manage/inbox/teams/999999", ManagersHidden),
            new("GET", "/manage/inbox/rules", "/manage/inbox/rules", Managers),
            new("GET", "/manage/inbox/rules/new", "/manage/inbox/rules/new", Managers),
            new("GET", "/manage/inbox/rules/{Id:int}", "/manage/inbox/rules/999999", ManagersHidden),
            new("GET", "/manage/inbox/settings", "/manage/inbox/settings", Managers),
            new("GET", "/api/v1/inbox/saved-replies", "/api/v1/inbox/saved-replies", Managers),
            new("POST", "/api/v1/inbox/saved-replies", "/api/v1/inbox/saved-replies", Managers, new { }),
            new("GET", "/api/v1/inbox/saved-replies/{id:int}", "/api/v1/inbox/saved-replies/999999", ManagersHidden),
            new("PUT", "/api/v1/inbox/saved-replies/{id:int}", "/api/v1/inbox/saved-replies/999999", ManagersHidden, new { }),
            new("DELETE", "/api/v1/inbox/saved-replies/{id:int}", "/api/v1/inbox/saved-replies/999999", ManagersHidden),
            new("POST", "/api/v1/inbox/saved-replies/preview", "/api/v1/inbox/saved-replies/preview", Managers, new { bodyEn = "Hi {first_name}" }),
            new("POST", "/api/v1/inbox/saved-replies/{id:int}/render", "/api/v1/inbox/saved-replies/999999/render", ManagersHidden, new { itemId = 1 }),
            new("GET", "/api/v1/inbox/teams", "/api/v1/inbox/teams", Managers),
            new("POST", "/api/v1/inbox/teams", "/api/v1/inbox/teams", Managers, new { }),
            new("GET", "/api/v1/inbox/teams/{id:int}", "/api/v1/inbox/teams/999999", ManagersHidden),
            new("PUT", "/api/v1/inbox/teams/{id:int}", "/api/v1/inbox/teams/999999", ManagersHidden, new { }),
            new("DELETE", "/api/v1/inbox/teams/{id:int}", "/api/v1/inbox/teams/999999", ManagersHidden),
            new("POST", "/api/v1/inbox/teams/{id:int}/members", "/api/v1/inbox/teams/999999/members", ManagersHidden, new { member = "admin" }),
            new("DELETE", "/api/v1/inbox/teams/{id:int}/members/{handle}", "/api/v1/inbox/teams/999999/members/admin", ManagersHidden),
            new("GET", "/api/v1/inbox/rules", "/api/v1/inbox/rules", Managers),
            new("POST", "/api/v1/inbox/rules", "/api/v1/inbox/rules", Managers, new { }),
            new("GET", "/api/v1/inbox/rules/{id:int}", "/api/v1/inbox/rules/999999", ManagersHidden),
            new("PUT", "/api/v1/inbox/rules/{id:int}", "/api/v1/inbox/rules/999999", ManagersHidden, new { }),
            new("DELETE", "/api/v1/inbox/rules/{id:int}", "/api/v1/inbox/rules/999999", ManagersHidden),
            new("POST", "/api/v1/inbox/rules/{id:int}/move", "/api/v1/inbox/rules/999999/move", ManagersHidden, new { direction = "up" }),
            new("POST", "/api/v1/inbox/rules/test", "/api/v1/inbox/rules/test", Managers, new { }),
            new("GET", "/api/v1/inbox/settings", "/api/v1/inbox/settings", Managers),
            new("PUT", "/api/v1/inbox/settings", "/api/v1/inbox/settings", Managers, new { }),
            // Notifications and follows.
            new("GET", "/notifications", "/notifications", SignedIn),
            new("GET", "/account/manage/notifications", "/account/manage/notifications", SignedIn),
            new("GET", "/notifications/stream", "/notifications/stream", SignedIn),
            new("POST", "/notifications/read-all", "/notifications/read-all", SignedIn),
            new("POST", "/notifications/unsubscribe", "/notifications/unsubscribe?token=forged", Everyone),
            new("POST", "/follow", "/follow", SignedIn),
            new("GET", "/api/v1/notifications", "/api/v1/notifications", SignedIn),
            new("POST", "/api/v1/notifications/read", "/api/v1/notifications/read", SignedIn, new { }),
            new("GET", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", SignedIn),
            new("PUT", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", SignedIn, new { }),
            new("PUT", "/api/v1/follows/{kind}/{key}", $"/api/v1/follows/Topic/{question}", SignedIn, new { }),
            new("PUT", "/api/v1/follows/{kind}/{key}", $"/api/v1/follows/Topic/{secret}", SignedInStaffHidden, new { }),
            new("DELETE", "/api/v1/follows/{kind}/{key}", $"/api/v1/follows/Space/{open}", SignedIn),
            // Personal API tokens.
            new("GET", "/account/manage/tokens", "/account/manage/tokens", SignedIn),
            new("GET", "/api/v1/account/tokens/", "/api/v1/account/tokens", SignedIn),
            new("POST", "/api/v1/account/tokens/", "/api/v1/account/tokens", SignedIn, new { }),
            new("DELETE", "/api/v1/account/tokens/{id:long}", "/api/v1/account/tokens/999999", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            // Listening: alerts and sentiment corrections (managers).
            new("GET", "/manage/listening/alerts", "/manage/listening/alerts", Managers),
            new("GET", "/manage/listening/alerts/stream", "/manage/listening/alerts/stream", Managers),
            new("POST", "/manage/listening/alerts/{id:long}/{action:regex(^(acknowledge|resolve)$)}", "/manage/listening/alerts/999999/acknowledge", Managers),
            new("POST", "/manage/listening/mentions/{id:long}/sentiment", "/manage/listening/mentions/999999/sentiment", Managers),
            new("GET", "/api/v1/listening/alerts", "/api/v1/listening/alerts", Managers),
            new("GET", "/api/v1/listening/alerts/{id:long}", "/api/v1/listening/alerts/999999", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/listening/alerts/{id:long}/acknowledge", "/api/v1/listening/alerts/999999/acknowledge", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/listening/alerts/{id:long}/resolve", "/api/v1/listening/alerts/999999/resolve", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden]),
            new("PUT", "/api/v1/listening/mentions/{id:long}/sentiment", "/api/v1/listening/mentions/999999/sentiment", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden], new { sentiment = "negative" }),
            // Inbox.
            new("GET", "/manage/inbox", "/manage/inbox", Managers),
            new("GET", "/manage/inbox/stream", "/manage/inbox/stream", Managers),
            new("GET", "/manage/inbox/items/{Id:long}", "/manage/inbox/items/999999999", ManagersHidden),
            new("GET", "/manage/inbox/items/{id:long}/stream", "/manage/inbox/items/999999999/stream", Managers),
            new("POST", "/manage/inbox/items/{id:long}/status", "/manage/inbox/items/999999999/status", Managers),
            new("POST", "/manage/inbox/items/{id:long}/assign", "/manage/inbox/items/999999999/assign", Managers),
            new("POST", "/manage/inbox/items/{id:long}/priority", "/manage/inbox/items/999999999/priority", Managers),
            new("POST", "/manage/inbox/items/{id:long}/tags", "/manage/inbox/items/999999999/tags", Managers),
            new("POST", "/manage/inbox/items/{id:long}/responded", "/manage/inbox/items/999999999/responded", Managers),
            new("POST", "/manage/inbox/bulk", "/manage/inbox/bulk", Managers),
            new("GET", "/api/v1/inbox/items", "/api/v1/inbox/items", Managers),
            new("GET", "/api/v1/inbox/items/{id:long}", "/api/v1/inbox/items/999999999", ManagersHidden),
            new("PUT", "/api/v1/inbox/items/{id:long}/status", "/api/v1/inbox/items/999999999/status", ManagersHidden, new { status = "Resolved" }),
            new("PUT", "/api/v1/inbox/items/{id:long}/assignee", "/api/v1/inbox/items/999999999/assignee", ManagersHidden, new { }),
            new("PUT", "/api/v1/inbox/items/{id:long}/priority", "/api/v1/inbox/items/999999999/priority", ManagersHidden, new { priority = "High" }),
            new("PUT", "/api/v1/inbox/items/{id:long}/tags", "/api/v1/inbox/items/999999999/tags", ManagersHidden, new { tags = new[] { "x" } }),
            new("POST", "/api/v1/inbox/items/{id:long}/notes", "/api/v1/inbox/items/999999999/notes", ManagersHidden, new { text = "n" }),
            new("POST", "/api/v1/inbox/items/{id:long}/responded", "/api/v1/inbox/items/999999999/responded", ManagersHidden, new { }),
            new("GET", "/api/v1/inbox/items/{id:long}/replies", "/api/v1/inbox/items/999999999/replies", ManagersHidden),
            new("POST", "/api/v1/inbox/items/{id:long}/replies", "/api/v1/inbox/items/999999999/replies", ManagersHidden, new { body = "b" }),
            new("POST", "/api/v1/inbox/items/bulk", "/api/v1/inbox/items/bulk", Managers, new { ids = new[] { 999999999 }, action = "assign-me" }),
            new("PUT", "/api/v1/inbox/items/{id:long}/presence", "/api/v1/inbox/items/999999999/presence", ManagersHidden, new { typing = false }),
            new("DELETE", "/api/v1/inbox/items/{id:long}/presence", "/api/v1/inbox/items/999999999/presence", Managers),
            new("GET", "/api/v1/inbox/stats", "/api/v1/inbox/stats", Managers),
            // Inbox: customer-service tickets (managers; an item that does not exist: managers get a 404, plain forms without a token a 400).
            new("GET", "/manage/inbox/helpdesk", "/manage/inbox/helpdesk", Managers),
            new("POST", "/manage/inbox/items/{id:long}/ticket", "/manage/inbox/items/999999999/ticket", Managers),
            new("POST", "/manage/inbox/items/{id:long}/ticket/retry", "/manage/inbox/items/999999999/ticket/retry", Managers),
            new("GET", "/api/v1/inbox/items/{id:long}/ticket", "/api/v1/inbox/items/999999999/ticket", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/inbox/items/{id:long}/ticket", "/api/v1/inbox/items/999999999/ticket", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden], new { }),
            new("POST", "/api/v1/inbox/items/{id:long}/ticket/retry", "/api/v1/inbox/items/999999999/ticket/retry", [Access.NeedsLogin, Access.Denied, Access.Denied, Access.Hidden, Access.Hidden]),
            // The helpdesk's updates: anyone may call, the signature decides (none here: a 401 for all).
            new("POST", "/api/v1/inbox/helpdesk/webhook", "/api/v1/inbox/helpdesk/webhook", [Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin, Access.NeedsLogin], new { }),
            // Events: pages, forms, calendar files and API (an event that does not exist is a 404 for whoever may go further).
            new("GET", "/events", "/events", Everyone),
            new("GET", "/events/{Id:int}", "/events/999999", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/new", "/events/new", Staff),
            new("GET", "/events/{Id:int}/edit", "/events/999999/edit", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/{Id:int}/attendees", "/events/999999/attendees", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/{id:int}.ics", "/events/999999.ics", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/feed/{token}.ics", "/events/feed/forged.ics", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/events/feed/renew", "/events/feed/renew", SignedIn),
            new("POST", "/events/{id:int}/rsvp", "/events/999999/rsvp", SignedIn),
            new("POST", "/events/{id:int}/attendees/check-in", "/events/999999/attendees/check-in", Staff),
            new("GET", "/api/v1/events", "/api/v1/events", Everyone),
            new("GET", "/api/v1/events/{id:int}", "/api/v1/events/999999", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/api/v1/events/{id:int}.ics", "/api/v1/events/999999.ics", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/events", "/api/v1/events", Staff, new { }),
            new("PUT", "/api/v1/events/{id:int}", "/api/v1/events/999999", Staff, new { }),
            new("PUT", "/api/v1/events/{id:int}/rsvp", "/api/v1/events/999999/rsvp", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden], new { status = "Going" }),
            new("DELETE", "/api/v1/events/{id:int}/rsvp", "/api/v1/events/999999/rsvp", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/api/v1/events/{id:int}/attendees", "/api/v1/events/999999/attendees", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("PUT", "/api/v1/events/{id:int}/attendees/{handle}/check-in", "/api/v1/events/999999/attendees/admin/check-in", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden], new { attended = true }),
            new("GET", "/events/{Id:int}/ticket", "/events/999999/ticket", [Access.NeedsLogin, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/{Id:int}/check-in", "/events/999999/check-in", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/events/{Id:int}/check-in/{Code}", "/events/999999/check-in/ABCDABCDABCD", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/events/{id:int}/cancel", "/events/999999/cancel", Staff),
            new("POST", "/events/{id:int}/photos", "/events/999999/photos", Staff),
            new("POST", "/events/{id:int}/photos/{photoId:long}/delete", "/events/999999/photos/1/delete", Staff),
            new("POST", "/events/{id:int}/discussion", "/events/999999/discussion", Staff),
            new("POST", "/api/v1/events/{id:int}/cancel", "/api/v1/events/999999/cancel", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden], new { reason = "x" }),
            new("GET", "/api/v1/events/{id:int}/photos", "/api/v1/events/999999/photos", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/events/{id:int}/photos", "/api/v1/events/999999/photos", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden], new { url = "/uploads/x", alt = "x" }),
            new("DELETE", "/api/v1/events/{id:int}/photos/{photoId:long}", "/api/v1/events/999999/photos/1", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("POST", "/api/v1/events/{id:int}/discussion", "/api/v1/events/999999/discussion", [Access.NeedsLogin, Access.Denied, Access.Hidden, Access.Hidden, Access.Hidden], new { space = "x" }),
            // Ideas: boards, ideas, votes and the roadmap for all; status and merge for admins and community managers.
            new("GET", "/ideas", "/ideas", Everyone),
            new("GET", "/ideas/{Board}", $"/ideas/{board}", Everyone),
            new("GET", "/ideas/{Board}", "/ideas/no-such-board", [Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden, Access.Hidden]),
            new("GET", "/ideas/{Board}/new", $"/ideas/{board}/new", SignedIn),
            new("GET", "/ideas/{Board}/{Id:long}", $"/ideas/{board}/{idea}", Everyone),
            new("GET", "/ideas/{Board}/{Id:long}/edit", $"/ideas/{board}/{idea}/edit", Managers),
            new("PUT", "/api/v1/ideas/{id:long}", $"/api/v1/ideas/{idea}", Managers, new { title = "Matrix idea title", body = "Matrix idea body" }),
            new("GET", "/roadmap", "/roadmap", Everyone),
            new("POST", "/ideas/{id:long}/vote", $"/ideas/{idea}/vote", SignedIn),
            new("POST", "/ideas/{id:long}/follow", $"/ideas/{idea}/follow", SignedIn),
            new("GET", "/api/v1/ideas/boards", "/api/v1/ideas/boards", Everyone),
            new("POST", "/api/v1/ideas/boards", "/api/v1/ideas/boards", Managers, new { }),
            new("GET", "/api/v1/ideas/boards/{slug}/ideas", $"/api/v1/ideas/boards/{board}/ideas", Everyone),
            new("POST", "/api/v1/ideas/boards/{slug}/ideas", $"/api/v1/ideas/boards/{board}/ideas", SignedIn, new { }),
            new("GET", "/api/v1/ideas/roadmap", "/api/v1/ideas/roadmap", Everyone),
            new("GET", "/api/v1/ideas/{id:long}", $"/api/v1/ideas/{idea}", Everyone),
            new("PUT", "/api/v1/ideas/{id:long}/vote", $"/api/v1/ideas/{idea}/vote", SignedIn),
            new("DELETE", "/api/v1/ideas/{id:long}/vote", $"/api/v1/ideas/{idea}/vote", SignedIn),
            new("PUT", "/api/v1/ideas/{id:long}/status", $"/api/v1/ideas/{idea}/status", Managers, new { }),
            new("POST", "/api/v1/ideas/{id:long}/merge", $"/api/v1/ideas/{idea}/merge", Managers, new { into = 999999999 }),
            // Platform.
            new("GET", "/health/live", "/health/live", Everyone),
            new("GET", "/health/ready", "/health/ready", Everyone),
            new("GET", "/openapi/{documentName}.json", "/openapi/v1.json", Everyone),
            // Destructive rows last: they change what later rows of the same role would see.
            new("POST", "/api/v1/posts/{id:long}/flags", $"/api/v1/posts/{opening}/flags", [Access.NeedsLogin, Access.Allowed, Access.Allowed, Access.Allowed, Access.Denied], new { reason = "Spam" }),
            new("DELETE", "/api/v1/posts/{id:long}", $"/api/v1/posts/{secretPost}", [Access.NeedsLogin, Access.Hidden, Access.Allowed, Access.Allowed, Access.Allowed]),
        ];

        // Each role gets its own fresh content: an action one role may take (deleting, locking) never changes what the next one sees.
        async Task<Row[]> SeedAsync()
        {
            // A public question by the admin (with a reply by the admin), a members-only topic, an invite-only topic.
            var open = await TestSpaces.CreateAsync(app);
            var members = await TestSpaces.CreateAsync(app, SpaceVisibility.Members);
            var beta = await TestSpaces.CreateAsync(app, SpaceVisibility.Invite);
            using var admin = await TestMembers.LoggedInAsync(app, Roles.Admin);
            async Task<JsonElement> Post(string url, object body) => await (await admin.Http.PostAsJsonAsync(url, body)).Content.ReadFromJsonAsync<JsonElement>();
            var question = (await Post($"/api/v1/spaces/{open}/topics", new { kind = "Question", title = "Matrix question", body = "b", tags = "matrix" })).GetProperty("id").GetInt64();
            var reply = (await Post($"/api/v1/topics/{question}/replies", new { body = "r" })).GetProperty("id").GetInt64();
            var opening = (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{question}")).GetProperty("posts")[0].GetProperty("id").GetInt64();
            var inner = (await Post($"/api/v1/spaces/{members}/topics", new { kind = "Discussion", title = "Members only", body = "b" })).GetProperty("id").GetInt64();
            var secret = (await Post($"/api/v1/spaces/{beta}/topics", new { kind = "Discussion", title = "Invite only", body = "b" })).GetProperty("id").GetInt64();
            var outbox = await app.WithDbAsync(async db => { var m = db.EmailMessages.Add(new() { To = "x@example.com", Subject = "s", Kind = "k" }).Entity; await db.SaveChangesAsync(); return m.Id; });
            var secretPost = (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{secret}")).GetProperty("posts")[0].GetProperty("id").GetInt64();
            var board = (await Post("/api/v1/ideas/boards", new { name = $"Matrix {Guid.NewGuid():N}" })).GetProperty("slug").GetString()!;
            var idea = (await Post($"/api/v1/ideas/boards/{board}/ideas", new { title = "Matrix idea", body = "b" })).GetProperty("id").GetInt64();
            return Rows(question, reply, opening, inner, secret, secretPost, outbox, open, members, beta, board, idea);
        }
        var rows = await SeedAsync();

        // Routes the app maps but this matrix does not cover: add their rows.
        var covered = rows.Select(r => r.Pattern.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => !p.StartsWith("/_", StringComparison.Ordinal) && !p.StartsWith("/api/docs", StringComparison.Ordinal) && !p.Contains("/_framework", StringComparison.Ordinal)
                && !p.Contains("{**", StringComparison.Ordinal) && !IsStaticAsset(p))
            .Select(p => p.TrimEnd('/')).Distinct().ToList();
        mapped.Where(p => p.Length > 0 && !covered.Contains(p)).ShouldBeEmpty("routes missing from the permission matrix");

        var failures = new List<string>();
        for (var r = 0; r < RoleNames.Length; r++)
        {
            using var client = r == 0 ? app.CreateTribuClient() : await TestMembers.LoggedInAsync(app, RoleNames[r]);
            foreach (var row in await SeedAsync())
            {
                var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Url);
                if (row.Body is not null) request.Content = JsonContent.Create(row.Body);
                else if (row.Method == "POST") request.Content = new FormUrlEncodedContent([]);
                HttpResponseMessage response;
                try
                {
                    // Headers are enough to judge access, and the live stream never ends by itself.
                    response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                }
                catch (InvalidOperationException ex)
                {
                    failures.Add($"{RoleNames[r]} {row.Method} {row.Url}: the server threw {ex.Message}");
                    continue;
                }
                var actual = Classify(response);
                response.Dispose();
                if (actual != row.Expected[r])
                {
                    failures.Add($"{RoleNames[r]} {row.Method} {row.Url}: expected {row.Expected[r]}, got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }
        failures.ShouldBeEmpty();
    }

    private static bool IsStaticAsset(string pattern) =>
        Path.HasExtension(pattern) && !pattern.EndsWith(".xml", StringComparison.Ordinal) && !pattern.EndsWith(".txt", StringComparison.Ordinal)
        && !pattern.EndsWith(".json", StringComparison.Ordinal) && !pattern.Contains('{', StringComparison.Ordinal);

    private static Access Classify(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Access.NeedsLogin,
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains("/account/login", StringComparison.Ordinal) => Access.NeedsLogin,
            HttpStatusCode.Forbidden => Access.Denied,
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains("/account/access-denied", StringComparison.Ordinal) => Access.Denied,
            HttpStatusCode.NotFound => Access.Hidden,
            _ => Access.Allowed,
        };
    }
}
