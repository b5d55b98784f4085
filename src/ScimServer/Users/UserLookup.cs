using ScimServer.Protocol.Errors;

namespace ScimServer.Users;

/// <summary>
/// The one way code outside the SCIM reads finds users: live means not deprovisioned (a deleted user's record stays,
/// out of every read), active means live and allowed in.
/// </summary>
internal static class UserLookup
{
    public static IQueryable<User> Live(this IQueryable<User> users) => users.Where(u => u.DeletedAt == null);

    public static IQueryable<User> Live(this IQueryable<User> users, Guid accountId) => users.Live().Where(u => u.AccountId == accountId);

    public static IQueryable<User> Live(this IQueryable<User> users, Guid accountId, Guid userId) => users.Live(accountId).Where(u => u.Id == userId);

    public static IQueryable<User> Active(this IQueryable<User> users, Guid accountId) => users.Live(accountId).Where(u => u.Active);

    public static ScimError NotFound(Guid userId) => ScimError.NotFound($"User '{userId}' does not exist in this account.");
}
