using System.Globalization;
using System.Text.Json;

namespace ScimServer.Protocol.Filtering;

/// <summary>A comparison value (compValue): a JSON string, number, true, false or null.</summary>
public sealed record FilterLiteral(LiteralKind Kind, string Text)
{
    public static readonly FilterLiteral True = new(LiteralKind.True, "true");
    public static readonly FilterLiteral False = new(LiteralKind.False, "false");
    public static readonly FilterLiteral Null = new(LiteralKind.Null, "null");

    private static readonly JsonSerializerOptions Printing = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ToString() => Kind == LiteralKind.String ? JsonSerializer.Serialize(Text, Printing) : Text;

    public bool TryGetDecimal(out decimal value) =>
        decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
