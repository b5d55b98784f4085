using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Messages;

namespace ScimServer.Search;

/// <summary>
/// Answers a list or search with one page statement, plus a count only when the page cannot tell the total, all filtered, sorted and paged by
/// PostgreSQL. Pages are ordered by the sort key and then by id, so walking every page returns each resource
/// once as long as nothing changes in between. A cursor walk (RFC 9865) is keyset paging instead: each page starts
/// after the last row of the one before (no OFFSET), so it costs the same at the end as at the start and neither misses
/// nor repeats a row while others are inserted or deleted.
/// </summary>
/// <param name="idOf">A row's id (the tiebreaker of every order, and where a cursor resumes).</param>
/// <param name="columns">The page statement's select list.</param>
/// <param name="read">Runs the page statement; EF's mapping of <typeparamref name="T"/> when not given.</param>
/// <param name="outer">
/// Extra select-list items computed for the page's rows only, in an outer statement around the paged one (as <c>r</c>):
/// in the paged statement itself PostgreSQL would compute them for every row OFFSET skips.
/// </param>
public sealed class ResourceQuery<T>(
    ScimDbContext db, CursorCodec cursors, string table, IResourceSqlMap map, string? scope, Func<T, Guid> idOf, string columns = "r.*, r.xmin",
    ResourceQuery<T>.PageReader? read = null, string? outer = null)
    where T : class
{
    public delegate Task<List<T>> PageReader(string sql, Npgsql.NpgsqlParameter[] parameters, CancellationToken ct);

    /// <summary>PostgreSQL's name of each sort key kind, to read a cursor's key back as what it was.</summary>
    private static string PgType(SqlKind kind) => kind switch
    {
        SqlKind.Uuid => "uuid",
        SqlKind.Boolean => "boolean",
        SqlKind.Numeric => "numeric",
        SqlKind.Timestamp => "timestamptz",
        _ => "text",
    };

    public async Task<Result<ListPage<T>>> RunAsync(Guid accountId, SearchParameters parameters, CancellationToken ct)
    {
        FilterNode? filter = null;
        if (parameters.Filter is not null)
        {
            var parsed = FilterParser.Parse(parameters.Filter);
            if (!parsed.IsSuccess)
            {
                return parsed.Error;
            }
            filter = parsed.Value;
        }
        // The filter is translated once: the count, when one is needed, reuses the page's WHERE and its parameters.
        var pageParameters = new SqlParameters();
        var pageWhere = Where(accountId, filter, pageParameters);
        if (!pageWhere.IsSuccess)
        {
            return pageWhere.Error;
        }
        var count = new Count(pageWhere.Value, pageParameters.ToArray());
        if (parameters.Cursor is not null)
        {
            return await CursorPageAsync(accountId, parameters, pageWhere.Value, pageParameters, count, ct);
        }
        var order = "r.id";
        if (parameters.SortBy is not null)
        {
            var sort = new SqlFilterTranslator(map, pageParameters).OrderBy(parameters.SortBy, parameters.SortOrder);
            if (!sort.IsSuccess)
            {
                return sort.Error;
            }
            order = sort.Value + ", r.id";
        }
        // The page statement is built before anything runs, so a bad sortBy is refused even when nothing matches.
        if (parameters.Count == 0)
        {
            return Result<ListPage<T>>.Ok(new ListPage<T>(await CountAsync(count, ct), []));
        }
        var limit = pageParameters.Add(parameters.Count, NpgsqlDbType.Integer);
        var offset = pageParameters.Add(parameters.StartIndex - 1, NpgsqlDbType.Integer);
        var pageSql = $"SELECT {columns} FROM {table} r WHERE {pageWhere.Value} ORDER BY {order} LIMIT {limit} OFFSET {offset}";
        pageSql = Outer(pageSql, order);
        var items = await ReadAsync(pageSql, pageParameters, ct);
        // A page that is not full and not empty ends the matches, so it tells totalResults exactly; only a full page
        // or an empty one past the first (the IdP's userName eq lookups are neither) needs the count statement.
        var total = items.Count > 0 && items.Count < parameters.Count
            ? parameters.StartIndex - 1 + items.Count
            : items.Count == 0 && parameters.StartIndex == 1 ? 0 : await CountAsync(count, ct);
        return Result<ListPage<T>>.Ok(new ListPage<T>(total, items));
    }

    /// <summary>
    /// A cursor page: the rows after the cursor's position, one more than asked for to tell whether a next page exists
    /// (no count). totalResults is exact on the first page and left out after it (RFC 9865 allows that), so a walk of
    /// a million rows counts them once, not once per page.
    /// </summary>
    private async Task<Result<ListPage<T>>> CursorPageAsync(Guid accountId, SearchParameters parameters, string where, SqlParameters values, Count count, CancellationToken ct)
    {
        var query = CursorCodec.QueryOf(table, parameters.Filter, parameters.SortBy, parameters.SortOrder);
        SqlOperand? key = null;
        if (parameters.SortBy is not null)
        {
            var sort = new SqlFilterTranslator(map, values).SortKey(parameters.SortBy);
            if (!sort.IsSuccess)
            {
                return sort.Error;
            }
            key = sort.Value;
        }
        var descending = parameters.SortOrder == SortOrder.Descending;
        var order = key is null ? "r.id" : $"{key.Sql} {(descending ? "DESC" : "ASC")} NULLS LAST, r.id";
        if (parameters.Cursor!.Length > 0)
        {
            var cursor = cursors.Decode(parameters.Cursor, accountId, query);
            if (!cursor.IsSuccess)
            {
                return cursor.Error;
            }
            where += " AND " + After(key, descending, cursor.Value, values);
        }
        var limit = values.Add(parameters.Count + 1, NpgsqlDbType.Integer);
        var pageSql = Outer($"SELECT {columns} FROM {table} r WHERE {where} ORDER BY {order} LIMIT {limit}", order);
        var items = await ReadAsync(pageSql, values, ct);
        var more = items.Count > parameters.Count;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }
        long? total = parameters.Cursor.Length > 0 ? null : more ? await CountAsync(count, ct) : items.Count;
        string? next = null;
        if (more)
        {
            var last = idOf(items[^1]);
            next = cursors.Encode(accountId, query, key is null ? null : await KeyOfAsync(key, last, ct), last);
        }
        return Result<ListPage<T>>.Ok(new ListPage<T>(total, items, next));
    }

    /// <summary>
    /// The keyset condition "after the cursor's row" in the page order (key, then id; NULL keys last): rows with a
    /// greater key (a smaller one descending), or the same key and a greater id, or — past the non-NULL keys — a NULL key.
    /// </summary>
    private static string After(SqlOperand? key, bool descending, PageCursor cursor, SqlParameters values)
    {
        var id = values.Add(cursor.LastId, NpgsqlDbType.Uuid);
        if (key is null)
        {
            return $"r.id > {id}";
        }
        if (cursor.Key is null)
        {
            return $"({key.Sql} IS NULL AND r.id > {id})";
        }
        var value = $"CAST({values.Add(cursor.Key, NpgsqlDbType.Text)} AS {PgType(key.Kind)})";
        return $"({key.Sql} {(descending ? "<" : ">")} {value} OR ({key.Sql} = {value} AND r.id > {id}) OR {key.Sql} IS NULL)";
    }

    /// <summary>The sort key of the page's last row, as text, for the next cursor (one primary-key lookup).</summary>
    private async Task<string?> KeyOfAsync(SqlOperand key, Guid id, CancellationToken ct)
    {
        var sql = $"SELECT ({key.Sql})::text AS \"Value\" FROM {table} r WHERE r.id = @id";
        return await db.Database.SqlQueryRaw<string?>(sql, new Npgsql.NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id }).SingleAsync(ct);
    }

    private string Outer(string pageSql, string order) =>
        // The inner select list holds every column the sort expressions name, so they sort the outer rows alike.
        outer is null ? pageSql : $"SELECT r.*, {outer} FROM ({pageSql}) r ORDER BY {order}";

    private async Task<List<T>> ReadAsync(string sql, SqlParameters values, CancellationToken ct) =>
        read is not null
            ? await read(sql, values.ToArray(), ct)
            : await db.Set<T>().FromSqlRaw(sql, values.ToArray()).AsNoTracking().ToListAsync(ct);

    /// <summary>The matches' WHERE clause and the parameters it names (copies of the page's first ones, taken before the sort and limits).</summary>
    private sealed record Count(string Where, Npgsql.NpgsqlParameter[] Parameters);

    private async Task<long> CountAsync(Count count, CancellationToken ct)
    {
        // The SQL text holds only our own names and the translator's parameter markers; values are parameters.
        var sql = $"SELECT count(*) AS \"Value\" FROM {table} r WHERE {count.Where}";
        return await db.Database.SqlQueryRaw<long>(sql, count.Parameters).SingleAsync(ct);
    }

    private Result<string> Where(Guid accountId, FilterNode? filter, SqlParameters parameters)
    {
        var where = $"r.account_id = {parameters.Add(accountId, NpgsqlDbType.Uuid)}";
        if (scope is not null)
        {
            where += " AND " + scope;
        }
        if (filter is null)
        {
            return Result<string>.Ok(where);
        }
        var translated = new SqlFilterTranslator(map, parameters).Translate(filter);
        return translated.IsSuccess ? Result<string>.Ok(where + " AND " + translated.Value) : translated;
    }
}
