using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;

namespace ScimServer.Protocol.Messages;

/// <summary>
/// Query parameters of a list or .search request (RFC 7644 §3.4.2 and §3.4.3), from the query string or a
/// SearchRequest body. <see cref="StartIndex"/> below 1 means 1 and a negative <see cref="Count"/> means 0,
/// as RFC 7644 §3.4.2.4 directs; a count above the server's maximum is lowered to it. <see cref="Cursor"/> is null
/// for index paging, empty for the first page of a cursor walk (RFC 9865), where count must be 1 to the maximum.
/// </summary>
public sealed record SearchParameters(
    string? Filter,
    string? SortBy,
    SortOrder SortOrder,
    int StartIndex,
    int Count,
    string? Attributes,
    string? ExcludedAttributes,
    string? Cursor = null)
{
    public static Result<SearchParameters> FromQuery(Func<string, string?> query, int defaultCount, int maxCount) =>
        Build(query("filter"), query("sortBy"), query("sortOrder"), query("startIndex"), query("count"),
            query("attributes"), query("excludedAttributes"), query("cursor"), defaultCount, maxCount);

    public static Result<SearchParameters> FromBody(JsonNode? body, int defaultCount, int maxCount)
    {
        if (body is not JsonObject obj)
        {
            return ScimError.InvalidSyntax("A search body must be a JSON object (a SearchRequest, RFC 7644 §3.4.3).");
        }
        string? Text(string name)
        {
            var node = obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            return node switch
            {
                null => null,
                JsonArray array => string.Join(',', array.Select(a => a?.ToString())),
                _ when node.GetValueKind() == JsonValueKind.String => node.GetValue<string>(),
                _ => node.ToJsonString(),
            };
        }
        return Build(Text("filter"), Text("sortBy"), Text("sortOrder"), Text("startIndex"), Text("count"),
            Text("attributes"), Text("excludedAttributes"), Text("cursor"), defaultCount, maxCount);
    }

    private static Result<SearchParameters> Build(
        string? filter, string? sortBy, string? sortOrder, string? startIndex, string? count,
        string? attributes, string? excludedAttributes, string? cursor, int defaultCount, int maxCount)
    {
        var order = SortOrder.Ascending;
        if (!string.IsNullOrEmpty(sortOrder))
        {
            if (sortOrder.Equals("descending", StringComparison.OrdinalIgnoreCase))
            {
                order = SortOrder.Descending;
            }
            else if (!sortOrder.Equals("ascending", StringComparison.OrdinalIgnoreCase))
            {
                return ScimError.InvalidValue($"sortOrder is \"{sortOrder}\"; use \"ascending\" or \"descending\".");
            }
        }
        var start = 1;
        if (!string.IsNullOrEmpty(startIndex) && !int.TryParse(startIndex, NumberStyles.Integer, CultureInfo.InvariantCulture, out start))
        {
            return ScimError.InvalidValue($"startIndex is \"{startIndex}\"; it must be a whole number (1 is the first result).");
        }
        var size = defaultCount;
        if (!string.IsNullOrEmpty(count) && !int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out size))
        {
            return ScimError.InvalidValue($"count is \"{count}\"; it must be a whole number.");
        }
        if (!string.IsNullOrEmpty(attributes) && !string.IsNullOrEmpty(excludedAttributes))
        {
            return ScimError.InvalidValue("Send either attributes or excludedAttributes, not both.");
        }
        if (cursor is not null)
        {
            if (!string.IsNullOrEmpty(startIndex))
            {
                return ScimError.InvalidValue("Send startIndex (index paging) or cursor (cursor paging, RFC 9865), not both.");
            }
            if (size < 1 || size > maxCount)
            {
                return ScimError.BadRequest(ScimType.InvalidCount, $"count is {size}; with a cursor it must be 1 to {maxCount} (maxPageSize).");
            }
        }
        return Result<SearchParameters>.Ok(new SearchParameters(
            string.IsNullOrWhiteSpace(filter) ? null : filter,
            string.IsNullOrWhiteSpace(sortBy) ? null : sortBy,
            order,
            Math.Max(start, 1),
            Math.Clamp(size, 0, maxCount),
            attributes,
            excludedAttributes,
            cursor));
    }
}
