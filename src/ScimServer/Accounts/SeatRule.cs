namespace ScimServer.Accounts;

/// <summary>
/// Who takes a seat: an active, live (not deprovisioned) user with a product who is not a Viewer. Written once for
/// C# (<see cref="TakesSeat"/>, <see cref="Change"/>) and once for SQL (<see cref="Predicate"/>: recounts, and the
/// predicate of the partial index ix_users_seats, which a test holds to it).
/// </summary>
public static class SeatRule
{
    /// <summary>The rule over a <c>users</c> row with a product, in SQL.</summary>
    public const string Predicate = "active AND deleted_at IS NULL AND role <> 'Viewer'";

    public static bool TakesSeat(UserState state) =>
        state.Active && !state.Deleted && state.ProductId is not null && state.Role != UserRole.Viewer;

    /// <summary>
    /// What a write does to seats: the product whose seat it newly takes, and the product whose seat it gives back
    /// (both when it moves the user to another product; neither when the seat it holds stays the same).
    /// </summary>
    public static (Guid? Take, Guid? Free) Change(UserState? before, UserState after)
    {
        var held = before is not null && TakesSeat(before) ? before.ProductId : null;
        var holds = TakesSeat(after) ? after.ProductId : null;
        return held == holds ? (null, null) : (holds, held);
    }
}
