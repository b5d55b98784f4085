using NpgsqlTypes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Persistence;

/// <summary>
/// Translates a parsed SCIM filter into one SQL boolean expression over the row <c>r</c>. User input reaches SQL
/// only as parameters; the only names written into the text are those of our own schemas. Nothing is evaluated
/// in memory: an attribute that cannot be expressed in SQL is an <c>invalidFilter</c> answer.
/// </summary>
public sealed class SqlFilterTranslator(IResourceSqlMap map, SqlParameters parameters)
{
    private int _aliases;

    public Result<string> Translate(FilterNode filter) => Guard(() => Node(filter));

    /// <summary>Translates a bound value filter against an element source (a PATCH removing members by filter).</summary>
    public Result<string> TranslateElements(BoundElementFilter filter, SqlElementSource source) =>
        Guard(() => Element(filter, source));

    public Result<string> OrderBy(string sortBy, SortOrder order)
    {
        var key = SortKey(sortBy);
        return !key.IsSuccess ? key.Error
            : Result<string>.Ok(order == SortOrder.Descending ? $"{key.Value.Sql} DESC NULLS LAST" : $"{key.Value.Sql} ASC NULLS LAST");
    }

    /// <summary>The expression <paramref name="sortBy"/> sorts by (lower-cased for case-insensitive text) and its kind.</summary>
    public Result<SqlOperand> SortKey(string sortBy) => Guard(() =>
    {
        var path = AttributePath.TryParse(sortBy) ?? throw Invalid(ScimType.InvalidValue, $"sortBy \"{sortBy}\" is not an attribute path.");
        var resolved = Resolve(path, ScimType.InvalidValue);
        var attribute = resolved.Attribute ?? throw Invalid(ScimType.InvalidValue, $"sortBy \"{sortBy}\" names a schema, not an attribute.");
        SqlOperand operand;
        if (attribute.MultiValued)
        {
            // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else its first.
            var sub = resolved.SubAttribute ?? attribute.ValueSubAttribute
                ?? throw Invalid(ScimType.InvalidValue, $"sortBy \"{sortBy}\": '{attribute.Name}' has no value to sort by.");
            if (map.Elements(resolved, "s") is not null)
            {
                throw Invalid(ScimType.InvalidValue, $"sortBy \"{sortBy}\" is not supported; sort by a single-valued attribute.");
            }
            var array = Document(resolved.ExtensionKey, attribute.Name, null, SqlKind.Text).Sql.Replace("jsonb_extract_path_text", "jsonb_extract_path", StringComparison.Ordinal);
            operand = new SqlOperand(
                $"(SELECT s.v ->> {Quote(sub.Name)} FROM jsonb_array_elements(COALESCE({array}, jsonb_build_array())) AS s(v) " +
                "ORDER BY COALESCE((s.v ->> 'primary') = 'true', FALSE) DESC LIMIT 1)", SqlKind.Text, sub.CaseExact);
        }
        else
        {
            if (attribute.Type == AttributeType.Complex && resolved.SubAttribute is null)
            {
                throw Invalid(ScimType.InvalidValue, $"sortBy \"{sortBy}\" is complex; name a sub-attribute, e.g. '{attribute.Name}.{attribute.SubAttributes[0].Name}'.");
            }
            operand = Operand(resolved);
        }
        return operand is { Kind: SqlKind.Text, CaseExact: false } ? operand with { Sql = $"lower({operand.Sql})" } : operand;
    });

    private static Result<T> Guard<T>(Func<T> translate)
    {
        try
        {
            return Result<T>.Ok(translate());
        }
        catch (TranslationException e)
        {
            return e.Error;
        }
    }

    private string Node(FilterNode node) => node switch
    {
        LogicalNode l => $"({Node(l.Left)} {(l.Operator == LogicalOperator.And ? "AND" : "OR")} {Node(l.Right)})",
        // NOT over SQL's three-valued logic: a comparison with a missing attribute is NULL, which "not" must make true.
        NotNode n => $"(({Node(n.Inner)}) IS NOT TRUE)",
        ComparisonNode c => Comparison(c),
        ValuePathNode v => ValuePath(v),
        _ => throw new InvalidOperationException("Unknown filter node."),
    };

    private string Comparison(ComparisonNode c)
    {
        var resolved = Resolve(c.Path, ScimType.InvalidFilter);
        var attribute = resolved.Attribute
            ?? throw Invalid(ScimType.InvalidFilter, $"'{c.Path}' names a whole schema extension; compare one of its attributes.");
        var display = c.Path.ToString();
        if (attribute.MultiValued)
        {
            var source = Source(resolved);
            if (c.Operator == ComparisonOperator.Present && resolved.SubAttribute is null)
            {
                return $"EXISTS (SELECT 1 FROM {source.From} WHERE {source.Where})";
            }
            var sub = resolved.SubAttribute ?? attribute.ValueSubAttribute ?? attribute with { MultiValued = false };
            var literal = Literal(sub, c, display);
            var fast = map.FastPredicate(resolved, c.Operator, literal, parameters);
            if (fast is not null)
            {
                return fast;
            }
            var operand = source.Sub(sub) ?? throw Invalid(ScimType.InvalidFilter, $"'{display}' cannot be used in a filter.");
            return $"EXISTS (SELECT 1 FROM {source.From} WHERE {source.Where} AND {Predicate(operand, c.Operator, literal)})";
        }
        var target = resolved.Target!;
        if (target.Type == AttributeType.Complex && c.Operator == ComparisonOperator.Present)
        {
            var container = Document(resolved.ExtensionKey, attribute.Name, null, SqlKind.Text).Sql.Replace("jsonb_extract_path_text", "jsonb_extract_path", StringComparison.Ordinal);
            return $"({container} IS NOT NULL AND {container} <> jsonb_build_object())";
        }
        var typed = Literal(target, c, display);
        return map.FastPredicate(resolved, c.Operator, typed, parameters) ?? Predicate(Operand(resolved), c.Operator, typed);
    }

    private string ValuePath(ValuePathNode v)
    {
        var resolved = Resolve(v.Path, ScimType.InvalidFilter);
        var attribute = resolved.Attribute;
        if (attribute is not { MultiValued: true })
        {
            throw Invalid(ScimType.InvalidFilter, $"'{v.Path}[…]': a value filter needs a multi-valued attribute.");
        }
        var source = Source(resolved);
        var bound = BoundElementFilter.Bind(v.Filter, attribute);
        if (!bound.IsSuccess)
        {
            throw new TranslationException(bound.Error);
        }
        return $"EXISTS (SELECT 1 FROM {source.From} WHERE {source.Where} AND {Element(bound.Value, source)})";
    }

    private string Element(BoundElementFilter node, SqlElementSource source) => node switch
    {
        BoundElementFilter.Logical l => $"({Element(l.Left, source)} {(l.Operator == LogicalOperator.And ? "AND" : "OR")} {Element(l.Right, source)})",
        BoundElementFilter.Not n => $"(({Element(n.Inner, source)}) IS NOT TRUE)",
        BoundElementFilter.Comparison c => Predicate(
            source.Sub(c.Attribute) ?? throw Invalid(ScimType.InvalidFilter, $"'{c.Display}' cannot be used in a filter."), c.Operator, c.Literal),
        _ => throw new InvalidOperationException("Unknown bound filter node."),
    };

    private string Predicate(SqlOperand operand, ComparisonOperator op, TypedLiteral? literal)
    {
        var x = operand.Sql;
        if (op == ComparisonOperator.Present)
        {
            return operand.Kind == SqlKind.Text ? $"({x} IS NOT NULL AND {x} <> '')" : $"({x} IS NOT NULL)";
        }
        if (literal!.Value is null)
        {
            return op == ComparisonOperator.Equal ? $"({x} IS NULL)" : $"({x} IS NOT NULL)";
        }
        switch (operand.Kind)
        {
            case SqlKind.Uuid:
                if (Guid.TryParse((string)literal.Value, out var id) && !Protocol.Filtering.Operators.IsSubstring(op) && !Protocol.Filtering.Operators.IsOrdering(op))
                {
                    var p = parameters.Add(id, NpgsqlDbType.Uuid);
                    return op == ComparisonOperator.Equal ? $"({x} = {p})" : $"({x} IS DISTINCT FROM {p})";
                }
                if (op == ComparisonOperator.Equal)
                {
                    return "FALSE"; // Not a UUID, so no id can equal it.
                }
                if (op == ComparisonOperator.NotEqual)
                {
                    return "TRUE";
                }
                return Text($"{x}::text", false, op, (string)literal.Value);
            case SqlKind.Text:
                return Text(x, operand.CaseExact, op, literal.Value.ToString()!);
            case SqlKind.Boolean:
                var b = parameters.Add(literal.Value, NpgsqlDbType.Boolean);
                return op == ComparisonOperator.Equal ? $"({x} = {b})" : $"({x} IS DISTINCT FROM {b})";
            case SqlKind.Numeric:
                return Ordered(x, op, parameters.Add(Convert.ToDecimal(literal.Value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Numeric));
            default:
                return Ordered(x, op, parameters.Add(((DateTimeOffset)literal.Value).ToUniversalTime(), NpgsqlDbType.TimestampTz));
        }
    }

    private string Text(string x, bool caseExact, ComparisonOperator op, string value)
    {
        var lhs = caseExact ? x : $"lower({x})";
        string Rhs(string v)
        {
            var p = parameters.Add(v, NpgsqlDbType.Text);
            return caseExact ? p : $"lower({p})";
        }
        return op switch
        {
            ComparisonOperator.Equal => $"({lhs} = {Rhs(value)})",
            ComparisonOperator.NotEqual => $"({x} IS NULL OR {lhs} <> {Rhs(value)})",
            ComparisonOperator.Contains => $"({lhs} LIKE {Rhs("%" + EscapeLike(value) + "%")})",
            ComparisonOperator.StartsWith => $"({lhs} LIKE {Rhs(EscapeLike(value) + "%")})",
            ComparisonOperator.EndsWith => $"({lhs} LIKE {Rhs("%" + EscapeLike(value))})",
            _ => Ordered(lhs, op, Rhs(value)),
        };
    }

    private static string Ordered(string x, ComparisonOperator op, string p) => op switch
    {
        ComparisonOperator.Equal => $"({x} = {p})",
        ComparisonOperator.NotEqual => $"({x} IS DISTINCT FROM {p})",
        ComparisonOperator.GreaterThan => $"({x} > {p})",
        ComparisonOperator.GreaterOrEqual => $"({x} >= {p})",
        ComparisonOperator.LessThan => $"({x} < {p})",
        _ => $"({x} <= {p})",
    };

    // LIKE's wildcards in the user's value are literal characters (backslash is PostgreSQL's default escape).
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static TypedLiteral? Literal(AttributeDefinition target, ComparisonNode c, string display)
    {
        if (c.Value is null)
        {
            return null;
        }
        var typed = TypedLiteral.From(target, c.Operator, c.Value, display);
        return typed.IsSuccess ? typed.Value : throw new TranslationException(typed.Error);
    }

    private ResolvedAttribute Resolve(AttributePath path, string scimType)
    {
        var resolved = AttributeResolver.Resolve(map.Type, path);
        if (!resolved.IsSuccess)
        {
            throw Invalid(scimType, resolved.Error.Detail);
        }
        if (map.Unsupported(resolved.Value) is { } why)
        {
            throw Invalid(scimType, why);
        }
        return resolved.Value;
    }

    private SqlOperand Operand(ResolvedAttribute resolved) =>
        map.Column(resolved) ?? Document(resolved.ExtensionKey, resolved.Attribute!.Name, resolved.SubAttribute?.Name, KindOf(resolved.Target!), resolved.Target!.CaseExact);

    private SqlElementSource Source(ResolvedAttribute resolved)
    {
        var alias = "e" + (_aliases++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (map.Elements(resolved, alias) is { } relational)
        {
            return relational;
        }
        var attribute = resolved.Attribute!;
        var array = Document(resolved.ExtensionKey, attribute.Name, null, SqlKind.Text).Sql.Replace("jsonb_extract_path_text", "jsonb_extract_path", StringComparison.Ordinal);
        return new SqlElementSource(
            $"jsonb_array_elements(COALESCE({array}, jsonb_build_array())) AS {alias}(v)",
            "TRUE",
            sub => attribute.Type == AttributeType.Complex
                ? Cast($"({alias}.v ->> {Quote(sub.Name)})", KindOf(sub), sub.CaseExact)
                : Cast($"(jsonb_build_array({alias}.v) ->> 0)", KindOf(sub), sub.CaseExact));
    }

    /// <summary>Reads an attribute from the jsonb document, e.g. <c>jsonb_extract_path_text(r.data, 'name', 'givenName')</c>.</summary>
    private static SqlOperand Document(string? extension, string attribute, string? sub, SqlKind kind, bool caseExact = false)
    {
        var keys = new List<string>();
        if (extension is not null)
        {
            keys.Add(extension);
        }
        keys.Add(attribute);
        if (sub is not null)
        {
            keys.Add(sub);
        }
        // Names come from our schema definitions, never from the request; quote them anyway. No braces:
        // EF's raw-SQL methods read "{…}" as format placeholders.
        return Cast($"jsonb_extract_path_text(r.data, {string.Join(", ", keys.Select(Quote))})", kind, caseExact);
    }

    private static SqlOperand Cast(string text, SqlKind kind, bool caseExact) => kind switch
    {
        SqlKind.Boolean => new SqlOperand($"{text}::boolean", kind, caseExact),
        SqlKind.Numeric => new SqlOperand($"{text}::numeric", kind, caseExact),
        SqlKind.Timestamp => new SqlOperand($"{text}::timestamptz", kind, caseExact),
        _ => new SqlOperand(text, SqlKind.Text, caseExact),
    };

    public static SqlKind KindOf(AttributeDefinition attribute) => attribute.Type switch
    {
        AttributeType.Boolean => SqlKind.Boolean,
        AttributeType.Integer or AttributeType.Decimal => SqlKind.Numeric,
        AttributeType.DateTime => SqlKind.Timestamp,
        _ => SqlKind.Text,
    };

    public static string Quote(string name) => "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static TranslationException Invalid(string scimType, string detail) => new(ScimError.BadRequest(scimType, detail));

    private sealed class TranslationException(ScimError error) : Exception(error.Detail)
    {
        public ScimError Error { get; } = error;
    }
}
