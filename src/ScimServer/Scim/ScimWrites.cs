using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Scim;

/// <summary>The words and statuses of a write the unit of work gave up on (RFC 7644 §3.14: 412; §3.12: 409).</summary>
public static class ScimWrites
{
    public static ScimError Describe(WriteConflict conflict, string? constraint) => conflict switch
    {
        WriteConflict.PreconditionFailed => new ScimError(412, null, "The resource changed since the version named in If-Match; read it again and retry."),
        WriteConflict.Unique => ScimError.Uniqueness(constraint switch
        {
            "ux_users_account_user_name" => "Another user of this account already has this userName (compared case-insensitively).",
            _ => "The value conflicts with an existing resource.",
        }),
        _ => new ScimError(409, null, "The resource was changed by several requests at once and this one kept losing the race; retry it."),
    };

    /// <summary>The outcome as a result: the value, the work's refusal, or the conflict in words.</summary>
    public static Result<T> AsResult<T>(this WriteOutcome<T> outcome) =>
        outcome.IsCommitted ? Result<T>.Ok(outcome.Value!) : outcome.Refusal ?? Describe(outcome.Conflict!.Value, outcome.Constraint);
}
