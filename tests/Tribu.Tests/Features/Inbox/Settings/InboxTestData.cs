using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;

namespace Tribu.Tests.Features.Inbox.Settings;

/// <summary>People and inbox items for the inbox settings tests, each with unique names.</summary>
internal static class InboxTestData
{
    public sealed record Someone(Guid Id, string Handle, string DisplayName, string Email);

    public static string Marker() => "m" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A confirmed member with <paramref name="role"/> (admin, community manager, moderator or member).</summary>
    public static async Task<Someone> PersonAsync(TribuAppFactory app, string role, string? displayName = null)
    {
        var email = await TestMembers.CreateAsync(app, role);
        return await app.WithDbAsync(async db =>
        {
            var member = await db.Users.SingleAsync(u => u.Email == email);
            if (displayName is not null)
            {
                member.DisplayName = displayName;
                await db.SaveChangesAsync();
            }
            return new Someone(member.Id, member.Handle, member.DisplayName, email);
        });
    }

    /// <summary>An item through the real intake (priority, rules, SLA targets).</summary>
    public static Task<InboxItem> AddAsync(TribuAppFactory app, string text, string language = "en", InboxChannel channel = InboxChannel.Mention, Action<InboxItem>? more = null) =>
        app.WithScopeAsync(async sp =>
        {
            var item = new InboxItem
            {
                Key = $"test:{Guid.NewGuid():N}", Channel = channel, Subject = InboxIntake.Subject(text), Excerpt = text, Language = language,
                AuthorHandle = "@someone@social.example",
            };
            more?.Invoke(item);
            var (stored, added) = await sp.GetRequiredService<InboxIntake>().AddAsync(item);
            added.ShouldBeTrue();
            return stored;
        });

    public static Task<InboxItem> ItemAsync(TribuAppFactory app, long id) => app.WithDbAsync(db => db.InboxItems.AsNoTracking().SingleAsync(i => i.Id == id));
}
