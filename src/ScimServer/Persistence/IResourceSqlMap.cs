using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Persistence;

/// <summary>
/// Where a resource type's attributes live in SQL, for <see cref="SqlFilterTranslator"/>. Attributes a map does
/// not claim are read from the jsonb document, so every schema attribute can be filtered; the map claims the
/// ones with typed, indexed columns. The current row is aliased <c>r</c>.
/// </summary>
public interface IResourceSqlMap
{
    ResourceTypeDefinition Type { get; }

    /// <summary>A typed column for a singular attribute or sub-attribute, or null to use the document.</summary>
    SqlOperand? Column(ResolvedAttribute attribute);

    /// <summary>A relational source for a multi-valued attribute (memberships), or null to use the document.</summary>
    SqlElementSource? Elements(ResolvedAttribute attribute, string alias);

    /// <summary>An index-friendly predicate for one comparison, or null for the general translation.</summary>
    string? FastPredicate(ResolvedAttribute attribute, ComparisonOperator op, TypedLiteral? literal, SqlParameters parameters);

    /// <summary>Why an attribute cannot be filtered or sorted on, or null when it can.</summary>
    string? Unsupported(ResolvedAttribute attribute);
}
