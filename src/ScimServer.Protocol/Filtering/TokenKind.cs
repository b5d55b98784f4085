namespace ScimServer.Protocol.Filtering;

internal enum TokenKind
{
    Word,
    String,
    Number,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Dot,
    End,
}
