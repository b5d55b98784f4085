namespace ScimServer.Accounts;

/// <summary>
/// Who takes a seat: an active, live (not deprovisioned) user with a product who is not a Viewer. The same rule
/// is written in SQL in <see cref="SeatAudit"/> (recounts) and in the partial index ix_users_seats.
/// </summary>
public static class SeatRule
{
    public static bool TakesSeat(UserState state) =>
        state.Active && !state.Deleted && state.ProductId is not null && state.Role != UserRole.Viewer;
}
