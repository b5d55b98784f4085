namespace ScimServer.Protocol.Bulk;

/// <summary>
/// The order a bulk request's operations run in: request order, except that an operation referring to a bulkId runs
/// after the POST that creates it, even when that POST comes later (a forward reference). Operations on a cycle of
/// references (A's data names B, B's names A) cannot be ordered: they are <see cref="Circular"/> and answered 409,
/// which RFC 7644 §3.7.1 allows once resolving fails; whatever refers to them fails with them.
/// </summary>
public sealed record BulkPlan(IReadOnlyList<int> Order, IReadOnlySet<int> Circular)
{
    public static BulkPlan Of(IReadOnlyList<BulkOperation> operations)
    {
        var creators = operations.Where(o => o.Method == BulkOperation.Post && o.Invalid is null && o.BulkId is not null)
            .ToDictionary(o => o.BulkId!, o => o.Index, StringComparer.Ordinal);
        var references = operations.Select(o => o.Invalid is null ? BulkReferences.Of(o) : []).ToList();
        var state = new int[operations.Count]; // 0 unvisited, 1 on the path being visited, 2 placed
        var order = new List<int>(operations.Count);
        var circular = new HashSet<int>();
        var path = new List<int>();

        void Visit(int index)
        {
            state[index] = 1;
            path.Add(index);
            foreach (var bulkId in references[index])
            {
                if (!creators.TryGetValue(bulkId, out var creator))
                {
                    continue; // an unknown bulkId is the operation's own error, found when it runs
                }
                if (state[creator] == 1)
                {
                    // Everything on the path from the creator to here refers, in turn, to the next: a cycle.
                    circular.UnionWith(path.Skip(path.IndexOf(creator)));
                }
                else if (state[creator] == 0)
                {
                    Visit(creator);
                }
            }
            path.RemoveAt(path.Count - 1);
            state[index] = 2;
            order.Add(index);
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (state[i] == 0)
            {
                Visit(i);
            }
        }
        return new BulkPlan(order, circular);
    }
}
