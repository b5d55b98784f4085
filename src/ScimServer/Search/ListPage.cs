namespace ScimServer.Search;

/// <summary>One page of a list: the total that matched and the rows of this page.</summary>
public sealed record ListPage<T>(long Total, IReadOnlyList<T> Items);
