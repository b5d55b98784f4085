using Microsoft.Extensions.Options;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Scim;

/// <summary>Reads the list/search parameters and the attribute projection of a request.</summary>
public static class ScimQuery
{
    public static AttributeSelection Selection(HttpRequest request, ResourceTypeDefinition type) =>
        AttributeSelection.Parse(type, (string?)request.Query["attributes"], (string?)request.Query["excludedAttributes"]);

    public static bool AsksForAttributes(HttpRequest request) =>
        request.Query.ContainsKey("attributes") || request.Query.ContainsKey("excludedAttributes");

    public static Result<SearchParameters> FromQuery(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value;
        return SearchParameters.FromQuery(name => context.Request.Query[name].FirstOrDefault(), options.DefaultPageSize, options.MaxPageSize);
    }

    public static async Task<Result<SearchParameters>> FromBodyAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value;
        var body = await ScimRequest.ReadBodyAsync(context.Request);
        return body.IsSuccess ? SearchParameters.FromBody(body.Value, options.DefaultPageSize, options.MaxPageSize) : body.Error;
    }

    public static ScimError NotFound(string type, string id) =>
        ScimError.NotFound($"{type} '{id}' was not found.");
}
