using ScimServer.Protocol.Errors;

namespace ScimServer.Users;

/// <summary>The one way the operator API and the credit book find a user: by id, in an account, not deprovisioned.</summary>
internal static class UserLookup
{
    public static IQueryable<User> Live(this IQueryable<User> users, Guid accountId, Guid userId) =>
        users.Where(u => u.Id == userId && u.AccountId == accountId && u.DeletedAt == null);

    public static ScimError NotFound(Guid userId) => ScimError.NotFound($"User '{userId}' does not exist in this account.");
}
