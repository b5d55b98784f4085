using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Paths;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// Recursive-descent parser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths.
/// Precedence: <c>or</c> binds loosest, then <c>and</c>, then <c>not</c>, grouping and comparisons.
/// Filters are untrusted input, so length and nesting depth are bounded and every failure is an
/// <see cref="ScimError"/> naming the 1-based position, never an exception.
/// </summary>
public sealed class FilterParser
{
    public const int MaxLength = 10_000;
    public const int MaxDepth = 32;

    private readonly List<Token> _tokens;
    private readonly string _errorType;
    private int _index;
    private int _depth;

    private FilterParser(List<Token> tokens, string errorType)
    {
        _tokens = tokens;
        _errorType = errorType;
    }

    private Token Current => _tokens[_index];

    /// <summary>Parses a complete filter expression.</summary>
    public static Result<FilterNode> Parse(string? text) =>
        Run(text, ScimType.InvalidFilter, "filter", p =>
        {
            var node = p.ParseOr(inValuePath: false);
            p.ExpectEnd();
            return node;
        });

    /// <summary>Parses a PATCH operation's path.</summary>
    public static Result<PatchPath> ParsePath(string? text) =>
        Run(text, ScimType.InvalidPath, "path", p => p.ParsePatchPath());

    private static Result<T> Run<T>(string? text, string errorType, string what, Func<FilterParser, T> parse)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ScimError.BadRequest(errorType, $"The {what} is empty.");
        }
        if (text.Length > MaxLength)
        {
            return ScimError.BadRequest(errorType, $"The {what} is {text.Length} characters long; the limit is {MaxLength}.");
        }
        try
        {
            var parser = new FilterParser(FilterLexer.Tokenize(text), errorType);
            return Result<T>.Ok(parse(parser));
        }
        catch (ScimException e)
        {
            // The lexer speaks of filters; a path's errors keep their text but take the path's scimType.
            return ScimError.BadRequest(errorType, e.Error.Detail);
        }
    }

    private FilterNode ParseOr(bool inValuePath)
    {
        var left = ParseAnd(inValuePath);
        while (Current.IsWord("or"))
        {
            Advance();
            left = new LogicalNode(LogicalOperator.Or, left, ParseAnd(inValuePath));
        }
        return left;
    }

    private FilterNode ParseAnd(bool inValuePath)
    {
        var left = ParseUnary(inValuePath);
        while (Current.IsWord("and"))
        {
            Advance();
            left = new LogicalNode(LogicalOperator.And, left, ParseUnary(inValuePath));
        }
        return left;
    }

    private FilterNode ParseUnary(bool inValuePath)
    {
        var token = Current;
        if (token.IsWord("not") && Peek(1).Kind == TokenKind.LeftParen)
        {
            Advance();
            return new NotNode(ParseGroup(inValuePath));
        }
        if (token.IsWord("not") && Peek(1).Kind != TokenKind.End && !(Peek(1).Kind == TokenKind.Word && Operators.TryParse(Peek(1).Text, out _)))
        {
            throw Fail($"'not' at position {token.Position} must be followed by a filter in parentheses, e.g. not (userName eq \"x\").");
        }
        if (token.Kind == TokenKind.LeftParen)
        {
            return ParseGroup(inValuePath);
        }
        if (token.Kind == TokenKind.Word)
        {
            return ParseAttributeExpression(inValuePath);
        }
        throw Fail(token.Kind == TokenKind.End
            ? $"The filter ends at position {token.Position} where an attribute, 'not' or '(' was expected."
            : $"Expected an attribute name, 'not' or '(' at position {token.Position}, found {token.Describe()}.");
    }

    private FilterNode ParseGroup(bool inValuePath)
    {
        var open = Expect(TokenKind.LeftParen, "'('");
        if (++_depth > MaxDepth)
        {
            throw Fail($"The filter nests more than {MaxDepth} levels deep at position {open.Position}.");
        }
        var inner = ParseOr(inValuePath);
        if (Current.Kind != TokenKind.RightParen)
        {
            throw Fail($"Expected ')' at position {Current.Position} to close the '(' at position {open.Position}, found {Current.Describe()}.");
        }
        Advance();
        _depth--;
        return inner;
    }

    private FilterNode ParseAttributeExpression(bool inValuePath)
    {
        var pathToken = Current;
        var path = ReadAttributePath();
        if (Current.Kind == TokenKind.LeftBracket)
        {
            if (inValuePath)
            {
                throw Fail($"A value filter cannot contain another value filter ('[' at position {Current.Position}).");
            }
            var filter = ParseValueFilter(path, pathToken);
            if (Current.Kind == TokenKind.Dot)
            {
                throw Fail($"A filter cannot name a sub-attribute after ']' (position {Current.Position}); write '{path}[…]' alone or use '{path}.sub op value'.");
            }
            return new ValuePathNode(path, filter);
        }
        var opToken = Current;
        if (opToken.Kind != TokenKind.Word || !Operators.TryParse(opToken.Text, out var op))
        {
            throw Fail(opToken.Kind == TokenKind.End
                ? $"The filter ends after '{pathToken.Text}' where an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) was expected."
                : $"Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after '{pathToken.Text}' at position {opToken.Position}, found {opToken.Describe()}.");
        }
        Advance();
        if (op == ComparisonOperator.Present)
        {
            return new ComparisonNode(path, op, null);
        }
        return new ComparisonNode(path, op, ReadLiteral(opToken));
    }

    private FilterNode ParseValueFilter(AttributePath path, Token pathToken)
    {
        var open = Expect(TokenKind.LeftBracket, "'['");
        if (path.SubAttribute is not null)
        {
            throw Fail($"A value filter applies to a multi-valued attribute, not to the sub-attribute '{pathToken.Text}' (position {open.Position}).");
        }
        var filter = ParseOr(inValuePath: true);
        if (Current.Kind != TokenKind.RightBracket)
        {
            throw Fail($"Expected ']' at position {Current.Position} to close the '[' at position {open.Position}, found {Current.Describe()}.");
        }
        Advance();
        return filter;
    }

    private PatchPath ParsePatchPath()
    {
        var pathToken = Current;
        if (pathToken.Kind != TokenKind.Word)
        {
            throw Fail($"Expected an attribute name at position {pathToken.Position}, found {pathToken.Describe()}.");
        }
        var path = ReadAttributePath();
        FilterNode? filter = null;
        string? sub = null;
        if (Current.Kind == TokenKind.LeftBracket)
        {
            filter = ParseValueFilter(path, pathToken);
            if (Current.Kind == TokenKind.Dot)
            {
                Advance();
                var subToken = Current;
                if (subToken.Kind != TokenKind.Word || !AttributePath.IsAttributeName(subToken.Text))
                {
                    throw Fail($"Expected a sub-attribute name after '.' at position {subToken.Position}, found {subToken.Describe()}.");
                }
                sub = subToken.Text;
                Advance();
            }
        }
        ExpectEnd();
        return new PatchPath(path, filter, sub);
    }

    private AttributePath ReadAttributePath()
    {
        var token = Current;
        var path = AttributePath.TryParse(token.Text)
            ?? throw Fail($"'{token.Text}' at position {token.Position} is not a valid attribute path (attribute, attribute.subAttribute, or a schema URN followed by ':attribute').");
        Advance();
        return path;
    }

    private FilterLiteral ReadLiteral(Token opToken)
    {
        var token = Current;
        FilterLiteral literal = token.Kind switch
        {
            TokenKind.String => new FilterLiteral(LiteralKind.String, token.Text),
            TokenKind.Number => new FilterLiteral(LiteralKind.Number, token.Text),
            TokenKind.Word when token.IsWord("true") => FilterLiteral.True,
            TokenKind.Word when token.IsWord("false") => FilterLiteral.False,
            TokenKind.Word when token.IsWord("null") => FilterLiteral.Null,
            _ => throw Fail(token.Kind == TokenKind.End
                ? $"The filter ends after '{opToken.Text}' where a value was expected; quote strings, e.g. \"value\"."
                : $"Expected a value (a \"quoted string\", number, true, false or null) after '{opToken.Text}' at position {token.Position}, found {token.Describe()}."),
        };
        Advance();
        return literal;
    }

    private void ExpectEnd()
    {
        if (Current.Kind != TokenKind.End)
        {
            var hint = Current.Kind == TokenKind.Word ? " Join expressions with 'and' or 'or'." : "";
            throw Fail($"Unexpected {Current.Describe()} at position {Current.Position}.{hint}");
        }
    }

    private Token Expect(TokenKind kind, string what)
    {
        var token = Current;
        if (token.Kind != kind)
        {
            throw Fail($"Expected {what} at position {token.Position}, found {token.Describe()}.");
        }
        Advance();
        return token;
    }

    private Token Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private void Advance()
    {
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }
    }

    private ScimException Fail(string detail) => new(ScimError.BadRequest(_errorType, detail));
}
