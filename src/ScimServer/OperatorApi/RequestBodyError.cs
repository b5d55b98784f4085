using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace ScimServer.OperatorApi;

/// <summary>
/// Turns a JSON body the framework could not bind (malformed JSON, a value of the wrong type, an unknown enum
/// name) into a problem code and a detail that names the field and what it accepts, instead of an empty 400.
/// </summary>
internal static class RequestBodyError
{
    public static (string Code, string Detail) Describe(BadHttpRequestException bad, HttpContext context)
    {
        if (bad.InnerException is not JsonException json)
        {
            return ("invalid", "The request could not be read: " + bad.Message);
        }
        var where = json.Path is null or "$" ? "" : $" at {json.Path[2..]}";
        if (!json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return ("invalidJson", $"The body is not valid JSON{where} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}); send a JSON object.");
        }
        // The exception handler runs with the endpoint cleared; the feature keeps the one that failed.
        var endpoint = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Select(m => m.RequestType).LastOrDefault(t => t is not null);
        var (field, type) = Resolve(bodyType, json.Path);
        return type is null
            ? ("invalidValue", $"A value in the body{where} has the wrong type.")
            : ("invalidValue", $"'{field}' must be {Expected(type)}.");
    }

    /// <summary>Follows a path such as <c>$.products[0].code</c> through the body type's properties (names compared as JSON writes them).</summary>
    private static (string Field, Type? Type) Resolve(Type? type, string? path)
    {
        if (type is null || path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return (path ?? "", null);
        }
        var field = path[2..];
        foreach (var segment in field.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type?.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            type = property is null ? null : Element(property.PropertyType, indexed: segment.Contains('['));
        }
        return (field, type);
    }

    private static Type Element(Type type, bool indexed)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!indexed)
        {
            return type;
        }
        var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? type;
        return Nullable.GetUnderlyingType(element) ?? element;
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(DateOnly) => "a date (yyyy-MM-dd)",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (ISO 8601)",
            _ when type == typeof(Guid) => "an id (UUID)",
            _ when type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) => "a list",
            _ => "an object",
        };
    }
}
