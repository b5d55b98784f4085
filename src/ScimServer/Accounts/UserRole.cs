namespace ScimServer.Accounts;

public enum UserRole
{
    Admin,
    User,
    Viewer,
}
