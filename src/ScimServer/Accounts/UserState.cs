using ScimServer.Users;

namespace ScimServer.Accounts;

/// <summary>The parts of a user the account rules look at, before and after a write.</summary>
public sealed record UserState(string UserName, bool Active, bool Deleted, UserRole Role, Guid? ProductId, string? Email = null)
{
    public static UserState Of(User user) => new(user.UserName, user.Active, user.DeletedAt is not null, user.Role, user.ProductId, user.Email);

    public bool IsActiveAdmin => Active && !Deleted && Role == UserRole.Admin;
}
