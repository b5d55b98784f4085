using System.Text;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// Prints a filter in canonical form: lower-case operators, JSON literals, and parentheses exactly where the
/// tree differs from the default precedence, so that tests can show how text was grouped.
/// </summary>
public static class FilterPrinter
{
    public static string Print(FilterNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, FilterNode node)
    {
        switch (node)
        {
            case LogicalNode l:
                WriteOperand(sb, l.Left, l.Operator, isRight: false);
                sb.Append(l.Operator == LogicalOperator.And ? " and " : " or ");
                WriteOperand(sb, l.Right, l.Operator, isRight: true);
                break;
            case NotNode n:
                sb.Append("not (");
                Write(sb, n.Inner);
                sb.Append(')');
                break;
            case ComparisonNode c:
                sb.Append(c.Path).Append(' ').Append(Operators.Name(c.Operator));
                if (c.Value is not null)
                {
                    sb.Append(' ').Append(c.Value);
                }
                break;
            case ValuePathNode v:
                sb.Append(v.Path).Append('[');
                Write(sb, v.Filter);
                sb.Append(']');
                break;
        }
    }

    // Chains are left-associative, so a right operand of the same operator was parenthesised in the source.
    private static void WriteOperand(StringBuilder sb, FilterNode child, LogicalOperator parent, bool isRight)
    {
        var wrap = child is LogicalNode l && (l.Operator != parent ? l.Operator == LogicalOperator.Or : isRight);
        if (wrap)
        {
            sb.Append('(');
        }
        Write(sb, child);
        if (wrap)
        {
            sb.Append(')');
        }
    }
}
