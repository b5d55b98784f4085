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
/// once as long as nothing changes in between.
/// </summary>
/// <param name="columns">The page statement's select list.</param>
/// <param name="read">Runs the page statement; EF's mapping of <typeparamref name="T"/> when not given.</param>
/// <param name="outer">
/// Extra select-list items computed for the page's rows only, in an outer statement around the paged one (as <c>r</c>):
/// in the paged statement itself PostgreSQL would compute them for every row OFFSET skips.
/// </param>
public sealed class ResourceQuery<T>(
    ScimDbContext db, string table, IResourceSqlMap map, string? scope, string columns = "r.*, r.xmin",
    ResourceQuery<T>.PageReader? read = null, string? outer = null)
    where T : class
{
    public delegate Task<List<T>> PageReader(string sql, Npgsql.NpgsqlParameter[] parameters, CancellationToken ct);

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
        if (outer is not null)
        {
            // The inner select list holds every column the sort expressions name, so they sort the outer rows alike.
            pageSql = $"SELECT r.*, {outer} FROM ({pageSql}) r ORDER BY {order}";
        }
        var items = read is not null
            ? await read(pageSql, pageParameters.ToArray(), ct)
            : await db.Set<T>().FromSqlRaw(pageSql, pageParameters.ToArray()).AsNoTracking().ToListAsync(ct);
        // A page that is not full and not empty ends the matches, so it tells totalResults exactly; only a full page
        // or an empty one past the first (the IdP's userName eq lookups are neither) needs the count statement.
        var total = items.Count > 0 && items.Count < parameters.Count
            ? parameters.StartIndex - 1 + items.Count
            : items.Count == 0 && parameters.StartIndex == 1 ? 0 : await CountAsync(count, ct);
        return Result<ListPage<T>>.Ok(new ListPage<T>(total, items));
    }

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
