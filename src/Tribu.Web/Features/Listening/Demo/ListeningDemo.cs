using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Demo;

/// <summary>
/// The demo's listening: a CSV source with a month of fictional mentions of the demo brand and of a competitor, in
/// French and English, a few by demo members (their accounts linked), and a small bad buzz about batteries three days
/// ago, so the console's charts, share of voice and stream show something on first run. Stored through the real
/// pipeline (analysis, reposts, queries). Everything here is invented; no real person or post.
/// </summary>
public sealed class ListeningDemo(TribuDbContext db, MentionIngestor ingestor, TimeProvider clock)
{
    private static readonly string[] Positive =
    [
        "Trois mois avec mon {brand} et toujours aussi ravie, le moteur est super doux 👍",
        "Le SAV {brand} a changé ma batterie en 48 h, franchement top !",
        "Sortie de 80 km ce matin avec le {brand}, quel plaisir 🚴",
        "Love my new {brand}! The commute is actually fun now.",
        "Shoutout to {brand} support, fixed my display in a day. Great service.",
        "Best e-bike I have owned, the {brand} cargo carries both kids easily.",
        "Pas mal du tout le nouveau {brand}, j'ai été agréablement surpris",
        "{brand} vient d'ouvrir un atelier à Nantes, excellente nouvelle pour le vélotaf",
    ];

    private static readonly string[] Neutral =
    [
        "Quelqu'un a comparé le {brand} et le Cyclix pour du vélotaf de 15 km ?",
        "Le {brand} est-il livré avec un antivol ?",
        "Does the {brand} fit riders under 1m60?",
        "{brand} will present its new cargo model at the Lyon bike show next week.",
        "Essai du {brand} prévu samedi chez mon vélociste",
        "What is the warranty on the {brand} battery?",
    ];

    private static readonly string[] Negative =
    [
        "Troisième panne de batterie sur mon {brand}, j'en ai marre 😡",
        "Toujours pas de réponse du SAV {brand} après deux semaines, inadmissible",
        "My {brand} battery died after 6 months. Really disappointed.",
        "Worst customer service ever, {brand} keeps ignoring my emails",
        "La batterie de mon {brand} ne tient plus la charge, pas terrible du tout",
    ];

    private static readonly string[] BadBuzz =
    [
        "Batterie {brand} qui chauffe pendant la recharge, c'est dangereux ! #rappel",
        "Encore une batterie {brand} qui gonfle… ça devient inquiétant",
        "Is anyone else's {brand} battery overheating while charging? This is scary",
        "{brand} doit rappeler ses batteries, la mienne a fondu le chargeur 😱",
        "Scandale : les batteries {brand} défectueuses et aucune communication",
    ];

    private static readonly (string Handle, string Name, int Followers)[] Authors =
    [
        ("@lea_roule@piaille.example", "Léa", 340), ("@tom.velo@mastodon.example", "Tom", 1200), ("@cyclonews@mastodon.example", "Cyclo News", 48_000),
        ("@marie-b.bsky.social", "Marie B.", 210), ("@urbancommuter.bsky.social", "Urban Commuter", 5_400), ("@k.dubois@mamot.example", "Karim", 95),
        ("@jess_rides.bsky.social", "Jess", 780), ("@velotaf_paris@piaille.example", "Vélotaf Paris", 15_300), ("@anna.k@social.example", "Anna", 60),
        ("@ines_veloria@mastodon.example", "Inès", 420), ("@sam.veloria.bsky.social", "Sam", 310),
    ];

    public async Task SeedAsync(string brand, CancellationToken ct = default)
    {
        if (await db.ListeningSources.AnyAsync(ct)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var source = db.ListeningSources.Add(new ListeningSource
        {
            Kind = SourceKind.Csv, Name = "Demo: social mentions", IsEnabled = true, CreatedAt = now.AddDays(-31), LastPolledAt = now,
        }).Entity;
        var plain = Analysis.TextFold.Fold(brand);
        db.Watches.AddRange(
            new Watch { Name = brand, Kind = WatchKind.Brand, Query = $"{plain} OR @{plain} OR #{plain}", AlertKeywords = "rappel OR recall OR dangereux OR dangerous", BigAuthorFollowers = 10_000, CreatedAt = now.AddDays(-31), UpdatedAt = now.AddDays(-31) },
            new Watch { Name = "Cyclix", Kind = WatchKind.Competitor, Query = "cyclix OR @cyclix", CreatedAt = now.AddDays(-31), UpdatedAt = now.AddDays(-31) },
            new Watch { Name = "Batteries", Kind = WatchKind.Theme, Query = "batterie* OR battery OR batteries OR recharg* OR charging", CreatedAt = now.AddDays(-31), UpdatedAt = now.AddDays(-31) });
        await db.SaveChangesAsync(ct);

        // Two demo members named their accounts on their profile.
        foreach (var (handle, member) in new[] { ("@ines_veloria@mastodon.example", "ines_veloria"), ("@sam.veloria.bsky.social", "sam_veloria") })
        {
            if (await db.Users.Where(u => u.Handle == member).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct) is { } id)
            {
                db.AuthorLinks.Add(new AuthorLink { Handle = handle, MemberId = id, Origin = AuthorLinkOrigin.Profile, CreatedAt = now.AddDays(-20) });
            }
        }
        await db.SaveChangesAsync(ct);

        var random = new Random(20261123);
        var items = new List<IncomingMention>();
        // Hashtags vary the words, so the same sentence said by two people is not always a repost.
        string[] tags = ["", "", " #velotaf", " #ebike", " #cargo", " #VAE", " #commute", " #vélo"];
        string Pick(string[] texts, string name) => texts[random.Next(texts.Length)].Replace("{brand}", name, StringComparison.Ordinal) + tags[random.Next(tags.Length)] + tags[random.Next(tags.Length)];
        void Add(string text, DateTime at)
        {
            var (handle, name, followers) = Authors[random.Next(Authors.Length)];
            var id = $"demo-{items.Count + 1}";
            items.Add(new IncomingMention(id, text, Url: $"https://social.example/demo/{id}", PublishedAt: at, Author: new IncomingAuthor(handle, name, null, followers)));
        }
        for (var day = 30; day >= 0; day--)
        {
            var perDay = 6 + random.Next(6);
            for (var i = 0; i < perDay; i++)
            {
                var at = now.Date.AddDays(-day).AddHours(7 + random.Next(15)).AddMinutes(random.Next(60));
                if (at > now) at = now.AddMinutes(-random.Next(1, 120));
                var roll = random.NextDouble();
                var text = roll < 0.45 ? Pick(Positive, brand) : roll < 0.75 ? Pick(Neutral, brand) : Pick(Negative, brand);
                // A third of the conversation is about the competitor.
                if (random.NextDouble() < 0.33) text = text.Replace(brand, "Cyclix", StringComparison.Ordinal);
                Add(text, at);
            }
        }
        // The bad buzz: three days ago, an evening of battery complaints, some reposted word for word.
        var start = now.Date.AddDays(-3).AddHours(18);
        for (var i = 0; i < 28; i++)
        {
            Add((i % 4 == 3 ? "RT @cyclonews: " : "") + Pick(BadBuzz, brand), start.AddMinutes(i * 4 + random.Next(3)));
        }
        await ingestor.IngestAsync(source.Id, items, s => s.LastSuccessAt = now, ct);
    }
}
