using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ScimServer.Persistence;

/// <summary>
/// A statement read through Npgsql on the context's own connection (the request's, already open for SCIM requests)
/// and in its transaction, for the few hot reads mapped by hand instead of by EF.
/// </summary>
public static class RawRead
{
    public static async Task<T> RunAsync<T>(ScimDbContext db, string sql, NpgsqlParameter[] parameters, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            await using var command = new NpgsqlCommand(sql, connection) { Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction() };
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await read(reader, ct);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
