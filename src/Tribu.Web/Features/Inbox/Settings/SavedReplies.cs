using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>
/// Creates, edits and deletes saved replies. A body with an unknown variable, an unclosed <c>{</c> or a stray <c>}</c>
/// is refused here, when it is saved, with the variable and where it is, so a reply never fails when it is chosen.
/// </summary>
public sealed class SavedReplies(TribuDbContext db, SavedReplyRenderer renderer, IStringLocalizer<UiStrings> l, TimeProvider clock)
{
    public const int TagsMaxLength = 300;

    /// <summary>The saved replies whose name contains <paramref name="search"/> (accents and case ignored), by name.</summary>
    public async Task<List<SavedReply>> ListAsync(string? search, CancellationToken ct = default)
    {
        // A few dozen rows: filtered here, where accents fold the same way on every database.
        var all = await db.SavedReplies.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        if (string.IsNullOrWhiteSpace(search)) return all;
        var folded = TextFold.Fold(search.Trim());
        return [.. all.Where(r => TextFold.Fold(r.Name).Contains(folded, StringComparison.Ordinal))];
    }

    public async Task<Change<SavedReply>> CreateAsync(ClaimsPrincipal user, SavedReplyRequest request, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(null, request, ct);
        if (errors.Count > 0) return Change<SavedReply>.Invalid(errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var reply = new SavedReply { CreatedAt = now };
        Apply(reply, request, user, now);
        db.SavedReplies.Add(reply);
        return await SaveAsync(reply, ct);
    }

    public async Task<Change<SavedReply>> UpdateAsync(ClaimsPrincipal user, int id, SavedReplyRequest request, CancellationToken ct = default)
    {
        var reply = await db.SavedReplies.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (reply is null) return Change<SavedReply>.NotFound();
        var errors = await ValidateAsync(id, request, ct);
        if (errors.Count > 0) return Change<SavedReply>.Invalid(errors);
        Apply(reply, request, user, clock.GetUtcNow().UtcDateTime);
        return await SaveAsync(reply, ct);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default) =>
        await db.SavedReplies.Where(r => r.Id == id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>The request's problems, keyed by field, in the current culture's language.</summary>
    public async Task<Dictionary<string, string[]>> ValidateAsync(int? id, SavedReplyRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors[nameof(SavedReplyRequest.Name)] = [l["Inbox.Replies.NameRequired"]];
        else if (name.Length > SavedReply.NameMaxLength) errors[nameof(SavedReplyRequest.Name)] = [l["Inbox.Replies.NameTooLong", SavedReply.NameMaxLength]];
        else if (await NameTakenAsync(id, name, ct)) errors[nameof(SavedReplyRequest.Name)] = [l["Inbox.Replies.NameTaken"]];

        if (string.IsNullOrWhiteSpace(request.BodyEn) && string.IsNullOrWhiteSpace(request.BodyFr))
        {
            errors[nameof(SavedReplyRequest.BodyEn)] = errors[nameof(SavedReplyRequest.BodyFr)] = [l["Inbox.Replies.BodyRequired"]];
        }
        Body(errors, nameof(SavedReplyRequest.BodyEn), request.BodyEn);
        Body(errors, nameof(SavedReplyRequest.BodyFr), request.BodyFr);

        var tags = InboxTags.Join(request.Tags ?? []);
        if (tags is { Length: > TagsMaxLength }) errors[nameof(SavedReplyRequest.Tags)] = [l["Inbox.Replies.TagsTooLong", TagsMaxLength]];
        return errors;
    }

    private void Body(Dictionary<string, string[]> errors, string field, string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return;
        if (body.Length > SavedReply.BodyMaxLength)
        {
            errors[field] = [l["Inbox.Replies.BodyTooLong", SavedReply.BodyMaxLength]];
            return;
        }
        var problems = ReplyTemplate.Validate(body);
        if (problems.Count > 0) errors[field] = [.. problems.Select(p => Message(p))];
    }

    /// <summary>A template fault as a sentence in the current language: the variable, and the character it starts at (counted from 1).</summary>
    public string Message(ReplyTemplate.Problem problem) => l[problem.Key, problem.Token, problem.Position + 1];

    public TemplateProblemView View(ReplyTemplate.Problem problem) => new(problem.Token, problem.Position, Message(problem));

    /// <summary>The bodies filled with example values (the agent is the person typing), and their faults.</summary>
    public async Task<SavedReplyPreview> PreviewAsync(SavedReplyPreviewRequest request, Guid? agentId, CancellationToken ct = default)
    {
        async Task<TemplatePreview?> One(string? body, string language)
        {
            if (string.IsNullOrWhiteSpace(body)) return null;
            var text = body.Length > SavedReply.BodyMaxLength ? body[..SavedReply.BodyMaxLength] : body;
            var values = await renderer.SampleValuesAsync(language, agentId, ct);
            return new TemplatePreview(ReplyTemplate.Render(text, values), [.. ReplyTemplate.Validate(text).Select(View)]);
        }
        return new SavedReplyPreview(await One(request.BodyEn, "en"), await One(request.BodyFr, "fr"));
    }

    /// <summary>"en", "fr", or both, in that order: the languages a reply is written in.</summary>
    public static IReadOnlyList<string> LanguagesOf(SavedReply reply) =>
        [.. new[] { ("en", reply.BodyEn), ("fr", reply.BodyFr) }.Where(b => !string.IsNullOrWhiteSpace(b.Item2)).Select(b => b.Item1)];

    private async Task<bool> NameTakenAsync(int? id, string name, CancellationToken ct)
    {
        var others = await db.SavedReplies.AsNoTracking().Where(r => r.Id != (id ?? 0)).Select(r => r.Name).ToListAsync(ct);
        return others.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }

    private static void Apply(SavedReply reply, SavedReplyRequest request, ClaimsPrincipal user, DateTime now)
    {
        reply.Name = request.Name!.Trim();
        reply.BodyEn = string.IsNullOrWhiteSpace(request.BodyEn) ? null : request.BodyEn.Trim();
        reply.BodyFr = string.IsNullOrWhiteSpace(request.BodyFr) ? null : request.BodyFr.Trim();
        reply.Tags = InboxTags.Join(request.Tags ?? []);
        reply.UpdatedAt = now;
        reply.UpdatedById = TopicPermissions.MemberId(user);
    }

    private async Task<Change<SavedReply>> SaveAsync(SavedReply reply, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same name saved a moment ago by someone else (the unique index).
            db.Entry(reply).State = EntityState.Detached;
            return Change<SavedReply>.Invalid(new() { [nameof(SavedReplyRequest.Name)] = [l["Inbox.Replies.NameTaken"]] });
        }
        return Change<SavedReply>.Ok(reply);
    }

    /// <summary>Tags typed in one field, separated by commas.</summary>
    public static IReadOnlyList<string> SplitTags(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
