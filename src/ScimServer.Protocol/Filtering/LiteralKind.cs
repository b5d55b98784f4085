namespace ScimServer.Protocol.Filtering;

public enum LiteralKind
{
    String,
    Number,
    True,
    False,
    Null,
}
