using System.Security.Claims;
using System.Text.Json;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// Writes the audit log. <see cref="Record"/> adds the entry to the caller's unit of work, so the action and its entry are
/// saved together or not at all.
/// </summary>
public sealed class AuditLog(TribuDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <param name="actor">Who acted; null for Tribu's own automatic actions.</param>
    /// <param name="action">One of <see cref="AuditActions"/>.</param>
    /// <param name="targetType">What kind of thing was acted on.</param>
    /// <param name="targetId">Its id.</param>
    /// <param name="before">Its state before, serialised as JSON (leave out what did not change).</param>
    /// <param name="after">Its state after.</param>
    /// <param name="reason">Why, when the actor said.</param>
    public AuditEntry Record(ClaimsPrincipal? actor, string action, string targetType, object targetId, object? before = null, object? after = null, string? reason = null)
    {
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            ActorId = actor is null ? null : TopicPermissions.MemberId(actor),
            Action = action,
            TargetType = targetType,
            TargetId = Convert.ToString(targetId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
        };
        db.Add(entry);
        return entry;
    }
}
