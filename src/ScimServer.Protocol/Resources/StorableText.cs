namespace ScimServer.Protocol.Resources;

/// <summary>
/// JSON can carry strings that UTF-8 databases cannot store: U+0000 and unpaired surrogates ("\ud800").
/// Both are refused as invalid input instead of failing deep inside the database driver.
/// </summary>
public static class StorableText
{
    /// <summary>What makes <paramref name="text"/> unstorable, or null when it is fine.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "the character U+0000";
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"an unpaired surrogate \\u{(int)c:x4}";
            }
        }
        return null;
    }

    /// <summary><paramref name="text"/> with U+0000 and unpaired surrogates replaced by U+FFFD, so it can be stored and logged.</summary>
    public static string? Clean(string? text)
    {
        if (text is null || Problem(text) is null)
        {
            return text;
        }
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (chars[i] == '\0' || char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }
        return new string(chars);
    }
}
