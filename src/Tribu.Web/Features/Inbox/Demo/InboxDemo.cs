using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox.Demo;

/// <summary>
/// The demo's inbox: the brand's query sends negative mentions and questions to the inbox, the last two days of them are
/// in it (older ones are history, not work), a few are assigned, answered or resolved; saved replies in both languages,
/// a support team, and a rule that tags battery complaints.
/// </summary>
public sealed class InboxDemo(TribuDbContext db, InboxIntake intake, InboxService inbox, TimeProvider clock)
{
    public async Task SeedAsync(string brand, CancellationToken ct = default)
    {
        if (await db.SavedReplies.AnyAsync(ct) || await db.InboxItems.AnyAsync(ct)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var managers = await db.Users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.CommunityManager)))
            .OrderBy(u => u.CreatedAt).Select(u => u.Id).ToListAsync(ct);

        db.SavedReplies.AddRange(
            new SavedReply
            {
                Name = "Thanks for the feedback", Tags = "thanks", CreatedAt = now, UpdatedAt = now,
                BodyEn = "Hi {first_name}, thank you for taking the time to tell us. I have passed it on to the team. — {agent_first_name}, {community_name}",
                BodyFr = "Bonjour {first_name}, merci d’avoir pris le temps de nous le dire. J’ai transmis à l’équipe. — {agent_first_name}, {community_name}",
            },
            new SavedReply
            {
                Name = "Sorry, let us fix it", Tags = "support", CreatedAt = now, UpdatedAt = now,
                BodyEn = "Hi {first_name}, I am sorry about this. Could you send us your order number in a private message? We will sort it out together.",
                BodyFr = "Bonjour {first_name}, je suis désolé(e) pour ce souci. Pouvez-vous nous envoyer votre numéro de commande en message privé ? On va régler ça ensemble.",
            },
            new SavedReply
            {
                Name = "Your case is with customer service", Tags = "ticket", CreatedAt = now, UpdatedAt = now,
                BodyEn = "Hi {first_name}, our customer service now has your case ({ticket_id}): they will get back to you directly. You can follow it here: {ticket_url}",
                BodyFr = "Bonjour {first_name}, notre service client a maintenant votre dossier ({ticket_id}) : il revient vers vous directement. Vous pouvez le suivre ici : {ticket_url}",
            });
        var team = db.InboxTeams.Add(new InboxTeam { Name = "Support" }).Entity;
        await db.SaveChangesAsync(ct);
        foreach (var id in managers) db.InboxTeamMembers.Add(new InboxTeamMember { TeamId = team.Id, MemberId = id });
        db.InboxRules.Add(new InboxRule { Name = "Battery complaints", Position = 1, Keywords = "batterie, battery, recharge, charging", AddTags = "battery", CreatedAt = now });
        if (managers.Count > 0)
        {
            db.InboxRules.Add(new InboxRule { Name = "English to the support team", Position = 2, Language = "en", AssignToTeamId = team.Id, CreatedAt = now });
        }
        var watch = await db.Watches.FirstOrDefaultAsync(w => w.Kind == WatchKind.Brand, ct);
        if (watch is not null) watch.InboxWhen = InboxWhen.Negative | InboxWhen.Question;
        await db.SaveChangesAsync(ct);
        if (watch is null) return;

        // The last four days of the brand's negative mentions and questions (the battery bad buzz among them) are the work waiting.
        var since = now.AddDays(-4);
        var mentions = await db.MentionMatches.AsNoTracking().Where(m => m.WatchId == watch.Id && m.PublishedAt >= since && m.Mention!.OriginalId == null)
            .OrderBy(m => m.PublishedAt).Select(m => m.Mention!).ToListAsync(ct);
        var added = new List<InboxItem>();
        foreach (var m in mentions.Where(m => InboxMentionObserver.Wants(watch.InboxWhen, m.Sentiment, m.Text, m.AuthorFollowers, 10_000)))
        {
            var (item, isNew) = await intake.AddAsync(InboxMentionObserver.ItemFor(m, watch.Id), ct);
            if (isNew) added.Add(item);
        }
        // Some already handled, so the history and the records have something in them.
        if (managers.Count == 0) return;
        foreach (var (item, i) in added.Select((item, i) => (item, i)).Where(x => x.i % 3 == 0).Take(4))
        {
            await inbox.AssignAsync(item.Id, managers[i % managers.Count], null, managers[0], ct);
            if (i % 2 == 0)
            {
                await inbox.MarkRespondedAsync(item.Id, managers[i % managers.Count], "Demo: answered by private message", ct);
                await inbox.SetStatusAsync(item.Id, InboxStatus.Resolved, managers[i % managers.Count], null, ct);
            }
        }
    }
}
