namespace Tribu.Web.Features.Members;

/// <summary>The four roles. A member without a staff role is simply a member.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string CommunityManager = "community-manager";
    public const string Moderator = "moderator";
    public const string Member = "member";

    public static readonly string[] All = [Admin, CommunityManager, Moderator, Member];
    public static readonly string[] Staff = [Admin, CommunityManager, Moderator];
}

/// <summary>Authorization policy names, decided in one place.</summary>
public static class Policies
{
    /// <summary>Any staff role: opens the console.</summary>
    public const string Staff = "staff";
    /// <summary>Admins only: settings, jobs, outbox, roles.</summary>
    public const string Admin = "admin";
    /// <summary>Admins and community managers.</summary>
    public const string Manager = "manager";
}
