namespace ScimServer.Protocol.Bulk;

/// <summary>
/// The order a bulk request's operations run in: request order, except that an operation referring to a bulkId runs
/// after the POST that creates it, even when that POST comes later (a forward reference). POSTs on a circle of
/// references (A's data names B, B's names A; RFC 7644 §3.7.1) cannot run one before the other: each such circle is
/// one of <see cref="Circles"/> (overlapping circles merged), run together at the place of its member that comes last
/// in <see cref="Order"/>, when everything any member names outside the circle has run. <see cref="References"/> holds
/// each operation's bulkId references (none for a malformed one), found once here.
/// </summary>
public sealed record BulkPlan(IReadOnlyList<int> Order, IReadOnlyList<IReadOnlyList<int>> Circles, IReadOnlyList<IReadOnlyList<string>> References)
{
    public static BulkPlan Of(IReadOnlyList<BulkOperation> operations)
    {
        var creators = operations.Where(o => o.Method == BulkOperation.Post && o.Invalid is null && o.BulkId is not null)
            .ToDictionary(o => o.BulkId!, o => o.Index, StringComparer.Ordinal);
        var references = operations.Select(o => o.Invalid is null ? BulkReferences.Of(o) : []).ToList();
        var state = new int[operations.Count]; // 0 unvisited, 1 on the path being visited, 2 placed
        var order = new List<int>(operations.Count);
        var circle = Enumerable.Range(0, operations.Count).ToArray(); // union-find of the circles
        var onCircle = new HashSet<int>();
        var path = new List<int>();

        int Root(int i) => circle[i] == i ? i : circle[i] = Root(circle[i]);

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
                    // Everything on the path from the creator to here refers, in turn, to the next: a circle.
                    foreach (var member in path.Skip(path.IndexOf(creator)))
                    {
                        onCircle.Add(member);
                        circle[Root(member)] = Root(creator);
                    }
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
        var circles = onCircle.GroupBy(Root).Select(g => (IReadOnlyList<int>)g.Order().ToList()).OrderBy(c => c[0]).ToList();
        return new BulkPlan(order, circles, references);
    }
}
