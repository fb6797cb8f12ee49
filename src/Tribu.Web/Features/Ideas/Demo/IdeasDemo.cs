using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Ideas.Demo;

/// <summary>
/// The demo's ideas: a product board tied to the feedback space, ideas at every status with votes from the members,
/// official responses, and a duplicate merged into the request it repeated, so the board and the roadmap are alive.
/// </summary>
public sealed class IdeasDemo(TribuDbContext db, MarkdownRenderer markdown, TimeProvider clock)
{
    private sealed record Seed(string Title, string Body, IdeaStatus Status, int Votes, int DaysAgo, string? Response);

    private static readonly Seed[] Seeds =
    [
        new("Mode éco automatique en descente", "Couper l’assistance dans les descentes et récupérer un peu d’énergie : on gagnerait en autonomie.", IdeaStatus.Planned, 31, 60,
            "Bonne nouvelle : c’est prévu pour la mise à jour logicielle de printemps. On vous tiendra au courant ici."),
        new("Application : partager un itinéraire avec un ami", "Pouvoir envoyer une trace GPX depuis l’appli à un autre membre, sans passer par un export.", IdeaStatus.InProgress, 24, 45,
            "L’équipe mobile y travaille en ce moment ; une bêta arrive bientôt dans le programme des testeurs."),
        new("Porte-bagages compatible sacoches Ortlieb", "Un porte-bagages arrière avec le système de fixation standard, pour les trajets du quotidien.", IdeaStatus.Shipped, 42, 120,
            "Disponible depuis ce mois-ci dans la boutique, merci pour vos votes !"),
        new("Batterie de secours amovible", "Une seconde batterie légère à glisser dans un sac pour les longues sorties.", IdeaStatus.UnderReview, 18, 20,
            "On étudie le poids et le coût : dites-nous en réponse quelle autonomie vous attendriez."),
        new("Dark mode for the app", "The app is blinding at night; a dark theme would help on evening rides.", IdeaStatus.New, 12, 6, null),
        new("Antivol connecté avec alerte sur le téléphone", "Être prévenu si quelqu’un déplace le vélo garé.", IdeaStatus.New, 9, 3, null),
        new("Selle chauffante", "Pour l’hiver, une selle chauffante alimentée par la batterie.", IdeaStatus.Declined, 4, 90,
            "Merci pour l’idée ! Elle consommerait trop de batterie pour le gain de confort : nous ne la retenons pas."),
    ];

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.IdeaBoards.AnyAsync(ct)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var space = await db.Spaces.OrderBy(s => s.Slug == "idees-retours" ? 0 : 1).ThenBy(s => s.Order).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        var members = await db.Users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Member)))
            .OrderBy(u => u.CreatedAt).Select(u => u.Id).ToListAsync(ct);
        var staff = await db.Users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.CommunityManager)))
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        if (members.Count < 2) return;
        var board = db.IdeaBoards.Add(new IdeaBoard
        {
            Name = "Produit", Slug = "produit", SpaceId = space, CreatedAt = now.AddDays(-150),
            Description = "Vos idées pour les vélos, les accessoires et l’application Véloria. Votez pour celles que vous voulez voir arriver.",
        }).Entity;
        await db.SaveChangesAsync(ct);
        var random = new Random(20261123);
        var ideas = new List<Idea>();
        foreach (var (seed, index) in Seeds.Select((s, i) => (s, i)))
        {
            var created = now.AddDays(-seed.DaysAgo).AddHours(-random.Next(0, 12));
            var author = members[(index * 7) % members.Count];
            var voters = members.Where(m => m != author).OrderBy(_ => random.Next()).Take(Math.Min(seed.Votes - 1, members.Count - 1)).Prepend(author).ToList();
            var idea = new Idea
            {
                BoardId = board.Id, AuthorId = author, Title = seed.Title, BodyMarkdown = seed.Body, BodyHtml = markdown.Render(seed.Body),
                Status = seed.Status, VoteCount = voters.Count, CreatedAt = created, UpdatedAt = created,
            };
            db.Ideas.Add(idea);
            await db.SaveChangesAsync(ct);
            ideas.Add(idea);
            db.IdeaVotes.AddRange(voters.Select((v, i) => new IdeaVote { IdeaId = idea.Id, MemberId = v, CreatedAt = created.AddHours(i) }));
            db.IdeaFollowers.Add(new IdeaFollower { IdeaId = idea.Id, MemberId = author, CreatedAt = created });
            if (seed.Response is { } response && staff is { } by)
            {
                var at = created.AddDays(seed.DaysAgo / 2.0);
                db.IdeaStatusChanges.Add(new IdeaStatusChange
                {
                    IdeaId = idea.Id, ChangedById = by, ChangedAt = at, From = IdeaStatus.New, To = seed.Status, Response = response, ResponseHtml = markdown.Render(response),
                });
                idea.UpdatedAt = at;
            }
        }
        // A member asked again for what was already planned: staff merged it, its address leads to the original.
        var duplicate = new Idea
        {
            BoardId = board.Id, AuthorId = members[^1], Title = "Récupérer l’énergie dans les descentes",
            BodyMarkdown = "Comme sur les voitures électriques !", BodyHtml = markdown.Render("Comme sur les voitures électriques !"),
            Status = IdeaStatus.New, VoteCount = 0, CreatedAt = now.AddDays(-30), UpdatedAt = now.AddDays(-29), MergedIntoId = ideas[0].Id,
        };
        db.Ideas.Add(duplicate);
        await db.SaveChangesAsync(ct);
    }
}
