using System.Text;
using ScimServer.Protocol.Errors;

namespace ScimServer.Protocol.Filtering;

/// <summary>Turns filter or path text into tokens. Strings follow JSON escaping (RFC 7644 §3.4.2.2, compValue).</summary>
internal static class FilterLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var start = i;
            switch (c)
            {
                case '(': tokens.Add(new Token(TokenKind.LeftParen, "(", i + 1)); i++; continue;
                case ')': tokens.Add(new Token(TokenKind.RightParen, ")", i + 1)); i++; continue;
                case '[': tokens.Add(new Token(TokenKind.LeftBracket, "[", i + 1)); i++; continue;
                case ']': tokens.Add(new Token(TokenKind.RightBracket, "]", i + 1)); i++; continue;
                case '.': tokens.Add(new Token(TokenKind.Dot, ".", i + 1)); i++; continue;
                case '"':
                    tokens.Add(new Token(TokenKind.String, ReadString(text, ref i), start + 1));
                    continue;
            }
            if (c == '-' || char.IsAsciiDigit(c))
            {
                tokens.Add(new Token(TokenKind.Number, ReadNumber(text, ref i), start + 1));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '$')
            {
                while (i < text.Length && IsWordChar(text[i]))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Word, text[start..i], start + 1));
                continue;
            }
            // A whole text element: an emoji is two UTF-16 units, and half of one is not text any writer can encode.
            throw Fail($"Unexpected character '{System.Globalization.StringInfo.GetNextTextElement(text, i)}' at position {i + 1}.");
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    // Colons and dots belong to words so that schema URNs ("urn:…:2.0:User:name.givenName") stay one token.
    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '.' or '$';

    private static string ReadString(string text, ref int i)
    {
        var start = i;
        var sb = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                i++;
                if (Resources.StorableText.Problem(sb.ToString()) is { } problem)
                {
                    throw Fail($"The string starting at position {start + 1} contains {problem}, which no stored value can contain.");
                }
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                var e = text[i + 1];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u' when i + 6 <= text.Length &&
                                  ushort.TryParse(text.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default:
                        throw Fail($"Invalid escape sequence '\\{e}' in the string starting at position {start + 1}.");
                }
                i += 2;
                continue;
            }
            sb.Append(c);
            i++;
        }
        throw Fail($"The string starting at position {start + 1} is not closed with '\"'.");
    }

    private static string ReadNumber(string text, ref int i)
    {
        var start = i;
        if (text[i] == '-')
        {
            i++;
        }
        var digits = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i == digits)
        {
            throw Fail($"Expected a digit after '-' at position {start + 1}.");
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var fraction = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == fraction)
            {
                throw Fail($"Expected digits after the decimal point in the number at position {start + 1}.");
            }
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            var exponent = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == exponent)
            {
                throw Fail($"Expected digits in the exponent of the number at position {start + 1}.");
            }
        }
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            throw Fail($"Unexpected character '{System.Globalization.StringInfo.GetNextTextElement(text, i)}' at position {i + 1} inside a number.");
        }
        return text[start..i];
    }

    private static ScimException Fail(string detail) => new(ScimError.InvalidFilter(detail));
}
