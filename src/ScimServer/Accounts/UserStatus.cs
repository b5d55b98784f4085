using ScimServer.Users;

namespace ScimServer.Accounts;

/// <summary>Where a user is in its lifecycle. Derived from the record, never stored, so it cannot disagree with it.</summary>
public enum UserStatus
{
    /// <summary>Provisioned, holding a seat, not signed in yet.</summary>
    Invited,
    Active,

    /// <summary><c>active: false</c>: no seat, record and history kept.</summary>
    Deactivated,

    /// <summary>Deleted through SCIM: out of every SCIM read, record kept for audit and a later restore.</summary>
    Deprovisioned,
}

public static class UserLifecycle
{
    /// <summary>A pending invitation lapses after this long; an operator can resend it.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(30);

    public static UserStatus Status(User user) =>
        user.DeletedAt is not null ? UserStatus.Deprovisioned
        : !user.Active ? UserStatus.Deactivated
        : user.LastLogin is null ? UserStatus.Invited
        : UserStatus.Active;

    /// <summary>The status as SCIM and messages spell it: "invited", "active", "deactivated", "deprovisioned".</summary>
    public static string StatusName(User user) => Status(user).ToString().ToLowerInvariant();

    public static DateTimeOffset? InvitationExpires(User user) =>
        Status(user) == UserStatus.Invited && user.InvitedAt is { } sent ? sent + InvitationLifetime : null;

    public static bool InvitationExpired(User user, DateTimeOffset now) => InvitationExpires(user) is { } expires && expires <= now;
}
