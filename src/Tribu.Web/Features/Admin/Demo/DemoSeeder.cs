using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Admin.Demo;

/// <summary>
/// Seeds the demo community (Véloria, a fictional e-bike maker) from the embedded demo-community.json,
/// so a newcomer's first run shows a living, bilingual community. Demo members have no password.
/// </summary>
public sealed class DemoSeeder(TribuDbContext db, ILookupNormalizer normalizer, MarkdownRenderer markdown, TimeProvider clock, Listening.Demo.ListeningDemo listening, Inbox.Demo.InboxDemo inbox,
    Ideas.Demo.IdeasDemo ideas, Events.Demo.EventsDemo events)
{
    public sealed record Result(int Members, int Spaces, int Topics, int Posts);

    public async Task<Result> SeedAsync(CancellationToken ct = default)
    {
        if (await db.Spaces.AnyAsync(ct))
        {
            return new Result(0, 0, 0, 0);
        }
        var data = await LoadAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Fixed seed: the same demo every time, which keeps screenshots and tests stable.
        var random = new Random(20261123);

        var settings = await db.SiteSettings.FirstOrDefaultAsync(s => s.Id == SiteSettings.SingletonId, ct) ?? db.SiteSettings.Add(new SiteSettings()).Entity;
        settings.CommunityName = data.Brand.Name;
        settings.TaglineEn = data.Brand.TaglineEn;
        settings.TaglineFr = data.Brand.TaglineFr;
        settings.PrimaryColor = data.Brand.PrimaryColor;
        settings.AccentColor = data.Brand.AccentColor;
        settings.DefaultLanguage = "fr";
        settings.UpdatedAt = now;

        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, ct);
        var members = new Dictionary<string, Member>();
        foreach (var m in data.Members)
        {
            var member = new Member
            {
                Id = Guid.CreateVersion7(),
                UserName = m.Email,
                NormalizedUserName = normalizer.NormalizeName(m.Email),
                Email = m.Email,
                NormalizedEmail = normalizer.NormalizeEmail(m.Email),
                EmailConfirmed = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = true,
                Handle = m.Handle,
                DisplayName = m.DisplayName,
                Bio = m.Bio,
                Location = m.Location,
                Interests = string.Join(',', m.Interests),
                PreferredLanguage = m.Language,
                CreatedAt = now.AddDays(-m.JoinedDaysAgo).AddMinutes(-random.Next(0, 600)),
                LastSeenAt = m.Activity switch
                {
                    "high" => now.AddHours(-random.Next(1, 48)),
                    "medium" => now.AddDays(-random.Next(1, 14)),
                    "low" => now.AddDays(-random.Next(10, 90)),
                    _ => now.AddDays(-random.Next(1, 60)),
                },
                // As the nightly job would have it for a community that has lived a while.
                TrustLevel = m.Activity switch
                {
                    "high" => TrustLevel.Regular,
                    "medium" => TrustLevel.Member,
                    "low" => TrustLevel.Basic,
                    _ => m.JoinedDaysAgo < 7 ? TrustLevel.New : TrustLevel.Basic,
                },
                TrustLevelChangedAt = now,
            };
            members[m.Handle] = member;
            db.Users.Add(member);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = member.Id, RoleId = roles[Roles.Member] });
            var staffRole = m.Role switch { "communitymanager" => Roles.CommunityManager, "moderator" => Roles.Moderator, _ => null };
            if (staffRole is not null)
            {
                db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = member.Id, RoleId = roles[staffRole] });
            }
        }

        var spaces = new Dictionary<string, Space>();
        foreach (var s in data.Spaces)
        {
            var space = new Space
            {
                Slug = s.Slug,
                Name = s.Name,
                Description = s.Description,
                Visibility = Enum.Parse<SpaceVisibility>(s.Visibility, ignoreCase: true),
                Color = s.Color,
                Icon = s.Icon,
                Order = s.Order,
                StaffOnlyTopics = data.Topics.Where(t => t.Space == s.Slug).All(t => t.Kind == "announcement"),
                CreatedAt = now.AddDays(-420),
            };
            spaces[s.Slug] = space;
            db.Spaces.Add(space);
        }
        await db.SaveChangesAsync(ct);

        var everyone = members.Values.ToArray();
        var accepted = new List<(Topic Topic, Post Post)>();
        var reactions = new List<(Post Post, PostReaction Reaction)>();
        var posts = 0;
        foreach (var t in data.Topics)
        {
            var created = now.AddDays(-t.DaysAgo).AddMinutes(-random.Next(0, 900));
            var author = members[t.Author];
            var topic = new Topic
            {
                Space = spaces[t.Space],
                AuthorId = author.Id,
                Kind = Enum.Parse<TopicKind>(t.Kind, ignoreCase: true),
                Title = t.Title,
                Slug = TopicsFeature.Slugify(t.Title),
                Language = t.Language,
                Tags = string.Join(',', t.Tags),
                IsPinned = t.Pinned,
                CreatedAt = created,
                LastPostAt = created,
                ViewCount = t.Views,
            };
            db.Topics.Add(topic);
            var opening = NewPost(topic, author, 1, t.Body, created);
            var number = 1;
            foreach (var r in t.Replies)
            {
                var at = created.AddHours(r.HoursAfter);
                if (at > now) at = now.AddMinutes(-random.Next(1, 60));
                var post = NewPost(topic, members[r.Author], ++number, r.Body, at);
                topic.LastPostAt = at > topic.LastPostAt ? at : topic.LastPostAt;
                topic.ReplyCount++;
                if (t.AcceptedReply == number - 2)
                {
                    accepted.Add((topic, post));
                }
                foreach (var (kind, count) in r.Reactions ?? [])
                {
                    var reactionKind = Enum.Parse<ReactionKind>(kind, ignoreCase: true);
                    foreach (var fan in everyone.Where(x => x.Id != post.AuthorId).OrderBy(_ => random.Next()).Take(count))
                    {
                        reactions.Add((post, new PostReaction { MemberId = fan.Id, Kind = reactionKind, CreatedAt = at.AddMinutes(random.Next(5, 600)) }));
                    }
                }
            }
            posts += number;
            _ = opening;
        }
        await db.SaveChangesAsync(ct);
        foreach (var (topic, post) in accepted)
        {
            topic.AcceptedPostId = post.Id;
        }
        foreach (var (post, reaction) in reactions)
        {
            reaction.PostId = post.Id;
            db.PostReactions.Add(reaction);
        }
        AddSpaceMemberships();
        await db.SaveChangesAsync(ct);
        await listening.SeedAsync(data.Brand.Name, ct);
        await inbox.SeedAsync(data.Brand.Name, ct);
        await ideas.SeedAsync(ct);
        await events.SeedAsync(ct);
        return new Result(members.Count, spaces.Count, data.Topics.Count, posts);

        // Those who wrote in a private or invite-only space are its members; the busiest helper of each public space
        // (not staff) moderates it, as communities grow their own moderators.
        void AddSpaceMemberships()
        {
            var staff = data.Members.Where(m => m.Role is "communitymanager" or "moderator").Select(m => members[m.Handle].Id).ToHashSet();
            var writers = db.ChangeTracker.Entries<Post>().Select(e => e.Entity).GroupBy(p => p.Topic!.Space!);
            foreach (var group in writers)
            {
                var space = group.Key;
                var open = space.Visibility is SpaceVisibility.Public or SpaceVisibility.Members;
                var chosen = open
                    ? group.Where(p => !staff.Contains(p.AuthorId)).GroupBy(p => p.AuthorId).OrderByDescending(g => g.Count()).Take(space.StaffOnlyTopics ? 0 : 1).Select(g => g.Key)
                    : group.Select(p => p.AuthorId).Where(id => !staff.Contains(id)).Distinct();
                foreach (var memberId in chosen)
                {
                    db.SpaceMemberships.Add(new SpaceMembership
                    {
                        Space = space, MemberId = memberId, Role = open ? SpaceRole.Moderator : SpaceRole.Member,
                        Status = MembershipStatus.Active, CreatedAt = space.CreatedAt.AddDays(random.Next(1, 30)),
                    });
                }
            }
        }

        Post NewPost(Topic topic, Member author, int number, string body, DateTime at)
        {
            var post = new Post
            {
                Topic = topic,
                AuthorId = author.Id,
                Number = number,
                BodyMarkdown = body,
                BodyHtml = markdown.Render(body),
                CreatedAt = at,
            };
            db.Posts.Add(post);
            return post;
        }
    }

    public static async Task<DemoCommunity> LoadAsync(CancellationToken ct = default)
    {
        await using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("Tribu.Web.Features.Admin.Demo.demo-community.json")
            ?? throw new InvalidOperationException("The demo community resource is missing from the build.");
        return await JsonSerializer.DeserializeAsync<DemoCommunity>(stream, JsonSerializerOptions.Web, ct)
            ?? throw new InvalidOperationException("The demo community resource is empty.");
    }
}

public sealed record DemoCommunity(DemoBrand Brand, List<DemoMember> Members, List<DemoSpace> Spaces, List<DemoTopic> Topics);
public sealed record DemoBrand(string Name, string TaglineEn, string TaglineFr, string PrimaryColor, string AccentColor);
public sealed record DemoMember(string Handle, string DisplayName, string Email, string Language, string Role, string Bio, List<string> Interests, string Location, int JoinedDaysAgo, string Activity);
public sealed record DemoSpace(string Slug, string Name, string Description, string Visibility, string Color, string Icon, int Order);
public sealed record DemoTopic(string Space, string Kind, string Language, string Author, string Title, string Body, List<string> Tags, int DaysAgo, bool Pinned, int Views, int? AcceptedReply, List<DemoReply> Replies);
public sealed record DemoReply(string Author, string Body, double HoursAfter, Dictionary<string, int>? Reactions);
