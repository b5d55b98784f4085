using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Scim;

namespace ScimServer.OperatorApi;

/// <summary>Operator operations in a unit of work: no If-Match, and a conflict worded as the SCIM edge words it.</summary>
public static class OperatorWrites
{
    /// <param name="status">The status the endpoint answers a success with (201 for a create), for the audit entry.</param>
    public static async Task<Result<T>> RunAsync<T>(
        this WriteUnit unit, Func<CancellationToken, Task<Result<T>>> work, CancellationToken ct, int status = StatusCodes.Status200OK) =>
        (await unit.RunAsync(false, work, _ => status, ct)).AsResult();
}
