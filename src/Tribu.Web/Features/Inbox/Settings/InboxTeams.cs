using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>
/// Teams of the inbox: named groups of admins and community managers that rules hand items to, round-robin. Nobody
/// else can be a member (the inbox is theirs); a team a rule assigns to cannot be deleted until the rule changes.
/// </summary>
public sealed class InboxTeams(TribuDbContext db, IStringLocalizer<UiStrings> l)
{
    public async Task<List<TeamResponse>> ListAsync(CancellationToken ct = default)
    {
        var teams = await db.InboxTeams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        var members = await MembersOfAsync(null, ct);
        return [.. teams.Select(t => new TeamResponse(t.Id, t.Name, members.TryGetValue(t.Id, out var m) ? m : []))];
    }

    public async Task<TeamResponse?> GetAsync(int id, CancellationToken ct = default)
    {
        var team = await db.InboxTeams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null) return null;
        var members = await MembersOfAsync(id, ct);
        return new TeamResponse(team.Id, team.Name, members.TryGetValue(id, out var m) ? m : []);
    }

    public async Task<Change<TeamResponse>> CreateAsync(TeamRequest request, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(null, request, ct);
        if (errors.Count > 0) return Change<TeamResponse>.Invalid(errors);
        var team = db.InboxTeams.Add(new InboxTeam { Name = request.Name!.Trim() }).Entity;
        if (!await TrySaveAsync(ct)) return Change<TeamResponse>.Invalid(NameTaken());
        return Change<TeamResponse>.Ok(new TeamResponse(team.Id, team.Name, []));
    }

    public async Task<Change<TeamResponse>> RenameAsync(int id, TeamRequest request, CancellationToken ct = default)
    {
        var team = await db.InboxTeams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null) return Change<TeamResponse>.NotFound();
        var errors = await ValidateAsync(id, request, ct);
        if (errors.Count > 0) return Change<TeamResponse>.Invalid(errors);
        team.Name = request.Name!.Trim();
        if (!await TrySaveAsync(ct)) return Change<TeamResponse>.Invalid(NameTaken());
        return Change<TeamResponse>.Ok((await GetAsync(id, ct))!);
    }

    /// <summary>Deletes a team (its items keep their assignee and lose the team); refused while a rule assigns to it.</summary>
    public async Task<Change<bool>> DeleteAsync(int id, CancellationToken ct = default)
    {
        var team = await db.InboxTeams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null) return Change<bool>.NotFound();
        var rules = await db.InboxRules.AsNoTracking().Where(r => r.AssignToTeamId == id).OrderBy(r => r.Position).Select(r => r.Name).ToListAsync(ct);
        if (rules.Count > 0) return Change<bool>.Invalid(new() { [""] = [l["Inbox.Teams.UsedByRules", string.Join(", ", rules)]] });
        db.InboxTeams.Remove(team);
        await db.SaveChangesAsync(ct);
        return Change<bool>.Ok(true);
    }

    /// <summary>Adds a member by handle: only admins and community managers can be in a team.</summary>
    public async Task<Change<TeamResponse>> AddMemberAsync(int id, TeamMemberRequest request, CancellationToken ct = default)
    {
        if (!await db.InboxTeams.AnyAsync(t => t.Id == id, ct)) return Change<TeamResponse>.NotFound();
        var found = await InboxStaff.FindAsync(db, request.Member, ct);
        if (found is null) return Change<TeamResponse>.Invalid(new() { [nameof(TeamMemberRequest.Member)] = [l["Inbox.Teams.MemberUnknown"]] });
        var (person, isManager) = found.Value;
        if (!isManager)
        {
            return Change<TeamResponse>.Invalid(new() { [nameof(TeamMemberRequest.Member)] = [l["Inbox.Teams.NotStaff", person.DisplayName, "@" + person.Handle]] });
        }
        if (!await db.InboxTeamMembers.AnyAsync(m => m.TeamId == id && m.MemberId == person.Id, ct))
        {
            db.InboxTeamMembers.Add(new InboxTeamMember { TeamId = id, MemberId = person.Id });
            // Added twice at once: the second finds the first's row (the key), nothing more to do.
            await TrySaveAsync(ct);
        }
        return Change<TeamResponse>.Ok((await GetAsync(id, ct))!);
    }

    public async Task<Change<TeamResponse>> RemoveMemberAsync(int id, Guid memberId, CancellationToken ct = default)
    {
        if (!await db.InboxTeams.AnyAsync(t => t.Id == id, ct)) return Change<TeamResponse>.NotFound();
        if (await db.InboxTeamMembers.Where(m => m.TeamId == id && m.MemberId == memberId).ExecuteDeleteAsync(ct) == 0) return Change<TeamResponse>.NotFound();
        return Change<TeamResponse>.Ok((await GetAsync(id, ct))!);
    }

    public async Task<Dictionary<string, string[]>> ValidateAsync(int? id, TeamRequest request, CancellationToken ct = default)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return new() { [nameof(TeamRequest.Name)] = [l["Inbox.Teams.NameRequired"]] };
        if (name.Length > InboxTeam.NameMaxLength) return new() { [nameof(TeamRequest.Name)] = [l["Inbox.Teams.NameTooLong", InboxTeam.NameMaxLength]] };
        var others = await db.InboxTeams.AsNoTracking().Where(t => t.Id != (id ?? 0)).Select(t => t.Name).ToListAsync(ct);
        return others.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) ? NameTaken() : new();
    }

    private Dictionary<string, string[]> NameTaken() => new() { [nameof(TeamRequest.Name)] = [l["Inbox.Teams.NameTaken"]] };

    private async Task<Dictionary<int, List<TeamMemberResponse>>> MembersOfAsync(int? teamId, CancellationToken ct)
    {
        var rows = await db.InboxTeamMembers.AsNoTracking().Where(m => teamId == null || m.TeamId == teamId)
            .Select(m => new { m.TeamId, m.MemberId, m.Member!.Handle, m.Member.DisplayName }).ToListAsync(ct);
        return rows.GroupBy(r => r.TeamId).ToDictionary(g => g.Key,
            g => g.OrderBy(r => r.DisplayName, StringComparer.CurrentCulture).Select(r => new TeamMemberResponse(r.MemberId, r.Handle, r.DisplayName)).ToList());
    }

    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
