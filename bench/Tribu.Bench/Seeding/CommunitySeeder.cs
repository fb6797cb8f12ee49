using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Search;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Bench.Seeding;

/// <summary>
/// <c>dotnet Tribu.Bench.dll seed …</c>: a large community for bench/community.sh. The schema comes from the app's own
/// migrations (DatabaseMaintenance), the rows from raw bulk inserts typed by the app's EF model, the search index is
/// filled as the app fills it. See <see cref="SeedOptions"/> for the arguments.
/// </summary>
internal static class CommunitySeeder
{
    private static readonly long Started = TimeProvider.System.GetTimestamp();

    public static async Task<int> RunAsync(string[] args)
    {
        SeedOptions options;
        try
        {
            options = SeedOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(SeedOptions.Usage);
            return 2;
        }

        Log($"seeding {options.Members:N0} members, {options.Topics:N0} topics, {options.Replies:N0} replies into {options.Provider} ({options.Describe()})");
        var free = FreeSpace(options.Provider == DatabaseProvider.Sqlite ? options.DataPath : "/var/lib/postgresql");
        Log($"free disk space: {free / 1e9:F1} GB");
        if (free < 10e9)
        {
            await Console.Error.WriteLineAsync("Less than 10 GB free: the seed needs about 4 GB on SQLite and 5 GB on PostgreSQL.");
            return 1;
        }

        var connectionString = await CreateDatabaseAsync(options);
        await using var db = Context(options, connectionString);
        var migrationStart = TimeProvider.System.GetTimestamp();
        var applied = await new DatabaseMaintenance(db, new DatabaseOptions { Provider = options.Provider }, NullLogger<DatabaseMaintenance>.Instance).MigrateAsync();
        Log($"migrations applied ({applied.Count}) in {TimeProvider.System.GetElapsedTime(migrationStart).TotalSeconds:F1} s");
        var roles = await EnsureRolesAsync(db);

        var corpus = await TextCorpus.LoadAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var generator = new CommunityGenerator(corpus, options.Members, options.Topics, options.Replies, now, stems: options.Provider == DatabaseProvider.Sqlite);
        Log($"corpus: {corpus.SentenceCount} sentences; {generator.PostCount:N0} posts planned; bench topic {generator.BenchTopicUrl}");
        // One hash for everyone (PBKDF2 is slow on purpose): every member can log in with the bench password.
        var hash = new PasswordHasher<Member>().HashPassword(new Member(), options.Password);

        var loadStart = TimeProvider.System.GetTimestamp();
        await using (IBulkTarget target = options.Provider == DatabaseProvider.Sqlite
            ? new SqliteTarget(connectionString, db)
            : new PostgresTarget(connectionString, db, options.Threads))
        {
            await target.BeginAsync();
            var (members, memberRoles) = generator.Members(hash, roles[Roles.Member], roles[Roles.Moderator]);
            await target.WriteAsync(members);
            await target.WriteAsync(memberRoles);
            await target.WriteAsync(generator.Spaces());
            Log($"members and spaces written in {TimeProvider.System.GetElapsedTime(loadStart).TotalSeconds:F1} s");

            long posts = 0, reactions = 0;
            var waiting = TimeSpan.Zero;
            var writing = TimeSpan.Zero;
            var size = options.ChunkTopics;
            Task<Chunk>? next = Task.Run(() => generator.Generate(0, Math.Min(size, options.Topics), options.Threads));
            for (var from = 0; from < options.Topics; from += size)
            {
                var waitStart = TimeProvider.System.GetTimestamp();
                var chunk = await next!;
                waiting += TimeProvider.System.GetElapsedTime(waitStart);
                var nextFrom = from + size;
                // The next chunk is generated while this one is written.
                next = nextFrom < options.Topics ? Task.Run(() => generator.Generate(nextFrom, Math.Min(nextFrom + size, options.Topics), options.Threads)) : null;
                var writeStart = TimeProvider.System.GetTimestamp();
                await target.WriteAsync(chunk.Topics);
                await target.WriteAsync(chunk.Posts);
                await target.WriteAsync(chunk.Reactions);
                await target.WriteAsync(chunk.Bookmarks);
                await target.WriteSearchAsync(chunk.Search);
                writing += TimeProvider.System.GetElapsedTime(writeStart);
                posts += chunk.Posts.Count;
                reactions += chunk.Reactions.Count;
                if ((from / size) % 10 == 9 || nextFrom >= options.Topics)
                {
                    var elapsed = TimeProvider.System.GetElapsedTime(loadStart).TotalSeconds;
                    Log($"  {Math.Min(nextFrom, options.Topics):N0} topics, {posts:N0} posts, {reactions:N0} reactions; {posts / elapsed:N0} posts/s (waited for generation {waiting.TotalSeconds:F0} s, writing {writing.TotalSeconds:F0} s)");
                }
            }
            await target.CompleteAsync(Log);
        }
        var loadSeconds = TimeProvider.System.GetElapsedTime(loadStart).TotalSeconds;
        Log($"load done in {loadSeconds:F1} s");

        await VerifyAsync(options, connectionString, generator);
        var total = TimeProvider.System.GetElapsedTime(Started).TotalSeconds;
        Log($"seed complete in {total:F1} s");
        await File.WriteAllTextAsync(options.InfoFile, string.Join('\n',
        [
            $"SEED_PROVIDER={options.Provider}",
            $"BENCH_TOPIC_URL={generator.BenchTopicUrl}",
            $"READER_EMAIL={CommunityGenerator.ReaderEmail}",
            $"READER_PASSWORD={options.Password}",
            $"MEMBERS={options.Members}",
            $"TOPICS={options.Topics}",
            $"REPLIES={options.Replies}",
            $"POSTS={generator.PostCount}",
            $"SEARCH_INDEX_VERSION={SearchDocument.CurrentVersion}",
            $"SEED_LOAD_SECONDS={loadSeconds.ToString("F1", CultureInfo.InvariantCulture)}",
            $"SEED_TOTAL_SECONDS={total.ToString("F1", CultureInfo.InvariantCulture)}",
            "",
        ]), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Log($"wrote {options.InfoFile}");
        return 0;
    }

    /// <summary>Free bytes on the file system holding <paramref name="path"/> (the mount point with the longest matching root).</summary>
    private static long FreeSpace(string path)
    {
        var full = Path.GetFullPath(path);
        return DriveInfo.GetDrives()
            .Where(d => d.IsReady && full.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
            .OrderByDescending(d => d.RootDirectory.FullName.Length)
            .Select(d => d.AvailableFreeSpace)
            .FirstOrDefault();
    }

    private static async Task<string> CreateDatabaseAsync(SeedOptions options)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(options.DataPath, "tribu.db");
            if (Directory.Exists(options.DataPath)) Directory.Delete(options.DataPath, recursive: true);
            Directory.CreateDirectory(options.DataPath);
            return new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        }
        var target = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var name = target.Database ?? throw new ArgumentException("The PostgreSQL connection string needs a Database.");
        var admin = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection)) await create.ExecuteNonQueryAsync();
        target.Pooling = false;
        return target.ConnectionString;
    }

    // Built through the app's own registrations (as `dotnet ef` builds it): options that reach the model through DI,
    // such as Identity's store schema version, are then the app's, and the migrations match the model.
    private static TribuDbContext Context(SeedOptions options, string connectionString) => options.Provider == DatabaseProvider.Sqlite
        ? DesignTime.Create<SqliteTribuDbContext>("Sqlite", connectionString)
        : DesignTime.Create<PostgresTribuDbContext>("Postgres", connectionString);

    /// <summary>The roles the app creates at start-up (TribuStartup.EnsureRolesAsync), so that members can hold one.</summary>
    private static async Task<Dictionary<string, Guid>> EnsureRolesAsync(TribuDbContext db)
    {
        foreach (var role in Roles.All)
        {
            if (!await db.Roles.AnyAsync(r => r.Name == role))
            {
                db.Roles.Add(new IdentityRole<Guid>(role) { Id = Guid.NewGuid(), NormalizedName = role.ToUpperInvariant() });
            }
        }
        await db.SaveChangesAsync();
        return await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id);
    }

    /// <summary>Reads back through the app's EF model, and checks that search finds stemmed French and English words.</summary>
    private static async Task VerifyAsync(SeedOptions options, string connectionString, CommunityGenerator generator)
    {
        await using var db = Context(options, connectionString);
        var topics = await db.Topics.CountAsync();
        var posts = await db.Posts.LongCountAsync();
        var replies = await db.Posts.LongCountAsync(p => p.Number > 1);
        var members = await db.Users.CountAsync();
        var documents = await db.Set<SearchDocument>().LongCountAsync();
        var reactions = await db.PostReactions.LongCountAsync();
        Log($"verify: {members:N0} members, {topics:N0} topics, {posts:N0} posts ({replies:N0} replies), {reactions:N0} reactions, {documents:N0} search documents");
        var bench = await db.Topics.AsNoTracking().Include(t => t.Space).Include(t => t.Author).SingleAsync(t => t.Id == generator.BenchTopicId);
        var benchPosts = await db.Posts.CountAsync(p => p.TopicId == bench.Id && !p.IsDeleted);
        var reader = await db.Users.AsNoTracking().SingleAsync(u => u.Email == CommunityGenerator.ReaderEmail);
        Log($"verify: bench topic '{bench.Title}' ({bench.Kind}, {bench.ReplyCount} replies, {benchPosts} posts, space {bench.Space!.Slug}, by @{bench.Author!.Handle}, last post {bench.LastPostAt:u}); reader @{reader.Handle} created {reader.CreatedAt:u}");
        if (bench.ReplyCount != CommunityGenerator.BenchReplies || benchPosts != CommunityGenerator.BenchReplies + 1 || bench.Space.Visibility != SpaceVisibility.Public)
        {
            throw new InvalidOperationException("The bench topic is not as planned.");
        }
        var stale = await db.Posts.LongCountAsync(p => !p.IsDeleted
            && !db.Set<SearchDocument>().Any(d => d.PostId == p.Id && d.Version >= SearchDocument.CurrentVersion && d.PostEditedAt == p.EditedAt));
        Log($"verify: posts the app's SearchBackfill would still index: {stale}");

        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        foreach (var q in (string[])["batteries", "freinage", "communautés", "firmware updates", CommunityGenerator.PlainMarker, CommunityGenerator.UrlMarker, CommunityGenerator.HyphenMarker])
        {
            await using var command = connection.CreateCommand();
            var parameter = command.CreateParameter();
            parameter.ParameterName = "q";
            if (options.Provider == DatabaseProvider.Sqlite)
            {
                command.CommandText = """SELECT count(*) FROM "PostSearch" WHERE "PostSearch" MATCH @q""";
                parameter.Value = SearchQuery.Parse(q).Fts5Match();
            }
            else
            {
                // The reading PostgresSearchIndex gives the query's words (no phrases here): each its French or its English form, all required.
                var words = SearchQuery.Parse(q).Alternatives[0].SelectMany(c => c.Words).ToArray();
                command.CommandText = $"""
                    SELECT count(*) FROM "SearchDocuments" WHERE "SearchVector" @@ ({string.Join(" && ", words.Select((_, i) =>
                        $"(phraseto_tsquery('tribu_french', @w{i}) || phraseto_tsquery('tribu_english', @w{i}))"))})
                    """;
                for (var i = 0; i < words.Length; i++) command.Parameters.Add(new NpgsqlParameter($"w{i}", words[i]));
                parameter.Value = q;
            }
            command.Parameters.Add(parameter);
            var start = TimeProvider.System.GetTimestamp();
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            Log($"verify: search '{q}' matches {count:N0} posts ({TimeProvider.System.GetElapsedTime(start).TotalMilliseconds:F0} ms to count)");
        }
    }

    private static void Log(string message) =>
        Console.WriteLine($"[{TimeProvider.System.GetElapsedTime(Started).TotalSeconds,7:F1} s] {message}");
}

/// <summary>The seed command's arguments.</summary>
internal sealed class SeedOptions
{
    public const string Usage = """
        seed [--provider sqlite|postgres] [--data DIR] [--connection "Host=…;Database=…"] [--members 20000] [--topics 100000]
             [--replies 1000000] [--password …] [--threads N] [--chunk 1000] [--info FILE]
        SQLite: DIR/tribu.db, the layout of the app's Storage:DataPath (DIR is emptied first).
        PostgreSQL: the connection string's database is dropped and created again (the role needs CREATEDB).
        Writes KEY=VALUE facts (bench topic URL, reader log-in, timings) to FILE (default DIR/seed-info.env).
        """;

    public DatabaseProvider Provider { get; private set; } = DatabaseProvider.Sqlite;
    public string DataPath { get; private set; } = "/tmp/tribu-community/sqlite";
    public string? ConnectionString { get; private set; }
    public int Members { get; private set; } = 20_000;
    public int Topics { get; private set; } = 100_000;
    public int Replies { get; private set; } = 1_000_000;
    public string Password { get; private set; } = "bench-password-2026";
    public int Threads { get; private set; } = Environment.ProcessorCount;
    public int ChunkTopics { get; private set; } = 1000;
    public string InfoFile { get; private set; } = "";

    public string Describe() => Provider == DatabaseProvider.Sqlite
        ? Path.Combine(DataPath, "tribu.db")
        : $"database {new NpgsqlConnectionStringBuilder(ConnectionString).Database}";

    public static SeedOptions Parse(string[] args)
    {
        var options = new SeedOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i]} needs a positive number.");
            switch (args[i])
            {
                case "--provider":
                    options.Provider = Next().ToLowerInvariant() switch
                    {
                        "sqlite" => DatabaseProvider.Sqlite,
                        "postgres" or "postgresql" => DatabaseProvider.Postgres,
                        var other => throw new ArgumentException($"Unknown provider '{other}'."),
                    };
                    break;
                case "--data": options.DataPath = Next(); break;
                case "--connection": options.ConnectionString = Next(); break;
                case "--members": options.Members = Number(); break;
                case "--topics": options.Topics = Number(); break;
                case "--replies": options.Replies = Number(); break;
                case "--password": options.Password = Next(); break;
                case "--threads": options.Threads = Number(); break;
                case "--chunk": options.ChunkTopics = Number(); break;
                case "--info": options.InfoFile = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("--connection is required with --provider postgres.");
        }
        if (options.InfoFile.Length == 0)
        {
            options.InfoFile = options.Provider == DatabaseProvider.Sqlite ? Path.Combine(options.DataPath, "seed-info.env") : "/tmp/tribu-community/postgres-seed-info.env";
        }
        return options;
    }
}
