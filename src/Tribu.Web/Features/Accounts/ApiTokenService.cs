using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Accounts;

/// <summary>A token as its owner sees it: never the secret, which is shown once at creation.</summary>
public sealed record ApiTokenResponse(long Id, string Name, string Hint, string[] Scopes, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, bool Active)
{
    public static ApiTokenResponse FromEntity(ApiToken t, DateTime now) =>
        new(t.Id, t.Name, t.Hint, t.Scopes.Split(','), t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.IsActive(now));
}

/// <summary>A new token: its name, whether it may change things, and how many days it lives (empty: until revoked).</summary>
public sealed record NewApiTokenRequest(string? Name, bool Write, int? ExpiresInDays);

/// <summary>The token just created, with its secret: the only time it is shown.</summary>
public sealed record CreatedApiTokenResponse(ApiTokenResponse Token, string Secret);

public sealed class ApiTokenService(TribuDbContext db, TimeProvider clock, IStringLocalizer<AccountStrings> l)
{
    public const int MaxActiveTokens = 20;

    public async Task<(CreatedApiTokenResponse? Created, Dictionary<string, string[]> Errors)> CreateAsync(Guid memberId, NewApiTokenRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 80) errors["Name"] = [l["Tokens.NameInvalid"]];
        if (request.ExpiresInDays is < 1 or > 3650) errors["ExpiresInDays"] = [l["Tokens.ExpiryInvalid"]];
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.ApiTokens.CountAsync(t => t.MemberId == memberId && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now), ct) >= MaxActiveTokens)
        {
            errors[""] = [l["Tokens.TooMany", MaxActiveTokens]];
        }
        if (errors.Count > 0) return (null, errors);

        var secret = ApiToken.NewSecret();
        var token = new ApiToken
        {
            MemberId = memberId,
            Name = name,
            Hint = secret[..10],
            Hash = ApiToken.HashOf(secret),
            Scopes = request.Write ? $"{ApiToken.ReadScope},{ApiToken.WriteScope}" : ApiToken.ReadScope,
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return (new CreatedApiTokenResponse(ApiTokenResponse.FromEntity(token, now), secret), errors);
    }

    public async Task<List<ApiTokenResponse>> ListAsync(Guid memberId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.MemberId == memberId).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return [.. tokens.Select(t => ApiTokenResponse.FromEntity(t, now))];
    }

    public async Task<bool> RevokeAsync(Guid memberId, long id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ApiTokens.Where(t => t.Id == id && t.MemberId == memberId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct) == 1;
    }
}
