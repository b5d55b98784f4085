namespace ScimServer.Protocol.Filtering;

/// <summary>The wire names of the comparison operators, matched case-insensitively.</summary>
public static class Operators
{
    private static readonly Dictionary<string, ComparisonOperator> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eq"] = ComparisonOperator.Equal,
        ["ne"] = ComparisonOperator.NotEqual,
        ["co"] = ComparisonOperator.Contains,
        ["sw"] = ComparisonOperator.StartsWith,
        ["ew"] = ComparisonOperator.EndsWith,
        ["pr"] = ComparisonOperator.Present,
        ["gt"] = ComparisonOperator.GreaterThan,
        ["ge"] = ComparisonOperator.GreaterOrEqual,
        ["lt"] = ComparisonOperator.LessThan,
        ["le"] = ComparisonOperator.LessOrEqual,
    };

    public static bool TryParse(string text, out ComparisonOperator op) => ByName.TryGetValue(text, out op);

    public static string Name(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "ne",
        ComparisonOperator.Contains => "co",
        ComparisonOperator.StartsWith => "sw",
        ComparisonOperator.EndsWith => "ew",
        ComparisonOperator.Present => "pr",
        ComparisonOperator.GreaterThan => "gt",
        ComparisonOperator.GreaterOrEqual => "ge",
        ComparisonOperator.LessThan => "lt",
        _ => "le",
    };

    public static bool IsOrdering(ComparisonOperator op) =>
        op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterOrEqual or ComparisonOperator.LessThan or ComparisonOperator.LessOrEqual;

    public static bool IsSubstring(ComparisonOperator op) =>
        op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
}
