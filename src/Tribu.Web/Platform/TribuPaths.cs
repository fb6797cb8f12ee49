namespace Tribu.Web.Platform;

/// <summary>Where Tribu keeps its files: the SQLite database, the mail pickup folder, uploads, backups.</summary>
public sealed class TribuPaths(string data)
{
    public string Data { get; } = Path.GetFullPath(data);

    public static TribuPaths From(IConfiguration configuration, string contentRoot) =>
        new(Path.Combine(contentRoot, configuration["Storage:DataPath"] ?? "data"));
}
