namespace ScimServer.Search;

/// <summary>
/// One page of a list: the total that matched (null on a cursor page past the first, RFC 9865 §2.1), the rows of
/// this page, and for a cursor page that is not the last, the cursor of the next.
/// </summary>
public sealed record ListPage<T>(long? Total, IReadOnlyList<T> Items, string? NextCursor = null);
