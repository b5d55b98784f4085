namespace ScimServer.Protocol.Filtering;

/// <summary>A lexical token; <see cref="Position"/> is the 1-based character offset used in error messages.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool IsWord(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the filter",
        TokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
