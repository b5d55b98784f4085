using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// Records the SQL a server runs through EF, with its parameters (registered as an interceptor of a server of the
/// test's own, so no other test's statements mix in). <see cref="RowsReadAsync"/> runs a statement again under
/// EXPLAIN ANALYZE, rolled back, to count the rows PostgreSQL read from a table to answer it.
/// </summary>
public sealed class RequestStatements : DbCommandInterceptor
{
    private readonly List<Statement> _statements = [];

    public sealed record Statement(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>The statements recorded so far, and a fresh start for the next request.</summary>
    public IReadOnlyList<Statement> Take()
    {
        lock (_statements)
        {
            var taken = _statements.ToList();
            _statements.Clear();
            return taken;
        }
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
    }

    /// <summary>The rows PostgreSQL's plan read from <paramref name="table"/> to run the statement (the change rolled back).</summary>
    public static async Task<long> RowsReadAsync(string connectionString, Statement statement, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + statement.Sql, connection, transaction);
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }
        var plan = (string)(await command.ExecuteScalarAsync())!;
        await transaction.RollbackAsync();
        using var document = JsonDocument.Parse(plan);
        return Rows(document.RootElement[0].GetProperty("Plan"), table);
    }

    private void Record(DbCommand command)
    {
        var parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
        lock (_statements)
        {
            _statements.Add(new Statement(command.CommandText, parameters));
        }
    }

    /// <summary>Rows read by the plan's scans of the table (the insert or delete node itself is not a read).</summary>
    private static long Rows(JsonElement node, string table)
    {
        var rows = node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == table && node.GetProperty("Node Type").GetString() != "ModifyTable"
            ? (long)(node.GetProperty("Actual Rows").GetDouble() * node.GetProperty("Actual Loops").GetDouble())
            : 0;
        if (node.TryGetProperty("Plans", out var children))
        {
            rows += children.EnumerateArray().Sum(child => Rows(child, table));
        }
        return rows;
    }
}
