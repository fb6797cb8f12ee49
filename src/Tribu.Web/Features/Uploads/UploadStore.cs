using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Uploads;

/// <summary>Bound to the <c>Uploads</c> section.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest image accepted, in bytes (5 MB).</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Where the files go; relative paths are under the data folder. A shared folder when several instances run.</summary>
    public string Path { get; set; } = "uploads";
}

/// <summary>
/// Stores images: checks size and type by the file's own bytes (never its name or declared type), names each file by its
/// SHA-256 so nothing is stored twice, and writes it under the uploads folder before recording it.
/// </summary>
public sealed partial class UploadStore(TribuDbContext db, IOptions<UploadOptions> options, TribuPaths paths, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    /// <summary>The image types accepted, by their signature; SVG is refused on purpose (it can carry script).</summary>
    private static readonly (string Extension, string ContentType, Func<ReadOnlyMemory<byte>, bool> Matches)[] Types =
    [
        ("png", "image/png", b => b.Span.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        ("jpg", "image/jpeg", b => b.Span.StartsWith((byte[])[0xFF, 0xD8, 0xFF])),
        ("gif", "image/gif", b => b.Span.StartsWith("GIF87a"u8) || b.Span.StartsWith("GIF89a"u8)),
        ("webp", "image/webp", b => b.Length >= 12 && b.Span.StartsWith("RIFF"u8) && b.Span[8..12].SequenceEqual("WEBP"u8)),
    ];

    public long MaxBytes => options.Value.MaxBytes;

    public string Root => System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.Data, options.Value.Path));

    public static string? ContentTypeOf(string fileName) =>
        Types.FirstOrDefault(t => fileName.EndsWith("." + t.Extension, StringComparison.Ordinal)).ContentType;

    /// <summary>The file for a request path such as <c>2026/11/&lt;hash&gt;.png</c>, or null when the path is not one we write.</summary>
    public string? FileFor(string relative) =>
        StoredPath().IsMatch(relative) && File.Exists(System.IO.Path.Combine(Root, relative)) ? System.IO.Path.Combine(Root, relative) : null;

    public async Task<Change<Upload>> SaveAsync(ClaimsPrincipal user, Stream content, long length, string? fileName, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } uploader) return Change<Upload>.Forbidden();
        if (length <= 0) return Invalid(l["Upload.Error.Empty"]);
        if (length > MaxBytes) return Invalid(l["Upload.Error.TooLarge", Megabytes(MaxBytes)]);

        // Read it once into memory (at most MaxBytes): the signature, the hash and the write all come from the same bytes.
        using var buffer = new MemoryStream((int)Math.Min(length, MaxBytes));
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBytes) return Invalid(l["Upload.Error.TooLarge", Megabytes(MaxBytes)]);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var type = Types.FirstOrDefault(t => t.Matches(bytes));
        if (type.Extension is null) return Invalid(l["Upload.Error.Type"]);

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var existing = await db.Set<Upload>().AsNoTracking().FirstOrDefaultAsync(u => u.Sha256 == hash, ct);
        if (existing is not null && File.Exists(System.IO.Path.Combine(Root, existing.Path))) return Change<Upload>.Ok(existing);

        var now = clock.GetUtcNow().UtcDateTime;
        var relative = existing?.Path ?? string.Create(CultureInfo.InvariantCulture, $"{now:yyyy}/{now:MM}/{hash}.{type.Extension}");
        var target = System.IO.Path.Combine(Root, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        // Written under a temporary name then moved: a reader never sees half a file.
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, ct);
        File.Move(temporary, target, overwrite: true);
        if (existing is not null) return Change<Upload>.Ok(existing);

        var upload = new Upload
        {
            Sha256 = hash, Path = relative, ContentType = type.ContentType, Size = bytes.Length, UploaderId = uploader, CreatedAt = now,
            OriginalName = SafeName(fileName),
        };
        db.Add(upload);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same image uploaded at the same moment by someone else: theirs is the record, the file is the same.
            db.Entry(upload).State = EntityState.Detached;
            return Change<Upload>.Ok(await db.Set<Upload>().AsNoTracking().FirstAsync(u => u.Sha256 == hash, ct));
        }
        return Change<Upload>.Ok(upload);
    }

    /// <summary>The Markdown that shows the image, its alt text from the file name.</summary>
    public static string Markdown(Upload upload)
    {
        var alt = System.IO.Path.GetFileNameWithoutExtension(upload.OriginalName);
        alt = MarkdownSpecial().Replace(alt, " ").Trim();
        return $"![{(alt.Length == 0 ? "image" : alt)}]({upload.Url})";
    }

    private static Change<Upload> Invalid(string message) => Change<Upload>.Invalid(new() { ["File"] = [message] });

    private static string Megabytes(long bytes) => (bytes / (1024d * 1024d)).ToString("0.#", CultureInfo.CurrentCulture);

    private static string SafeName(string? name)
    {
        var bare = System.IO.Path.GetFileName(name ?? "");
        return bare.Length > 200 ? bare[..200] : bare;
    }

    [GeneratedRegex(@"^\d{4}/\d{2}/[0-9a-f]{64}\.(png|jpg|gif|webp)$")]
    private static partial Regex StoredPath();

    [GeneratedRegex(@"[\[\]\(\)!*_`<>\\]")]
    private static partial Regex MarkdownSpecial();
}
