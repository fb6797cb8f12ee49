using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Platform.Email;

/// <summary>Console actions on the outbox.</summary>
public sealed class EmailOutboxAdmin(IDbContextFactory<TribuDbContext> dbFactory, Jobs.JobRunner jobs, TimeProvider clock)
{
    /// <summary>Gives a failed mail a fresh set of attempts.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.EmailMessages.Where(m => m.Id == id && m.Status == EmailStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, EmailStatus.Pending).SetProperty(m => m.Attempts, 0).SetProperty(m => m.NextAttemptAt, now), ct);
        if (changed == 1)
        {
            await jobs.TriggerAsync(EmailDeliveryJob.Name, ct);
        }
        return changed == 1;
    }
}
