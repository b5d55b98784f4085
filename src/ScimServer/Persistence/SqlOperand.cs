namespace ScimServer.Persistence;

/// <summary>A SQL expression standing for one attribute value of a row.</summary>
public sealed record SqlOperand(string Sql, SqlKind Kind, bool CaseExact);
