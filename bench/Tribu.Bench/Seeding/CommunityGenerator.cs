using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Search;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;

namespace Tribu.Bench.Seeding;

/// <summary>What the search index receives for one post (the terms only on SQLite, where the app computes the stems).</summary>
internal sealed record SearchRow(long PostId, string Language, DateTime? EditedAt, string Title, string Text, string? TitleTerms, string? BodyTerms);

/// <summary>A run of consecutive topics with everything that hangs off them, in insertion order.</summary>
internal sealed class Chunk
{
    public List<Topic> Topics { get; } = [];
    public List<Post> Posts { get; } = [];
    public List<PostReaction> Reactions { get; } = [];
    public List<Bookmark> Bookmarks { get; } = [];
    public List<SearchRow> Search { get; } = [];

    public void Add(Chunk other)
    {
        Topics.AddRange(other.Topics);
        Posts.AddRange(other.Posts);
        Reactions.AddRange(other.Reactions);
        Bookmarks.AddRange(other.Bookmarks);
        Search.AddRange(other.Search);
    }
}

/// <summary>
/// The large community, deterministic (fixed seeds per topic, so chunks can be generated in parallel): members,
/// public spaces, topics whose reply counts follow a long-tailed distribution summing exactly to the requested number,
/// one "bench topic" with exactly <see cref="BenchReplies"/> replies, reactions, and the search rows of every post.
/// Every column is filled the way the app fills it (TopicsService, DemoSeeder, SearchIndex).
/// </summary>
internal sealed class CommunityGenerator
{
    public const string ReaderEmail = "reader@bench.tribu.example";
    public const string ReaderHandle = "bench_reader";
    public const int BenchReplies = 200;
    public const int BenchAcceptedNumber = 38;
    public const string BenchTitle = "Autonomie de la batterie en hiver : vos retours après deux saisons ?";
    /// <summary>Words mixing letters and digits, for the PostgreSQL search bug (topics 1 and 2, post 2).</summary>
    public const string PlainMarker = "zq3f9a1b";
    public const string UrlMarker = "zq7k2m4p";
    public const string HyphenMarker = "zq5d8e2c";

    private static readonly string[] FirstNames =
    [
        "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Zoé", "Hugo", "Lucas", "Louis", "Gabriel", "Arthur", "Jules",
        "Théo", "Nathan", "Émile", "Noémie", "Hélène", "François", "Olivia", "Emma", "Sophia", "Ava", "Mia", "Liam", "Noah", "Ethan",
        "James", "Oliver", "Benjamin", "Grace", "Chloe", "Ryan", "Megan", "Priya", "Yuki", "Omar", "Sven", "Ana",
    ];

    private static readonly string[] LastNames =
    [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
        "Lefèvre", "Michel", "Garcia", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Smith", "Johnson", "Williams", "Brown",
        "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Nguyen",
    ];

    private static readonly string[] Cities = ["Lyon", "Nantes", "Paris", "Bruxelles", "Montréal", "Genève", "Lille", "Bordeaux", "London", "Toronto", "Grenoble", "Annecy"];

    private readonly TextCorpus _corpus;
    private readonly int _members;
    private readonly int _topics;
    private readonly bool _stems;
    private readonly DateTime _now;
    private readonly int[] _replies;
    private readonly long[] _firstPostId;
    private readonly Guid[] _memberIds;
    private readonly ThreadLocal<MarkdownRenderer> _renderer = new(() => new MarkdownRenderer());

    /// <param name="stems">Compute the stems the SQLite full-text table holds (PostgreSQL computes its own).</param>
    public CommunityGenerator(TextCorpus corpus, int members, int topics, int replies, DateTime now, bool stems)
    {
        if (topics < 10 || members < 10 || replies < BenchReplies + topics / 10)
        {
            throw new ArgumentException("At least 10 topics, 10 members, and enough replies for the bench topic.");
        }
        _corpus = corpus;
        _members = members;
        _topics = topics;
        _stems = stems;
        _now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        BenchTopicId = topics / 2;
        _replies = ReplyCounts(topics, replies, (int)BenchTopicId - 1);
        _firstPostId = new long[topics];
        long next = 1;
        for (var i = 0; i < topics; i++)
        {
            _firstPostId[i] = next;
            next += _replies[i] + 1;
        }
        PostCount = next - 1;
        var random = new Random(7);
        _memberIds = [.. Enumerable.Range(0, members).Select(_ => NewGuid(random))];
    }

    public long BenchTopicId { get; }
    public long PostCount { get; }
    public int Topics => _topics;

    public string BenchTopicUrl => $"/t/{BenchTopicId}/{TopicsFeature.Slugify(BenchTitle)}";

    /// <summary>Twenty thousand members (or so) sharing one password hash; the first one is the bench reader.</summary>
    public (List<Member> Members, List<IdentityUserRole<Guid>> Roles) Members(string passwordHash, Guid memberRole, Guid moderatorRole)
    {
        var random = new Random(11);
        var members = new List<Member>(_members);
        var roles = new List<IdentityUserRole<Guid>>(_members + 20);
        for (var i = 0; i < _members; i++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var handle = i == 0 ? ReaderHandle : Member.HandleFrom(first)[..Math.Min(8, Member.HandleFrom(first).Length)] + "_" + i.ToString(CultureInfo.InvariantCulture);
            var email = i == 0 ? ReaderEmail : $"{handle}@bench.tribu.example";
            var french = random.NextDouble() < 0.6;
            var created = _now.AddDays(-random.Next(30, 1200)).AddSeconds(-random.Next(0, 86_400));
            members.Add(new Member
            {
                Id = _memberIds[i],
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                PasswordHash = passwordHash,
                SecurityStamp = NewGuid(random).ToString("N").ToUpperInvariant(),
                ConcurrencyStamp = NewGuid(random).ToString(),
                LockoutEnabled = true,
                Handle = handle,
                DisplayName = i == 0 ? "Bench Reader" : $"{first} {last}",
                Bio = random.NextDouble() < 0.3 ? _corpus.Title(random, french ? SearchText.French : SearchText.English, question: false) : null,
                Location = random.NextDouble() < 0.5 ? Cities[random.Next(Cities.Length)] : null,
                Interests = string.Join(',', _corpus.PickTags(random)) is { Length: > 0 } interests ? interests : null,
                PreferredLanguage = french ? "fr" : "en",
                CreatedAt = created,
                LastSeenAt = _now.AddHours(-random.Next(1, 24 * 60)),
            });
            roles.Add(new IdentityUserRole<Guid> { UserId = _memberIds[i], RoleId = memberRole });
            if (i is > 0 and <= 10) roles.Add(new IdentityUserRole<Guid> { UserId = _memberIds[i], RoleId = moderatorRole });
        }
        return (members, roles);
    }

    public List<Space> Spaces() =>
    [
        Space(1, "entraide", "Entraide / Help", "Questions et réponses entre membres. Questions and answers between members.", "#0E5E6F"),
        Space(2, "atelier", "Atelier & entretien", "Réglages, pièces, réparations. Tuning, parts, repairs.", "#7A4E2D"),
        Space(3, "sorties", "Sorties & balades", "Rides, rencontres et itinéraires. Rides, meet-ups and routes.", "#2F7D32"),
        Space(4, "cafe", "Le café", "Tout le reste. Everything else.", "#6A3D9A"),
        Space(5, "produits", "Produits & firmware", "Nouveautés, mises à jour, retours. Releases, updates, feedback.", "#B23A48"),
    ];

    private Space Space(int id, string slug, string name, string description, string color) => new()
    {
        Id = id, Slug = slug, Name = name, Description = description, Visibility = SpaceVisibility.Public, Color = color,
        Order = id, StaffOnlyTopics = false, CreatedAt = _now.AddDays(-1300),
    };

    /// <summary>Topics [from, to) (0-based indexes; topic id = index + 1), generated in parallel, in id order.</summary>
    public Chunk Generate(int from, int to, int threads)
    {
        var parts = new Chunk[to - from];
        Parallel.For(from, to, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => parts[i - from] = Topic(i));
        var chunk = new Chunk();
        foreach (var part in parts) chunk.Add(part);
        return chunk;
    }

    private Chunk Topic(int index)
    {
        var chunk = new Chunk();
        var id = index + 1L;
        var bench = id == BenchTopicId;
        var random = new Random(unchecked((index + 1) * 1_000_003 + 20261123));
        var language = bench || random.NextDouble() < 0.6 ? SearchText.French : SearchText.English;
        var kind = bench ? TopicKind.Question : random.NextDouble() switch
        {
            < 0.25 => TopicKind.Question,
            < 0.28 => TopicKind.Announcement,
            _ => TopicKind.Discussion,
        };
        var title = bench ? BenchTitle : _corpus.Title(random, language, kind == TopicKind.Question);
        // Older topics first: ids follow creation time, over about three years.
        var created = Second(_now.AddDays(-1100 + 1095.0 * index / _topics).AddMinutes(-random.Next(0, 24 * 60)));
        var replies = _replies[index];
        var tags = string.Join(',', _corpus.PickTags(random));
        var topic = new Topic
        {
            Id = id,
            SpaceId = random.NextDouble() switch { < 0.35 => 1, < 0.55 => 2, < 0.70 => 3, < 0.90 => 4, _ => 5 },
            AuthorId = Author(random),
            Kind = kind,
            Title = title,
            Slug = TopicsFeature.Slugify(title),
            Language = language,
            Tags = tags.Length == 0 ? null : tags,
            IsPinned = !bench && random.NextDouble() < 0.0005,
            IsLocked = !bench && random.NextDouble() < 0.003,
            CreatedAt = created,
            LastPostAt = created,
            ViewCount = random.Next(replies * 3, replies * 40 + 50),
        };
        chunk.Topics.Add(topic);

        // Reply times: front-loaded between the topic's creation and now.
        var span = (_now - created).TotalSeconds;
        var offsets = Enumerable.Range(0, replies).Select(_ => random.NextDouble()).Order().Select(u => u * u * span).ToArray();
        var first = _firstPostId[index];
        var visibleReplies = 0;
        for (var number = 1; number <= replies + 1; number++)
        {
            var postId = first + number - 1;
            var at = number == 1 ? created : Second(created.AddSeconds(Math.Max(number, offsets[number - 2])));
            if (at > _now) at = _now;
            var postLanguage = number == 1 || random.NextDouble() < 0.9 ? language : (language == SearchText.French ? SearchText.English : SearchText.French);
            var body = _corpus.Body(random, postLanguage, opening: number == 1);
            if (number == 2 && id == 1) body += $"\n\nMon numéro de suivi est {PlainMarker}, merci de vérifier.";
            if (number == 2 && id == 2) body += $"\n\nSuivi : https://example.com/suivi/{UrlMarker} et la référence ref-{HyphenMarker}.";
            var deleted = number > 1 && !bench && id > 2 && random.NextDouble() < 0.005;
            DateTime? edited = random.NextDouble() < 0.03 ? Min(at.AddMinutes(random.Next(1, 600)), _now) : null;
            var post = new Post
            {
                Id = postId,
                TopicId = id,
                AuthorId = number == 1 ? topic.AuthorId : Author(random),
                Number = number,
                ReplyToPostId = number > 2 && random.NextDouble() < 0.1 ? first + random.Next(0, number - 1) : null,
                BodyMarkdown = body,
                BodyHtml = _renderer.Value!.Render(body),
                CreatedAt = at,
                EditedAt = edited,
                IsDeleted = deleted,
            };
            chunk.Posts.Add(post);
            if (number > 1 && !deleted)
            {
                visibleReplies++;
                topic.LastPostAt = at > topic.LastPostAt ? at : topic.LastPostAt;
            }
            if (!deleted)
            {
                Reactions(random, post, bench ? 0.6 : 0.2, bench ? 8 : 4, chunk.Reactions);
                var indexedTitle = number == 1 ? title : "";
                var text = SearchText.PlainText(body);
                var indexLanguage = SearchText.DecideLanguage($"{indexedTitle}\n{text}", language);
                chunk.Search.Add(new SearchRow(postId, indexLanguage, edited, indexedTitle, text,
                    _stems ? SearchText.IndexTerms(indexedTitle, indexLanguage) : null,
                    _stems ? SearchText.IndexTerms(text, indexLanguage) : null));
            }
        }
        topic.ReplyCount = visibleReplies;
        if (bench)
        {
            topic.AcceptedPostId = first + BenchAcceptedNumber - 1;
            // The bench reader's own reactions and bookmarks on the first page: the logged-in page reads them.
            for (var number = 2; number <= 11; number++)
            {
                chunk.Reactions.Add(new PostReaction { PostId = first + number - 1, MemberId = _memberIds[0], Kind = ReactionKind.Like, CreatedAt = _now.AddHours(-number) });
            }
            foreach (var number in (int[])[3, 5, 7])
            {
                chunk.Bookmarks.Add(new Bookmark { MemberId = _memberIds[0], PostId = first + number - 1, CreatedAt = _now.AddHours(-number) });
            }
        }
        else if (kind == TopicKind.Question && random.NextDouble() < 0.6)
        {
            var candidates = chunk.Posts.Where(p => p.Number > 1 && !p.IsDeleted).ToList();
            if (candidates.Count > 0) topic.AcceptedPostId = candidates[random.Next(candidates.Count)].Id;
        }
        return chunk;
    }

    private void Reactions(Random random, Post post, double probability, int max, List<PostReaction> reactions)
    {
        if (random.NextDouble() >= probability) return;
        var count = random.Next(1, max + 1);
        var fans = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            // Never the bench reader (index 0): its own reactions are fixed, and the key is (post, member, kind).
            var fan = 1 + random.Next(_members - 1);
            if (!fans.Add(fan)) continue;
            var kind = random.NextDouble() switch { < 0.7 => ReactionKind.Like, < 0.9 => ReactionKind.Thanks, _ => ReactionKind.Insightful };
            reactions.Add(new PostReaction { PostId = post.Id, MemberId = _memberIds[fan], Kind = kind, CreatedAt = Min(post.CreatedAt.AddMinutes(random.Next(1, 3000)), _now) });
        }
    }

    /// <summary>Active members write more: a skewed pick, never the bench reader.</summary>
    private Guid Author(Random random) => _memberIds[1 + (int)((_members - 1) * Math.Pow(random.NextDouble(), 2.2))];

    /// <summary>Long-tailed reply counts (log-normal), summing exactly to <paramref name="total"/>, the bench topic fixed.</summary>
    private static int[] ReplyCounts(int topics, int total, int benchIndex)
    {
        var random = new Random(3);
        var weights = new double[topics];
        for (var i = 0; i < topics; i++)
        {
            // Box-Muller: a normal deviate from two uniform ones.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            weights[i] = i == benchIndex ? 0 : Math.Exp(1.3 * normal);
        }
        var rest = total - BenchReplies;
        var scale = rest / weights.Sum();
        var counts = weights.Select(w => Math.Min(2500, (int)(w * scale))).ToArray();
        counts[benchIndex] = BenchReplies;
        // Topics 1 and 2 carry the search markers in their second post.
        counts[0] = Math.Max(counts[0], 1);
        counts[1] = Math.Max(counts[1], 1);
        var missing = total - counts.Sum();
        while (missing != 0)
        {
            var i = random.Next(topics);
            if (i == benchIndex || (missing < 0 && counts[i] <= 1) || (missing > 0 && counts[i] >= 2500)) continue;
            counts[i] += Math.Sign(missing);
            missing -= Math.Sign(missing);
        }
        return counts;
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static DateTime Second(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
