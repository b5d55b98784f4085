using ScimServer.Protocol.Errors;

namespace ScimServer.Persistence;

/// <summary>Why the unit of work itself gave up on a write (the work's own refusals are <see cref="WriteOutcome{T}.Refusal"/>).</summary>
public enum WriteConflict
{
    /// <summary>The row changed after it was read, and the request named the version it expected (If-Match).</summary>
    PreconditionFailed,

    /// <summary>A unique constraint refused the write (<see cref="WriteOutcome{T}.Constraint"/> names it).</summary>
    Unique,

    /// <summary>Concurrent writers kept winning the row, past every retry.</summary>
    LostRace,
}

/// <summary>
/// What became of one unit of work, in no protocol's terms: committed with its value, refused by the work (rolled
/// back), or given up on by the unit. Each edge (SCIM, operator API) words the conflicts itself.
/// </summary>
public sealed class WriteOutcome<T>
{
    private WriteOutcome(T? value, ScimError? refusal, WriteConflict? conflict, string? constraint) =>
        (Value, Refusal, Conflict, Constraint) = (value, refusal, conflict, constraint);

    public T? Value { get; }
    public ScimError? Refusal { get; }
    public WriteConflict? Conflict { get; }
    public string? Constraint { get; }
    public bool IsCommitted => Refusal is null && Conflict is null;

    public static WriteOutcome<T> Committed(T value) => new(value, null, null, null);
    public static WriteOutcome<T> Refused(ScimError refusal) => new(default, refusal, null, null);
    public static WriteOutcome<T> Failed(WriteConflict conflict, string? constraint = null) => new(default, null, conflict, constraint);
}
